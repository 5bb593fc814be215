// An MCPTT client off-network over the PC5 sidelink: group calls (to the group's multicast
// address, keys from the GMK) and private calls (set up by MONP with the PCK in a MIKEY-SAKKE
// I_MESSAGE, to the peer's address, keys from the PCK). Group calls are set up by TS 24.379 10.2.2
// (GroupCallControl), private calls by 11.2 (PrivateCallEndpoint), floor control is TS 24.380
// clause 7 (OffnetFloorParticipant); every floor message is SRTCP and every voice frame SRTP
// (TS 33.180 7.4). Its keys are the node's (DeviceKeyStore): the GMKs of its group as they were
// stored, with their activation and expiry; for private calls, the identity and KMS certificates
// held. Every timer and counter of TS 24.380 and TS 24.379 it runs is an attribute.
#pragma once

#include <ns3/application.h>
#include <ns3/event-id.h>
#include <ns3/ipv4-address.h>
#include <ns3/nstime.h>
#include <ns3/random-variable-stream.h>
#include <ns3/traced-callback.h>

#include <memory>
#include <optional>
#include <string>

#include "mcx/models/apps/model/device_key_store.h"
#include "mcx/models/apps/model/ns3_host.h"
#include "mcx/procedures/offnet/group_call_control.h"
#include "mcx/procedures/offnet/offnet_floor_participant.h"
#include "mcx/procedures/offnet/private_call_endpoint.h"
#include "mcx/security/call_protection.h"

namespace mcx::models {

class OffnetMcpttApp : public ns3::Application {
 public:
  static ns3::TypeId GetTypeId();
  OffnetMcpttApp();
  ~OffnetMcpttApp() override;

  /// Sets up a private call to `callee` (MCPTT ID) at `address` with a fresh PCK.
  void CallPrivate(const std::string& callee, ns3::Ipv4Address address);
  /// Presses PTT now for `talk_s` seconds (scenarios and tests; the attributes drive a random load).
  void Talk(double talk_s);
  /// Fixes the random streams of the PTT load and of the protocol timers (ns-3 numbers unassigned
  /// streams per process, so a run would otherwise depend on the runs before it); returns how many
  /// it used.
  int64_t AssignStreams(int64_t stream);

  /// A PTT press ended: its outcome (granted, taken, denied, abandoned, granted_after_queue) and
  /// the seconds from the press.
  typedef void (*FloorOutcomeCallback)(std::string outcome, double accessSeconds);
  /// A voice frame heard: the talker's SSRC and the mouth-to-ear delay.
  typedef void (*MediaRxCallback)(uint32_t ssrc, ns3::Time delay);
  /// A floor message sent: its plain (RTCP) and protected (SRTCP) bytes.
  typedef void (*FloorTxCallback)(uint32_t plainBytes, uint32_t protectedBytes);
  /// Something failed: a packet that did not open or decode, a refused PTT, a failed call (reason).
  typedef void (*ErrorCallback)(std::string reason);
  /// A floor state change (TS 24.380 C.2.1-1 names).
  typedef void (*FloorStateCallback)(std::string from, std::string to);
  /// A private call was established: seconds from the call to ACCEPT (caller) or 0 (callee), and
  /// whether this side called.
  typedef void (*CallEstablishedCallback)(double setupSeconds, bool caller);
  /// In a group call: how (originated, joined_after_probe, joined, merged) and the seconds from
  /// the PTT press that started the set-up (0 when joined without pressing, or merged).
  typedef void (*GroupCallJoinedCallback)(std::string how, double setupSeconds);
  /// Floor Taken from another participant while this one held the floor: two arbitrators.
  typedef void (*DuplicateArbitratorCallback)();
  /// A group call control message sent ("probe", "announcement").
  typedef void (*CallControlTxCallback)(std::string message);
  /// A SIP message or datagram sent: this node's address, the destination, its port, the bytes.
  typedef void (*MessageCallback)(std::string from, std::string to, uint16_t toPort, const crypto::Bytes& message);

 protected:
  void DoDispose() override;

 private:
  void StartApplication() override;
  void StopApplication() override;
  void ScheduleNextPtt();
  void SendFloor(const codec::FloorMessage& m);
  void OnFloorPacket(crypto::ByteView wire);
  void OnMediaPacket(crypto::ByteView wire);
  void OnMonpPacket(const procedures::Endpoint& from, crypto::ByteView datagram);
  void OnKeyStored(uint32_t key_id, std::string purpose, std::string group, bool revoked);
  void SendVoiceFrame();
  void StartFloor();
  /// Starts group communication once a GMK of the group is held (TS 33.180 5.7).
  void JoinGroupCall();
  void OpenMonpPort();
  void PressPtt(double talk_s);
  void Error(const std::string& reason);

  // Attributes.
  std::string m_userId;
  std::string m_groupUri;
  uint64_t m_startUnix = 0;  ///< the date at simulation time 0 (key activation, expiry)
  uint32_t m_ssrc = 1;
  uint32_t m_priority = 1;
  ns3::Ipv4Address m_group;
  uint16_t m_floorPort = 49151;
  uint16_t m_mediaPort = 49150;
  ns3::Time m_t201, m_t203, m_t205, m_t206, m_t207, m_t230, m_grantedDuration;
  uint32_t m_c201 = 3, m_c205 = 4;
  bool m_queueing = false;  ///< the talker queues requests (TS 24.380 7.2) instead of denying
  uint32_t m_maxQueue = 8;
  ns3::Time m_pttMeanInterval;  ///< 0 = no random load
  ns3::Time m_talkMean;
  uint32_t m_voiceBytes = 60;  ///< 24 kb/s in 20 ms frames
  ns3::Time m_frameInterval;
  double m_deviceFactor = 3.0;  ///< crypto cost of a handset relative to the reference host
  ns3::Time m_tfp1;
  uint32_t m_cfp1 = 3;
  bool m_groupCallSetup = true;  ///< TS 24.379 probe/announce before floor control
  ns3::Time m_tfg1, m_tfg3, m_refreshInterval;
  bool m_confirmMode = false;

  std::unique_ptr<Ns3Host> m_host;
  ns3::Ptr<DeviceKeyStore> m_keys;
  std::shared_ptr<const security::mikey_sakke::LocalIdentity> m_identity;
  std::unique_ptr<procedures::PrivateCallEndpoint> m_privateCall;
  bool m_running = false;
  ns3::Ipv4Address m_destination;  ///< the group's address, or the peer in a private call
  std::unique_ptr<security::CallProtection> m_protection;
  std::unique_ptr<procedures::OffnetFloorParticipant> m_floor;
  std::unique_ptr<procedures::GroupCallControl> m_groupCall;
  std::optional<double> m_pendingTalkS;  ///< PTT pressed before the group call was set up
  ns3::Ptr<ns3::ExponentialRandomVariable> m_gap, m_talk;
  ns3::Ptr<ns3::UniformRandomVariable> m_uniform;
  ns3::EventId m_pttEvent, m_releaseEvent, m_voiceEvent;
  uint16_t m_rtpSeq = 0;

  ns3::TracedCallback<std::string, double> m_outcomeTrace;
  ns3::TracedCallback<uint32_t, ns3::Time> m_mediaRxTrace;
  ns3::TracedCallback<uint32_t, uint32_t> m_floorTxTrace;
  ns3::TracedCallback<std::string> m_errorTrace;
  ns3::TracedCallback<std::string, std::string> m_stateTrace;
  ns3::TracedCallback<double, bool> m_callEstablishedTrace;
  ns3::TracedCallback<std::string, double> m_groupCallJoinedTrace;
  ns3::TracedCallback<> m_duplicateArbitratorTrace;
  ns3::TracedCallback<std::string> m_callControlTxTrace;
  ns3::TracedCallback<std::string, std::string, uint16_t, const crypto::Bytes&> m_messageTrace;
};

}  // namespace mcx::models
