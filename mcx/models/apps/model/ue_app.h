// The MC client of a UE as an ns-3 application (TS 33.180 5.3, 5.4, 5.7): provisioning, REGISTER
// with the CSK upload, affiliation, group subscriptions and every GMK's receiver checks
// (procedures::UeClient); and on-network pre-arranged group calls (procedures::OnnetCallClient,
// TS 24.379 10.1.1): the floor participant's timers are attributes, voice goes out as SRTP under
// the group's GMK (or plain RTP with CallSecurity off) while it holds the floor. Its keys go into
// the node's DeviceKeyStore.
#pragma once

#include <ns3/event-id.h>
#include <ns3/ipv4-address.h>
#include <ns3/nstime.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mcx/models/apps/model/mcx_kms_client_app.h"
#include "mcx/procedures/onnet/onnet_call_client.h"
#include "mcx/procedures/onnet/ue_client.h"
#include "mcx/security/call_protection.h"

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

  /// PTT pressed: in a call, a floor request; outside one, a pre-arranged group call to the
  /// first group with an implicit floor request. `talk`: when the user lets go (0: holds on).
  /// `emergency`: an emergency call, or in a running call an emergency floor request.
  void PressPtt(ns3::Time talk = ns3::Seconds(0), bool emergency = false);
  /// PTT pressed to call `callee`: a private call (TS 24.379 11.1.1) with a fresh PCK and an
  /// implicit floor request; `talk` as for PressPtt. Ignored in a call.
  void CallPrivate(const std::string& callee, ns3::Time talk = ns3::Seconds(0));
  void ReleasePtt();
  /// Leaves the call (BYE).
  void Hangup();
  bool InCall() const { return m_call && m_call->in_call(); }
  /// The call's tallies (floor bytes sent, errors).
  const procedures::OnnetCallClientCounters* CallCounters() const { return m_call ? &m_call->counters() : nullptr; }

  /// A group call is up: its group, and for a call we made the seconds from the PTT press to the
  /// 200 OK (-1 for a call we were invited to).
  typedef void (*CallCallback)(std::string group, double setupSeconds);
  /// Our call attempt failed: the SIP status (0: no answer) and the error it names.
  typedef void (*CallFailedCallback)(uint32_t status, std::string why);
  /// A PTT press ended: the outcome (procedures::FloorOutcomeName) and the floor access time.
  typedef void (*FloorOutcomeCallback)(std::string outcome, double accessSeconds);
  /// A floor message sent: its type, plain and wire bytes.
  typedef void (*FloorTxCallback)(std::string type, uint32_t plain, uint32_t wire);
  /// A voice frame heard (decrypted): the talker's SSRC and the mouth-to-ear delay.
  typedef void (*MediaRxCallback)(uint32_t ssrc, ns3::Time delay);

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
  // Group calls.
  void StartCallClient();
  void OpenCallPorts();
  bool m_callPortsOpen = false;
  void SendVoiceFrame();
  void OnVoice(crypto::ByteView packet);
  uint32_t m_floorPort = 49150, m_mediaPort = 49151;
  bool m_callSecurity = true;
  bool m_xmlProtection = true;
  ns3::Time m_t100, m_t101, m_t103, m_t104, m_t132;
  uint32_t m_c100 = 3, m_c101 = 3, m_c104 = 3;
  uint32_t m_floorPriority = 1;
  uint32_t m_voiceBytes = 33;
  ns3::Time m_frameInterval;
  std::unique_ptr<procedures::OnnetCallClient> m_call;
  /// The group's SRTP (security on), kept across calls so that its senders' indices go on.
  security::CallProtection* Voice();
  std::map<std::string, std::unique_ptr<security::CallProtection>> m_voice;
  /// A private call's SRTP under its PCK (security on): one per call, as each has a fresh PCK.
  std::unique_ptr<security::CallProtection> m_privateVoice;
  uint32_t m_privateVoicePckId = 0;
  ns3::EventId m_voiceEvent, m_releaseEvent;
  uint16_t m_rtpSeq = 0;
  ns3::TracedCallback<std::string, double> m_callStartedTrace;
  ns3::TracedCallback<std::string, std::string> m_callEndedTrace;
  ns3::TracedCallback<uint32_t, std::string> m_callFailedTrace;
  ns3::TracedCallback<std::string, double> m_floorOutcomeTrace;
  ns3::TracedCallback<std::string, uint32_t, uint32_t> m_floorTxTrace;
  ns3::TracedCallback<uint32_t, ns3::Time> m_mediaRxTrace;
  ns3::TracedCallback<double> m_provisionedTrace;
  ns3::TracedCallback<> m_registeredTrace;
  ns3::TracedCallback<std::string, uint32_t> m_gmkStoredTrace;
  ns3::TracedCallback<std::string, uint32_t> m_keyActiveTrace;
};

}  // namespace mcx::models
