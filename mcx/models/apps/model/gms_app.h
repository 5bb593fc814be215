// The Group Management Server as an ns-3 application (TS 33.180 5.7): provisioning from the KMS,
// then GMK distribution, rekeys and revocation (procedures::GmsService).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "mcx/models/apps/model/mcx_kms_client_app.h"
#include "mcx/procedures/onnet/gms_service.h"

namespace mcx::models {

class GmsApp : public McxKmsClientApp {
 public:
  static ns3::TypeId GetTypeId();
  void AddGroup(const std::string& group, const std::vector<std::string>& members);
  void Rekey(const std::string& group);
  void RemoveMember(const std::string& group, const std::string& member);
  void Revoke(const std::string& group);
  bool Ready() const { return service_ != nullptr; }
  const procedures::GmsService* service() const { return service_.get(); }
  void AddMixingServer(const std::string& uri, ns3::Ipv4Address address);

  /// (group, gmkId, rekey number)
  ns3::TracedCallback<std::string, uint32_t, uint32_t, uint64_t, uint64_t> m_rekeyStartedTrace;
  /// (group, member, gmkId, rekey number, latency s, result)
  ns3::TracedCallback<std::string, std::string, uint32_t, uint32_t, double, std::string> m_outcomeTrace;

 private:
  void StartApplication() override;
  std::string m_gmsUri = "sip:gms@mcx.example.org";
  std::string m_transport = "sip";
  double m_activationDelay = 0;
  double m_keyLifetime = 0;
  double m_rekeyPeriod = 0;  ///< seconds; 0 = rekey only on demand
  bool m_fullDocuments = false;
  void PeriodicRekey();
  std::vector<std::pair<std::string, std::vector<std::string>>> groups_;
  std::vector<std::pair<std::string, procedures::Endpoint>> mixing_;
  std::unique_ptr<procedures::GmsService> service_;
};

}  // namespace mcx::models
