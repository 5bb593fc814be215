// The MC client of a UE as an ns-3 application (TS 33.180 5.3, 5.4, 5.7): provisioning, REGISTER
// with CSK upload, affiliation, group subscriptions and every GMK's receiver checks (procedures::UeClient).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mcx/models/apps/model/mcx_kms_client_app.h"
#include "mcx/procedures/onnet/ue_client.h"

namespace mcx::models {

class UeApp : public McxKmsClientApp {
 public:
  static ns3::TypeId GetTypeId();
  void SetGroups(const std::vector<std::string>& groups) { groups_ = groups; }
  /// The UE is reachable again after a time out of coverage: it registers anew and refreshes its
  /// group subscriptions, so the GMS sends the current GMK (see procedures::UeClient::Reconnect).
  void CoverageRestored();
  const procedures::UeClient* client() const { return client_.get(); }

  ns3::TracedCallback<double> m_provisionedTrace;                      ///< seconds from start
  ns3::TracedCallback<> m_registeredTrace;
  ns3::TracedCallback<std::string, uint32_t> m_keyStoredTrace;         ///< group, GMK-ID
  ns3::TracedCallback<std::string, uint32_t> m_keyActiveTrace;
  ns3::TracedCallback<std::string> m_errorTrace;

 private:
  void StartApplication() override;
  std::string m_userUri;
  std::string m_mdsiUri = "sip:mcx-server@mcx.example.org";
  std::string m_gmsUri = "sip:gms@mcx.example.org";
  ns3::Ipv4Address m_proxyAddress, m_gmsAddress;
  std::string m_transport = "sip";
  bool m_cskUpload = true;
  std::vector<std::string> groups_;
  std::unique_ptr<procedures::UeClient> client_;
};

}  // namespace mcx::models
