// The MC client of a UE as an ns-3 application (TS 33.180 5.3, 5.4, 5.7): provisioning, REGISTER
// with the CSK upload, affiliation, group subscriptions and every GMK's receiver checks
// (procedures::UeClient). Its keys go into the node's DeviceKeyStore.
#pragma once

#include <ns3/ipv4-address.h>

#include <memory>
#include <string>
#include <vector>

#include "mcx/models/apps/model/mcx_kms_client_app.h"
#include "mcx/procedures/onnet/ue_client.h"

namespace mcx::models {

class UeApp : public McxKmsClientApp {
 public:
  static ns3::TypeId GetTypeId();
  UeApp();
  ~UeApp() override;

  void SetGroups(const std::vector<std::string>& groups) { m_groups = groups; }
  /// The UE is reachable again after a time out of coverage: it registers anew and refreshes its
  /// group subscriptions, so the GMS sends the current GMK (procedures::UeClient::Reconnect).
  void CoverageRestored();

  /// Key material received and checked: seconds since the application started.
  typedef void (*ProvisionedCallback)(double seconds);
  typedef void (*RegisteredCallback)();
  /// A GMK of a group (its GMK-ID): passed every check and stored, or reached its activation time.
  typedef void (*KeyCallback)(std::string group, uint32_t gmkId);

 private:
  void StartApplication() override;
  void DoDispose() override;
  std::string m_userUri;
  std::string m_mdsiUri;
  std::string m_gmsUri;
  ns3::Ipv4Address m_proxyAddress, m_gmsAddress;
  procedures::GmkTransport m_transport = procedures::GmkTransport::kSip;
  bool m_cskUpload = true;
  std::vector<std::string> m_groups;
  std::unique_ptr<procedures::UeClient> m_client;
  ns3::TracedCallback<double> m_provisionedTrace;
  ns3::TracedCallback<> m_registeredTrace;
  ns3::TracedCallback<std::string, uint32_t> m_gmkStoredTrace;
  ns3::TracedCallback<std::string, uint32_t> m_keyActiveTrace;
};

}  // namespace mcx::models
