// An MCPTT client off-network over the PC5 sidelink: group calls (to the group's multicast
// address, keys from the GMK) and private calls (set up by MONP with the PCK in a MIKEY-SAKKE
// I_MESSAGE, to the peer's address, keys from the PCK). Floor control by OffnetFloorParticipant
// (TS 24.380 clause 7), every floor message SRTCP-protected and the voice SRTP-protected
// (TS 33.180 7.4). Its keys are the node's (DeviceKeyStore): the GMKs of its group as they were
// stored, with their activation and expiry; for private calls, the identity and KMS certificates
// held.
#pragma once

#include <ns3/application.h>
#include <ns3/event-id.h>
#include <ns3/ipv4-address.h>
#include <ns3/random-variable-stream.h>
#include <ns3/socket.h>
#include <ns3/traced-callback.h>

#include <memory>
#include <optional>

#include "mcx/crypto/rng.h"
#include "mcx/models/apps/model/device_key_store.h"
#include "mcx/models/apps/model/ns3_host.h"
#include "mcx/procedures/offnet/group_call_control.h"
#include "mcx/codec/monp.h"
#include "mcx/procedures/offnet/offnet_floor_participant.h"
#include "mcx/procedures/offnet/private_call_endpoint.h"
#include "mcx/security/call_protection.h"
#include "mcx/security/key_store.h"

namespace mcx::models {

class OffnetMcpttApp : public ns3::Application {
 public:
  static ns3::TypeId GetTypeId();
  OffnetMcpttApp();
  ~OffnetMcpttApp() override;

  /// Sets up a private call to `callee` (MCPTT ID) at `address` with a fresh PCK.
  void CallPrivate(const std::string& callee, ns3::Ipv4Address address);
  const procedures::OffnetFloorParticipant* floor() const { return floor_.get(); }
  const procedures::GroupCallControl* group_call() const { return groupCall_.get(); }
  /// Fixes the random streams of the PTT load (ns-3 numbers unassigned streams per process, so a
  /// run would otherwise depend on the runs before it); returns how many it used.
  int64_t AssignStreams(int64_t stream);
  /// Presses PTT now for `talk_s` seconds (scenarios and tests; the attributes drive a random load).
  void Talk(double talk_s);

  /// Traces: floor outcome with access time (s); a voice frame heard with its mouth-to-ear delay;
  /// floor message sent (plain bytes, protected bytes); a packet that could not be decrypted or
  /// decoded (reason); floor state changes.
  ns3::TracedCallback<std::string, double> m_outcomeTrace;
  ns3::TracedCallback<uint32_t, ns3::Time> m_mediaRxTrace;
  ns3::TracedCallback<uint32_t, uint32_t> m_floorTxTrace;
  ns3::TracedCallback<std::string> m_errorTrace;
  ns3::TracedCallback<std::string, std::string> m_stateTrace;
  /// A private call was established: seconds from the call to ACCEPT (caller) or 0 (callee), and
  /// whether this side called.
  ns3::TracedCallback<double, bool> m_callEstablishedTrace;
  /// In a group call (TS 24.379 10.2.2): how (originated / joined_after_probe / joined, or merged
  /// into an earlier call of the group) and the seconds from the PTT press that started the setup
  /// (0 when joined without pressing, or merged).
  ns3::TracedCallback<std::string, double> m_groupCallJoinedTrace;

 protected:
  void DoDispose() override;

 private:
  void StartApplication() override;
  void StopApplication() override;
  void ScheduleNextPtt();
  void SendFloor(const codec::FloorMessage& m);
  void OnFloorPacket(crypto::ByteView wire);
  void OnMediaPacket(crypto::ByteView wire);
  void SendVoiceFrame();
  void StartFloor();
  /// Starts group communication once a GMK is held (TS 33.180 5.7).
  void JoinGroupCall();
  void OnMonpPacket(const procedures::Endpoint& from, crypto::ByteView datagram);
  void OpenMonpSocket();
  void PressPtt(double talk_s);

  // Attributes.
  std::string m_userId = "sip:user@mcx.example.org";
  std::string m_groupUri = "sip:group0@mcx.example.org";
  uint64_t m_startUnix = 1790000000;  ///< the date at simulation time 0 (key activation, expiry)
  uint32_t m_ssrc = 1;
  uint32_t m_priority = 1;
  ns3::Ipv4Address m_group = ns3::Ipv4Address("225.0.0.1");
  uint16_t m_floorPort = 49151;
  uint16_t m_mediaPort = 49150;
  double m_t201 = 0.040;
  uint32_t m_c201 = 3;
  double m_t203 = 4.0;
  double m_pttMeanIntervalS = 0;  ///< 0 = no random load
  double m_talkMeanS = 4.0;
  uint32_t m_voiceBytes = 60;     ///< 24 kb/s in 20 ms frames
  double m_frameS = 0.020;
  double m_deviceFactor = 3.0;    ///< crypto cost of a handset relative to the reference host
  double m_tfp1 = 0.040;          ///< private call setup request retransmission (s)
  uint32_t m_cfp1 = 3;
  bool m_groupCallSetup = true;   ///< TS 24.379 probe/announce before floor control
  double m_tfg1 = 0.150;
  double m_tfg3 = 0.040;
  uint32_t m_refreshIntervalMs = 10000;
  bool m_confirmMode = false;
  bool m_queueing = false;        ///< the talker queues requests (TS 24.380 7.2) instead of denying

  ns3::Ipv4Address m_destination;  ///< group address, or the peer in a private call
  void OnKeyStored(uint32_t key_id, std::string purpose, std::string group, bool revoked);

  ns3::Ptr<DeviceKeyStore> keys_;  ///< the node's (identity, KMS certificates, GMKs)
  std::shared_ptr<const security::mikey_sakke::LocalIdentity> identity_;
  std::unique_ptr<Ns3Host> host_;
  std::unique_ptr<procedures::PrivateCallEndpoint> privateCall_;

  bool running_ = false;
  std::unique_ptr<security::CallProtection> crypto_;
  std::unique_ptr<procedures::OffnetFloorParticipant> floor_;
  std::unique_ptr<procedures::GroupCallControl> groupCall_;
  std::optional<double> pendingTalkS_;  ///< PTT pressed before the group call was set up
  ns3::Ptr<ns3::ExponentialRandomVariable> gap_, talk_;
  ns3::Ptr<ns3::UniformRandomVariable> uniform_;
  ns3::EventId pttEvent_, releaseEvent_, voiceEvent_;
  uint16_t rtpSeq_ = 0;
};

}  // namespace mcx::models
