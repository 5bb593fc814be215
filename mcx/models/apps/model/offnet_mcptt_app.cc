#include "mcx/models/apps/model/offnet_mcptt_app.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/log.h>
#include <ns3/node.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include "mcx/codec/floor.h"
#include "mcx/codec/monp.h"
#include "mcx/codec/rtp.h"
#include "mcx/crypto/wire.h"
#include "mcx/security/naming_plan.h"

NS_LOG_COMPONENT_DEFINE("McxOffnetMcpttApp");

namespace mcx::models {

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(OffnetMcpttApp);

namespace {
// TS 24.379 table 15.2.2-1 names, for the log.
const char* MonpName(uint8_t type) {
  const char* name = codec::MonpTypeName(static_cast<codec::MonpType>(type));
  return name ? name : "an unknown MONP message";
}
}  // namespace

TypeId OffnetMcpttApp::GetTypeId() {
  // The protocol's defaults live with the procedures; the attributes start from them.
  const procedures::OffnetFloorConfig kFloor{};
  const procedures::GroupCallConfig kGroupCall{};
  const procedures::PrivateCallEndpoint::Config kPrivateCall{};
  static TypeId tid =
      TypeId("mcx::OffnetMcpttApp")
          .SetParent<Application>()
          .SetGroupName("Mcx")
          .AddConstructor<OffnetMcpttApp>()
          .AddAttribute("UserId", "MCPTT ID.", StringValue(security::naming::UserUri("user")),
                        MakeStringAccessor(&OffnetMcpttApp::m_userId), MakeStringChecker())
          .AddAttribute("GroupUri", "The group's MCPTT group ID (selects its GMKs in the key store).",
                        StringValue(security::naming::GroupUri(0)), MakeStringAccessor(&OffnetMcpttApp::m_groupUri),
                        MakeStringChecker())
          .AddAttribute("StartUnixTime", "Unix time at simulation time 0 (key activation and expiry).",
                        UintegerValue(security::naming::kEpochUnix), MakeUintegerAccessor(&OffnetMcpttApp::m_startUnix),
                        MakeUintegerChecker<uint64_t>())
          .AddAttribute("Ssrc", "RTP/RTCP SSRC.", UintegerValue(1), MakeUintegerAccessor(&OffnetMcpttApp::m_ssrc),
                        MakeUintegerChecker<uint32_t>())
          .AddAttribute("Priority", "Floor priority (a higher one pre-empts).", UintegerValue(1),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_priority), MakeUintegerChecker<uint32_t>(0, 255))
          .AddAttribute("GroupAddress", "The group's off-network IP multicast address.", Ipv4AddressValue("225.0.0.1"),
                        MakeIpv4AddressAccessor(&OffnetMcpttApp::m_group), MakeIpv4AddressChecker())
          .AddAttribute("FloorPort", "UDP port of floor control.", UintegerValue(49151),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_floorPort), MakeUintegerChecker<uint16_t>(1))
          .AddAttribute("MediaPort", "UDP port of the voice.", UintegerValue(49150),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_mediaPort), MakeUintegerChecker<uint16_t>(1))
          // TS 24.380 7.2 timers and counters (defaults as psc-ns3's, after TS 24.483).
          .AddAttribute("T201", "Floor Request retransmission.", TimeValue(Seconds(kFloor.t201_s)),
                        MakeTimeAccessor(&OffnetMcpttApp::m_t201), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("C201", "Floor Requests before taking an unarbitrated floor.", UintegerValue(kFloor.c201),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_c201), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("T203", "End of RTP media.", TimeValue(Seconds(kFloor.t203_s)), MakeTimeAccessor(&OffnetMcpttApp::m_t203),
                        MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("T205", "Floor Granted retransmission.", TimeValue(Seconds(kFloor.t205_s)),
                        MakeTimeAccessor(&OffnetMcpttApp::m_t205), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("C205", "Floor Granted messages sent before giving up on the grantee's media.", UintegerValue(kFloor.c205),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_c205), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("T206", "Stop-talking warning.", TimeValue(Seconds(kFloor.t206_s)), MakeTimeAccessor(&OffnetMcpttApp::m_t206),
                        MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("T207", "Stop talking (after the warning).", TimeValue(Seconds(kFloor.t207_s)),
                        MakeTimeAccessor(&OffnetMcpttApp::m_t207), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("T230", "Inactivity: the call ends.", TimeValue(Seconds(kFloor.t230_s)),
                        MakeTimeAccessor(&OffnetMcpttApp::m_t230), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("GrantedDuration", "The duration a Floor Granted allows.", TimeValue(Seconds(kFloor.granted_duration_s)),
                        MakeTimeAccessor(&OffnetMcpttApp::m_grantedDuration), MakeTimeChecker(Seconds(1), Seconds(65535)))
          .AddAttribute("Queueing", "As talker, queue floor requests (Floor Queue Position Info) and grant in turn.",
                        BooleanValue(false), MakeBooleanAccessor(&OffnetMcpttApp::m_queueing), MakeBooleanChecker())
          .AddAttribute("MaxQueue", "Requests the talker queues at most.", UintegerValue(kFloor.max_queue),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_maxQueue), MakeUintegerChecker<uint32_t>(1, 255))
          // The talkers.
          .AddAttribute("PttMeanInterval", "Mean time between PTT presses, exponential (0 = no random load).",
                        TimeValue(Seconds(0)), MakeTimeAccessor(&OffnetMcpttApp::m_pttMeanInterval),
                        MakeTimeChecker(Seconds(0)))
          .AddAttribute("TalkMean", "Mean talk duration, exponential.", TimeValue(Seconds(4)),
                        MakeTimeAccessor(&OffnetMcpttApp::m_talkMean), MakeTimeChecker(MilliSeconds(10)))
          .AddAttribute("VoiceBytes", "Voice payload per RTP frame.", UintegerValue(60),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_voiceBytes), MakeUintegerChecker<uint32_t>(8))
          .AddAttribute("FrameInterval", "Voice frame interval.", TimeValue(MilliSeconds(20)),
                        MakeTimeAccessor(&OffnetMcpttApp::m_frameInterval), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("DeviceFactor", "Crypto processing time relative to the reference host.", DoubleValue(3.0),
                        MakeDoubleAccessor(&OffnetMcpttApp::m_deviceFactor), MakeDoubleChecker<double>(0.01))
          // TS 24.379 11.2 (private calls) and 10.2.2 (group calls).
          .AddAttribute("Tfp1", "Private call setup request retransmission.", TimeValue(Seconds(kPrivateCall.tfp1_s)),
                        MakeTimeAccessor(&OffnetMcpttApp::m_tfp1), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("Cfp1", "Private call setup requests before giving up.", UintegerValue(kPrivateCall.cfp1),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_cfp1), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("GroupCallSetup",
                        "Set the group call up by TS 24.379 probe/announcement before floor control (false: every "
                        "member holding the GMK is in the call from the start).",
                        BooleanValue(true), MakeBooleanAccessor(&OffnetMcpttApp::m_groupCallSetup), MakeBooleanChecker())
          .AddAttribute("Tfg1", "Waiting for a GROUP CALL ANNOUNCEMENT after a probe.", TimeValue(Seconds(kGroupCall.tfg1_s)),
                        MakeTimeAccessor(&OffnetMcpttApp::m_tfg1), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("Tfg3", "GROUP CALL PROBE retransmission.", TimeValue(Seconds(kGroupCall.tfg3_s)),
                        MakeTimeAccessor(&OffnetMcpttApp::m_tfg3), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("RefreshInterval", "Periodic GROUP CALL ANNOUNCEMENT interval (TFG2's base; whole ms).",
                        TimeValue(MilliSeconds(kGroupCall.refresh_interval_ms)), MakeTimeAccessor(&OffnetMcpttApp::m_refreshInterval),
                        MakeTimeChecker(MilliSeconds(100), MilliSeconds(65535)))
          .AddAttribute("ConfirmMode", "Calls this client starts ask members for GROUP CALL ACCEPT.", BooleanValue(false),
                        MakeBooleanAccessor(&OffnetMcpttApp::m_confirmMode), MakeBooleanChecker())
          .AddTraceSource("GroupCallJoined", "In a group call: how, and seconds from the PTT press.",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_groupCallJoinedTrace),
                          "mcx::OffnetMcpttApp::GroupCallJoinedCallback")
          .AddTraceSource("CallEstablished", "A private call was established (setup seconds, caller).",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_callEstablishedTrace),
                          "mcx::OffnetMcpttApp::CallEstablishedCallback")
          .AddTraceSource("FloorOutcome", "A PTT press ended: outcome and access time (s).",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_outcomeTrace),
                          "mcx::OffnetMcpttApp::FloorOutcomeCallback")
          .AddTraceSource("MediaRx", "A voice frame was heard: talker SSRC and mouth-to-ear delay.",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_mediaRxTrace), "mcx::OffnetMcpttApp::MediaRxCallback")
          .AddTraceSource("FloorTx", "A floor message was sent: plain and SRTCP bytes.",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_floorTxTrace), "mcx::OffnetMcpttApp::FloorTxCallback")
          .AddTraceSource("Error", "Something failed (reason).", MakeTraceSourceAccessor(&OffnetMcpttApp::m_errorTrace),
                          "mcx::OffnetMcpttApp::ErrorCallback")
          .AddTraceSource("FloorState", "Floor state change (from, to).",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_stateTrace),
                          "mcx::OffnetMcpttApp::FloorStateCallback")
          .AddTraceSource("DuplicateArbitrator", "Floor Taken from another while this member held the floor.",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_duplicateArbitratorTrace),
                          "mcx::OffnetMcpttApp::DuplicateArbitratorCallback")
          .AddTraceSource("CallControlTx", "A group call control message sent (probe, announcement).",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_callControlTxTrace),
                          "mcx::OffnetMcpttApp::CallControlTxCallback")
          .AddTraceSource("Message", "A datagram sent (MONP, floor, voice): from, to, port, bytes.",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_messageTrace),
                          "mcx::OffnetMcpttApp::MessageCallback");
  return tid;
}

OffnetMcpttApp::OffnetMcpttApp()
    : m_gap(CreateObject<ExponentialRandomVariable>()),
      m_talk(CreateObject<ExponentialRandomVariable>()),
      m_uniform(CreateObject<UniformRandomVariable>()) {}

OffnetMcpttApp::~OffnetMcpttApp() = default;

int64_t OffnetMcpttApp::AssignStreams(int64_t stream) {
  NS_LOG_FUNCTION(this << stream);
  m_gap->SetStream(stream);
  m_talk->SetStream(stream + 1);
  m_uniform->SetStream(stream + 2);  // the host's: TS 24.379's random timers and the DRBG's seed
  return 3;
}

void OffnetMcpttApp::Error(const std::string& reason) {
  NS_LOG_WARN(m_userId << ": " << reason);
  m_errorTrace(reason);
}

void OffnetMcpttApp::DoDispose() {
  NS_LOG_FUNCTION(this);
  m_pttEvent.Cancel();
  m_releaseEvent.Cancel();
  m_voiceEvent.Cancel();
  m_floor.reset();  // the procedures first, then what they use
  m_privateCall.reset();
  m_groupCall.reset();
  m_protection.reset();
  m_identity.reset();
  if (m_host) m_host->Stop(/*disposing=*/true);
  m_host.reset();
  if (m_keys) m_keys->TraceDisconnectWithoutContext("KeyStored", MakeCallback(&OffnetMcpttApp::OnKeyStored, this));
  m_keys = nullptr;
  m_gap = nullptr;
  m_talk = nullptr;
  m_uniform = nullptr;
  Application::DoDispose();
}

void OffnetMcpttApp::OnKeyStored(uint32_t key_id, std::string purpose, std::string group, bool revoked) {
  NS_LOG_FUNCTION(this << key_id << purpose << group << revoked);
  // A GMK of our group arriving while we run (a rekey just before leaving coverage, or keys
  // loaded late): the group call can start.
  if (m_running && !m_protection && !revoked && purpose == security::KeyPurposeName(security::KeyPurpose::kGmk) &&
      group == m_groupUri)
    JoinGroupCall();
}

void OffnetMcpttApp::JoinGroupCall() {
  NS_LOG_FUNCTION(this);
  m_protection = std::make_unique<security::CallProtection>(
      security::CallProtection::ForGroup(m_keys->shared(), m_groupUri, m_userId, [this]() { return m_host->UnixTime(); }));
  NS_LOG_INFO(m_userId << ": holds a GMK of " << m_groupUri);
  if (m_groupCallSetup) {
    // TS 24.379 10.2.2: floor control starts once this member is in a call of the group.
    OpenMonpPort();
    procedures::GroupCallConfig cfg;
    cfg.user_id = m_userId;
    cfg.group_id = m_groupUri;
    cfg.sdp = codec::McpttSdp{Ipv4String(m_group), m_mediaPort, m_floorPort, {}, {}};
    cfg.tfg1_s = m_tfg1.GetSeconds();
    cfg.tfg3_s = m_tfg3.GetSeconds();
    cfg.refresh_interval_ms = static_cast<uint16_t>(m_refreshInterval.GetMilliSeconds());
    cfg.confirm_mode = m_confirmMode;
    m_groupCall = std::make_unique<procedures::GroupCallControl>(cfg, *m_host);
    m_groupCall->on_error = [this](const std::string& e) { Error(e); };
    m_groupCall->on_sent = [this](codec::MonpType t) {
      NS_LOG_INFO(m_userId << ": sends " << MonpName(static_cast<uint8_t>(t)) << " for " << m_groupUri);
      m_callControlTxTrace(t == codec::MonpType::kGroupCallProbe ? "probe" : "announcement");
    };
    m_groupCall->on_accept = [this](const std::string& user) {
      NS_LOG_INFO(m_userId << ": " << user << " accepted the group call");
    };
    m_groupCall->on_merged = [this](uint16_t id) {
      NS_LOG_INFO(m_userId << ": merged into the earlier call " << id);
      m_groupCallJoinedTrace("merged", 0.0);
    };
    m_groupCall->on_joined = [this](procedures::GroupCallJoin how, double s) {
      NS_LOG_INFO(m_userId << ": in the group call (" << procedures::GroupCallJoinName(how) << ")");
      StartFloor();
      m_groupCallJoinedTrace(procedures::GroupCallJoinName(how), s);
      if (m_pendingTalkS) {
        const double talk = *m_pendingTalkS;
        m_pendingTalkS.reset();
        PressPtt(talk);
      }
    };
  } else {
    NS_LOG_INFO(m_userId << ": in the group call (no call setup)");
    StartFloor();
  }
  ScheduleNextPtt();
}

void OffnetMcpttApp::OpenMonpPort() {
  m_host->OpenDatagram(codec::kMonpPort,
                      [this](const procedures::Endpoint& from, crypto::ByteView b) { OnMonpPacket(from, b); });
}

void OffnetMcpttApp::StartApplication() {
  NS_LOG_FUNCTION(this);
  Ns3Host::Config hc;
  hc.start_unix = m_startUnix;
  hc.cost.device_factor = m_deviceFactor;
  m_host = std::make_unique<Ns3Host>(GetNode(), hc, m_uniform, "offnet-mcptt " + m_userId);
  m_host->on_message = [this](const procedures::Endpoint& to, const crypto::Bytes& m) {
    m_messageTrace(m_host->LocalAddress(), to.host, to.port, m);
  };
  m_host->OpenDatagram(m_floorPort, [this](const procedures::Endpoint&, crypto::ByteView b) { OnFloorPacket(b); });
  m_host->OpenDatagram(m_mediaPort, [this](const procedures::Endpoint&, crypto::ByteView b) { OnMediaPacket(b); });
  m_destination = m_group;
  m_keys = DeviceKeyStore::Of(GetNode());
  m_keys->TraceConnectWithoutContext("KeyStored", MakeCallback(&OffnetMcpttApp::OnKeyStored, this));
  // Private calls need an identity for now's key period under a KMS the device trusts.
  const std::vector<security::mikey_sakke::KmsPublicInfo> kms = m_keys->keys().KmsCertificates();
  for (const auto& k : kms)
    if (!m_identity) m_identity = m_keys->keys().IdentityAt(k, security::UnixToNtpSeconds(m_host->UnixTime()));
  if (m_identity) {
    OpenMonpPort();
    procedures::PrivateCallEndpoint::Config cfg;
    cfg.user_id = m_userId;
    cfg.address = m_host->LocalAddress();
    cfg.media_port = m_mediaPort;
    cfg.floor_port = m_floorPort;
    cfg.tfp1_s = m_tfp1.GetSeconds();
    cfg.cfp1 = m_cfp1;
    m_privateCall = std::make_unique<procedures::PrivateCallEndpoint>(cfg, *m_identity, kms, *m_host);
    m_privateCall->on_failed = [this](const std::string& why) { Error("private_call_" + why); };
    m_privateCall->on_established = [this](const procedures::PrivateCallKeys& k, const std::string& peer,
                                          const codec::McpttSdp&, bool caller) {
      // TS 33.180 7.4: the call's floor control and media under the PCK, to the peer's address.
      NS_LOG_INFO(m_userId << ": private call with " << peer << " established ("
                           << (caller ? "caller, PCK sent" : "callee, PCK accepted") << ", PCK-ID " << std::hex
                           << k.pck_id << std::dec << ")");
      m_protection = std::make_unique<security::CallProtection>(
          security::CallProtection::ForPrivate(k.pck, k.pck_id, k.rand, caller));
      m_destination = Ipv4Address(peer.c_str());
      StartFloor();
      m_callEstablishedTrace(caller ? m_privateCall->setup_s().value_or(0) : 0.0, caller);
    };
  }
  m_running = true;
  bool holds_gmk = false;
  for (const security::StoredKey* k : m_keys->keys().Keys(security::KeyPurpose::kGmk))
    holds_gmk = holds_gmk || k->group_uri == m_groupUri;
  NS_LOG_INFO(m_userId << " (" << m_host->LocalAddress() << ") starts, "
                       << (m_identity ? "with" : "without") << " an identity for private calls");
  if (!holds_gmk) {
    NS_LOG_INFO(m_userId << ": no GMK of " << m_groupUri << ": no group communication until one is stored");
    // TS 33.180 5.7: no GMK, no protected group communication.
    if (!m_identity) Error("no_gmk");
    return;
  }
  JoinGroupCall();
}

void OffnetMcpttApp::StartFloor() {
  NS_LOG_FUNCTION(this);
  if (m_floor) m_floor->Stop();
  procedures::OffnetFloorConfig cfg;
  cfg.user_id = m_userId;
  cfg.ssrc = m_ssrc;
  cfg.priority = static_cast<uint8_t>(m_priority);
  cfg.t201_s = m_t201.GetSeconds();
  cfg.c201 = m_c201;
  cfg.t203_s = m_t203.GetSeconds();
  cfg.t205_s = m_t205.GetSeconds();
  cfg.c205 = m_c205;
  cfg.t206_s = m_t206.GetSeconds();
  cfg.t207_s = m_t207.GetSeconds();
  cfg.t230_s = m_t230.GetSeconds();
  cfg.granted_duration_s = static_cast<uint16_t>(m_grantedDuration.GetSeconds());
  cfg.queueing = m_queueing;
  cfg.max_queue = m_maxQueue;
  procedures::OffnetFloorHooks hooks;
  hooks.send = [this](const codec::FloorMessage& m) { SendFloor(m); };
  hooks.on_state = [this](procedures::OffnetFloorState from, procedures::OffnetFloorState to) {
    NS_LOG_LOGIC(m_userId << ": " << procedures::OffnetFloorStateName(from) << " -> "
                          << procedures::OffnetFloorStateName(to));
    m_stateTrace(procedures::OffnetFloorStateName(from), procedures::OffnetFloorStateName(to));
    if (to == procedures::OffnetFloorState::kHasPermission && !m_voiceEvent.IsRunning()) SendVoiceFrame();
  };
  m_floor = std::make_unique<procedures::OffnetFloorParticipant>(cfg, *m_host, hooks);
  m_floor->on_outcome = [this](procedures::FloorOutcome o, double s) {
    NS_LOG_INFO(m_userId << ": floor " << procedures::FloorOutcomeName(o) << " after " << s * 1e3 << " ms");
    m_outcomeTrace(procedures::FloorOutcomeName(o), s);
  };
  m_floor->on_duplicate_arbitrator = [this] {
    NS_LOG_INFO(m_userId << ": Floor Taken by another while holding the floor (two arbitrators)");
    m_duplicateArbitratorTrace();
  };
  m_floor->Start();
}

void OffnetMcpttApp::CallPrivate(const std::string& callee, Ipv4Address address) {
  NS_LOG_FUNCTION(this << callee << address);
  if (!m_privateCall) return Error("private_call_no_identity");
  NS_LOG_INFO(m_userId << ": calls " << callee << " at " << address << " (PRIVATE CALL SETUP REQUEST with a new PCK)");
  const std::string to = Ipv4String(address);
  m_host->Dispatch([&] { m_privateCall->Call(callee, to); });
}

void OffnetMcpttApp::OnMonpPacket(const procedures::Endpoint& from, crypto::ByteView b) {
  if (!b.empty()) {
    if (b[0] >= 1 && b[0] <= 3) NS_LOG_LOGIC(m_userId << ": receives " << MonpName(b[0]) << " from " << from.host);
    else NS_LOG_INFO(m_userId << ": receives " << MonpName(b[0]) << " from " << from.host);
  }
  if (!b.empty() && b[0] >= 1 && b[0] <= 3) {  // group call control (TS 24.379 table 15.2.2-1)
    if (m_groupCall) m_groupCall->Receive(b);
    return;
  }
  if (m_privateCall) m_privateCall->Receive(from.host, b);
}

void OffnetMcpttApp::StopApplication() {
  NS_LOG_FUNCTION(this);
  m_running = false;
  if (m_groupCall) m_groupCall->Release();
  m_pendingTalkS.reset();
  m_pttEvent.Cancel();
  m_releaseEvent.Cancel();
  m_voiceEvent.Cancel();
  if (m_floor) m_floor->Stop();
  if (m_host) m_host->Stop();
}

void OffnetMcpttApp::ScheduleNextPtt() {
  if (m_pttMeanInterval <= Seconds(0) || !m_protection) return;
  m_gap->SetAttribute("Mean", DoubleValue(m_pttMeanInterval.GetSeconds()));
  m_talk->SetAttribute("Mean", DoubleValue(m_talkMean.GetSeconds()));
  m_pttEvent = Simulator::Schedule(Seconds(m_gap->GetValue()), [this]() {
    NS_LOG_LOGIC(m_userId << ": random PTT press");
    Talk(m_talk->GetValue());
    ScheduleNextPtt();
  });
}

void OffnetMcpttApp::Talk(double talk_s) {
  NS_LOG_FUNCTION(this << talk_s);
  if (!m_protection) return Error("no_gmk");
  if (!m_protection->CanSend()) return Error("no_active_gmk");  // every GMK held expired or is not yet active
  if (m_groupCall && m_groupCall->state() != procedures::GroupCallState::kS3PartOfCall) {
    m_pendingTalkS = talk_s;  // pressed once the call is set up (or joined)
    NS_LOG_INFO(m_userId << ": PTT pressed outside a call of " << m_groupUri << ": sets one up first");
    m_groupCall->Initiate();
    return;
  }
  PressPtt(talk_s);
}

void OffnetMcpttApp::PressPtt(double talk_s) {
  if (!m_floor) return;
  if (m_floor->state() == procedures::OffnetFloorState::kPendingRequest ||
      m_floor->state() == procedures::OffnetFloorState::kHasPermission)
    return;
  NS_LOG_INFO(m_userId << ": presses PTT for " << talk_s << " s");
  m_floor->PressPtt();
  m_releaseEvent.Cancel();
  m_releaseEvent = Simulator::Schedule(Seconds(talk_s), [this]() {
    NS_LOG_INFO(m_userId << ": releases PTT");
    if (m_floor) m_floor->ReleasePtt();
  });
}

void OffnetMcpttApp::SendFloor(const codec::FloorMessage& m) {
  auto p = m_protection->Protect(m);
  if (!p) return Error(std::string("floor_protect_") + crypto::ErrorName(p.error()));
  NS_LOG_INFO(m_userId << ": sends " << codec::FloorMsgTypeName(m.type()) << " to " << m_destination << " ("
                       << p->sizes.plain << " bytes, " << p->sizes.wire << " as SRTCP)");
  m_floorTxTrace(static_cast<uint32_t>(p->sizes.plain), static_cast<uint32_t>(p->sizes.wire));
  m_host->SendDatagram(m_floorPort, procedures::Endpoint{Ipv4String(m_destination), m_floorPort}, std::move(p->wire));
}

void OffnetMcpttApp::OnFloorPacket(crypto::ByteView wire) {
  if (!m_protection) return Error("no_gmk");
  if (!m_floor) return;  // not (yet) in the call
  auto m = m_protection->Unprotect(wire);
  if (!m) return Error(std::string("floor_") + crypto::ErrorName(m.error()));
  NS_LOG_INFO(m_userId << ": receives " << codec::FloorMsgTypeName(m->type()) << " from SSRC " << m->ssrc);
  m_floor->Receive(*m);
}

void OffnetMcpttApp::SendVoiceFrame() {
  if (!m_floor || !m_floor->may_send_media()) return;
  // RTP (RFC 3550) at an 8 kHz clock, its payload's first 8 bytes the capture time in ns, so the
  // listener measures the mouth-to-ear delay (no codec delay is modelled).
  const uint64_t now_ns = static_cast<uint64_t>(Simulator::Now().GetNanoSeconds());
  codec::RtpPacket rtp;
  rtp.payload_type = 96;
  rtp.sequence = m_rtpSeq++;
  rtp.timestamp = static_cast<uint32_t>(now_ns / 125000);
  rtp.ssrc = m_ssrc;
  crypto::AppendU32(rtp.payload, static_cast<uint32_t>(now_ns >> 32));
  crypto::AppendU32(rtp.payload, static_cast<uint32_t>(now_ns));
  rtp.payload.resize(m_voiceBytes, 0);
  auto wire = m_protection->ProtectMedia(codec::Encode(rtp));
  if (!wire) {  // e.g. the GMK expired while talking: no protected media, so stop talking
    Error(std::string("media_protect_") + crypto::ErrorName(wire.error()));
    m_releaseEvent.Cancel();
    m_floor->ReleasePtt();
    return;
  }
  NS_LOG_LOGIC(m_userId << ": sends RTP " << rtp.sequence << " (" << wire->size() << " bytes SRTP) to "
                        << m_destination);
  m_host->SendDatagram(m_mediaPort, procedures::Endpoint{Ipv4String(m_destination), m_mediaPort},
                      std::move(wire).value());
  m_voiceEvent = Simulator::Schedule(m_frameInterval, &OffnetMcpttApp::SendVoiceFrame, this);
}

void OffnetMcpttApp::OnMediaPacket(crypto::ByteView wire) {
  if (!m_floor) return;  // no GMK (counted once at start) or not in the call
  auto plain = m_protection->UnprotectMedia(wire);
  if (!plain) return Error(std::string("media_") + crypto::ErrorName(plain.error()));
  auto rtp = codec::DecodeRtp(*plain);
  if (!rtp || rtp->payload.size() < 8) return Error("media_short");
  const uint64_t captured_ns = crypto::ByteReader(rtp->payload).U64();
  NS_LOG_LOGIC(m_userId << ": hears RTP " << rtp->sequence << " of SSRC " << rtp->ssrc << " after "
                        << (Simulator::Now().GetNanoSeconds() - static_cast<int64_t>(captured_ns)) / 1e6 << " ms");
  m_floor->MediaReceived(rtp->ssrc);
  m_mediaRxTrace(rtp->ssrc, Simulator::Now() - NanoSeconds(static_cast<int64_t>(captured_ns)));
}

}  // namespace mcx::models
