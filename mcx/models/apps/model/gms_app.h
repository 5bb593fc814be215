// The Group Management Server as an ns-3 application (TS 33.180 5.7): provisioning from the KMS,
// then GMK distribution, rekeys (on demand and periodic), member removal and revocation
// (procedures::GmsService).
#pragma once

#include <ns3/event-id.h>
#include <ns3/nstime.h>

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
  GmsApp();
  ~GmsApp() override;

  void AddGroup(const std::string& group, const std::vector<std::string>& members);
  /// A new GMK for the group, to every member (5.7.2); asked for before the GMS is provisioned
  /// (the KMS unreachable), it runs once it is, one per group.
  void Rekey(const std::string& group);
  void RemoveMember(const std::string& group, const std::string& member);
  void Revoke(const std::string& group);
  /// Also give each GMK to this MCX server (the media-mixing deployment option).
  void AddMixingServer(const std::string& uri, ns3::Ipv4Address address);

  /// A new GMK is being distributed: group, GMK-ID, rekey number (0 = the group's first key),
  /// activation and expiry in Unix seconds (0 = at once, never).
  typedef void (*RekeyStartedCallback)(std::string group, uint32_t gmkId, uint32_t rekey, uint64_t activation,
                                       uint64_t expiry);
  /// A member's answer: group, member, GMK-ID, rekey number, seconds since the rekey started,
  /// result ("ok", "timeout" or the member's error).
  typedef void (*RekeyOutcomeCallback)(std::string group, std::string member, uint32_t gmkId, uint32_t rekey,
                                       double latency, std::string result);
  /// Signalling of one GMK procedure ("gmk_notify", "subscribe", "gmk_http_get", "key_status",
  /// "gmk_to_mcx_server") and its bytes.
  typedef void (*SignallingBytesCallback)(std::string procedure, uint32_t bytes);
  /// A member's GMK I_MESSAGE as it leaves: group, member, the message (what an observer on the
  /// path could record).
  typedef void (*GmkMessageCallback)(std::string group, std::string member, crypto::Bytes iMessage);

 private:
  void StartApplication() override;
  void StopApplication() override;
  void DoDispose() override;
  void PeriodicRekey();

  std::string m_gmsUri;
  procedures::GmkTransport m_transport = procedures::GmkTransport::kSip;
  ns3::Time m_activationDelay;
  ns3::Time m_keyLifetime;
  ns3::Time m_rekeyPeriod;  ///< 0 = rekey only on demand
  bool m_fullDocuments = false;
  std::vector<std::pair<std::string, std::vector<std::string>>> m_groups;
  std::vector<std::pair<std::string, procedures::Endpoint>> m_mixing;
  std::vector<std::string> m_pendingRekeys;  ///< asked for before provisioning, run after it
  std::unique_ptr<procedures::GmsService> m_service;
  ns3::EventId m_periodicEvent;
  ns3::TracedCallback<std::string, uint32_t, uint32_t, uint64_t, uint64_t> m_rekeyStartedTrace;
  ns3::TracedCallback<std::string, std::string, uint32_t, uint32_t, double, std::string> m_outcomeTrace;
  ns3::TracedCallback<std::string, uint32_t> m_signallingBytesTrace;
  ns3::TracedCallback<std::string, std::string, crypto::Bytes> m_gmkMessageTrace;
};

}  // namespace mcx::models
