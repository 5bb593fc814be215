#include "mcx/models/apps/model/offnet_mcptt_app.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/ipv4.h>

#include <sstream>
#include <ns3/inet-socket-address.h>
#include <ns3/ipv4-address.h>
#include <ns3/log.h>
#include <ns3/node.h>
#include <ns3/packet.h>
#include <ns3/simulator.h>
#include <ns3/string.h>
#include <ns3/udp-socket-factory.h>
#include <ns3/uinteger.h>

NS_LOG_COMPONENT_DEFINE("McxOffnetMcpttApp");

namespace mcx::models {

using namespace ns3;

NS_OBJECT_ENSURE_REGISTERED(OffnetMcpttApp);

namespace {
std::string Ip(Ipv4Address a) {
  std::ostringstream s;
  a.Print(s);
  return s.str();
}
}  // namespace

TypeId OffnetMcpttApp::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::OffnetMcpttApp")
          .SetParent<Application>()
          .AddConstructor<OffnetMcpttApp>()
          .AddAttribute("UserId", "MCPTT ID", StringValue("sip:user@mcx.example.org"),
                        MakeStringAccessor(&OffnetMcpttApp::m_userId), MakeStringChecker())
          .AddAttribute("GroupUri", "The group's MCPTT group ID (selects its GMKs)",
                        StringValue("sip:group0@mcx.example.org"), MakeStringAccessor(&OffnetMcpttApp::m_groupUri),
                        MakeStringChecker())
          .AddAttribute("StartUnixTime", "Unix time at simulation time 0 (key activation and expiry)",
                        UintegerValue(1790000000), MakeUintegerAccessor(&OffnetMcpttApp::m_startUnix),
                        MakeUintegerChecker<uint64_t>())
          .AddAttribute("Ssrc", "RTP/RTCP SSRC", UintegerValue(1), MakeUintegerAccessor(&OffnetMcpttApp::m_ssrc),
                        MakeUintegerChecker<uint32_t>())
          .AddAttribute("Priority", "Floor priority (a higher one pre-empts)", UintegerValue(1),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_priority), MakeUintegerChecker<uint32_t>(0, 255))
          .AddAttribute("GroupAddress", "The group's off-network IP multicast address", Ipv4AddressValue("225.0.0.1"),
                        MakeIpv4AddressAccessor(&OffnetMcpttApp::m_group), MakeIpv4AddressChecker())
          .AddAttribute("FloorPort", "UDP port of floor control", UintegerValue(49151),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_floorPort), MakeUintegerChecker<uint16_t>())
          .AddAttribute("MediaPort", "UDP port of the voice", UintegerValue(49150),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_mediaPort), MakeUintegerChecker<uint16_t>())
          .AddAttribute("T201", "Floor Request retransmission (s)", DoubleValue(0.040),
                        MakeDoubleAccessor(&OffnetMcpttApp::m_t201), MakeDoubleChecker<double>(0.001))
          .AddAttribute("C201", "Floor Requests before taking an unarbitrated floor", UintegerValue(3),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_c201), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("T203", "End of RTP media (s)", DoubleValue(4.0), MakeDoubleAccessor(&OffnetMcpttApp::m_t203),
                        MakeDoubleChecker<double>(0.001))
          .AddAttribute("PttMeanInterval", "Mean time between PTT presses (s), exponential; 0 = none",
                        DoubleValue(0.0), MakeDoubleAccessor(&OffnetMcpttApp::m_pttMeanIntervalS),
                        MakeDoubleChecker<double>(0))
          .AddAttribute("TalkMean", "Mean talk duration (s), exponential", DoubleValue(4.0),
                        MakeDoubleAccessor(&OffnetMcpttApp::m_talkMeanS), MakeDoubleChecker<double>(0.01))
          .AddAttribute("VoiceBytes", "Voice payload per RTP frame", UintegerValue(60),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_voiceBytes), MakeUintegerChecker<uint32_t>(8))
          .AddAttribute("FrameInterval", "Voice frame interval (s)", DoubleValue(0.020),
                        MakeDoubleAccessor(&OffnetMcpttApp::m_frameS), MakeDoubleChecker<double>(0.001))
          .AddAttribute("DeviceFactor", "Crypto processing time relative to the reference host (README)",
                        DoubleValue(3.0), MakeDoubleAccessor(&OffnetMcpttApp::m_deviceFactor),
                        MakeDoubleChecker<double>(0.01))
          .AddAttribute("Tfp1", "Private call setup request retransmission (s)", DoubleValue(0.040),
                        MakeDoubleAccessor(&OffnetMcpttApp::m_tfp1), MakeDoubleChecker<double>(0.001))
          .AddAttribute("Cfp1", "Private call setup requests before giving up", UintegerValue(3),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_cfp1), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("GroupCallSetup",
                        "Set the group call up by TS 24.379 probe/announcement before floor control (false: every "
                        "member holding the GMK is in the call from the start)",
                        BooleanValue(true), MakeBooleanAccessor(&OffnetMcpttApp::m_groupCallSetup), MakeBooleanChecker())
          .AddAttribute("Tfg1", "Waiting for a GROUP CALL ANNOUNCEMENT after a probe (s)", DoubleValue(0.150),
                        MakeDoubleAccessor(&OffnetMcpttApp::m_tfg1), MakeDoubleChecker<double>(0.001))
          .AddAttribute("Tfg3", "GROUP CALL PROBE retransmission (s)", DoubleValue(0.040),
                        MakeDoubleAccessor(&OffnetMcpttApp::m_tfg3), MakeDoubleChecker<double>(0.001))
          .AddAttribute("RefreshInterval", "Periodic GROUP CALL ANNOUNCEMENT interval (ms)", UintegerValue(10000),
                        MakeUintegerAccessor(&OffnetMcpttApp::m_refreshIntervalMs), MakeUintegerChecker<uint16_t>(100))
          .AddAttribute("ConfirmMode", "Calls this client starts ask members for GROUP CALL ACCEPT", BooleanValue(false),
                        MakeBooleanAccessor(&OffnetMcpttApp::m_confirmMode), MakeBooleanChecker())
          .AddAttribute("Queueing", "As talker, queue floor requests (Floor Queue Position Info) and grant in turn",
                        BooleanValue(false), MakeBooleanAccessor(&OffnetMcpttApp::m_queueing), MakeBooleanChecker())
          .AddTraceSource("GroupCallJoined", "In a group call: how, and seconds from the PTT press",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_groupCallJoinedTrace),
                          "mcx::OffnetMcpttApp::JoinedCallback")
          .AddTraceSource("CallEstablished", "A private call was established (setup seconds, caller)",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_callEstablishedTrace),
                          "mcx::OffnetMcpttApp::CallCallback")
          .AddTraceSource("FloorOutcome", "A PTT press ended: outcome and access time (s)",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_outcomeTrace), "mcx::OffnetMcpttApp::OutcomeCallback")
          .AddTraceSource("MediaRx", "A voice frame was heard: talker SSRC and mouth-to-ear delay",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_mediaRxTrace), "mcx::OffnetMcpttApp::MediaCallback")
          .AddTraceSource("FloorTx", "A floor message was sent: plain and SRTCP bytes",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_floorTxTrace), "mcx::OffnetMcpttApp::FloorTxCallback")
          .AddTraceSource("Error", "Something failed (reason)", MakeTraceSourceAccessor(&OffnetMcpttApp::m_errorTrace),
                          "mcx::OffnetMcpttApp::ErrorCallback")
          .AddTraceSource("FloorState", "Floor state change (from, to)",
                          MakeTraceSourceAccessor(&OffnetMcpttApp::m_stateTrace), "mcx::OffnetMcpttApp::StateCallback");
  return tid;
}

OffnetMcpttApp::OffnetMcpttApp()
    : gap_(CreateObject<ExponentialRandomVariable>()),
      talk_(CreateObject<ExponentialRandomVariable>()),
      uniform_(CreateObject<UniformRandomVariable>()) {}

OffnetMcpttApp::~OffnetMcpttApp() = default;

int64_t OffnetMcpttApp::AssignStreams(int64_t stream) {
  gap_->SetStream(stream);
  talk_->SetStream(stream + 1);
  uniform_->SetStream(stream + 2);
  return 3;
}

void OffnetMcpttApp::DoDispose() {
  pttEvent_.Cancel();
  releaseEvent_.Cancel();
  voiceEvent_.Cancel();
  floor_.reset();
  privateCall_.reset();
  groupCall_.reset();
  if (host_) host_->Stop();
  host_.reset();
  if (keys_) keys_->TraceDisconnectWithoutContext("KeyStored", MakeCallback(&OffnetMcpttApp::OnKeyStored, this));
  keys_ = nullptr;
  Application::DoDispose();
}

void OffnetMcpttApp::OnKeyStored(uint32_t, std::string purpose, std::string group, bool revoked) {
  // A GMK of our group arriving while we run (a rekey just before leaving coverage, or keys
  // loaded late): the group call can start.
  if (running_ && !crypto_ && !revoked && purpose == security::KeyPurposeName(security::KeyPurpose::kGmk) &&
      group == m_groupUri)
    JoinGroupCall();
}

void OffnetMcpttApp::JoinGroupCall() {
  crypto_ = std::make_unique<security::CallProtection>(
      security::CallProtection::ForGroup(keys_->shared(), m_groupUri, m_userId, [this]() { return host_->UnixTime(); }));
  if (m_groupCallSetup) {
    // TS 24.379 10.2.2: floor control starts once this member is in a call of the group.
    OpenMonpSocket();
    procedures::GroupCallConfig cfg;
    cfg.user_id = m_userId;
    cfg.group_id = m_groupUri;
    std::ostringstream group;
    m_group.Print(group);
    cfg.sdp = codec::OffnetSdp{group.str(), m_mediaPort, m_floorPort, {}};
    cfg.tfg1_s = m_tfg1;
    cfg.tfg3_s = m_tfg3;
    cfg.refresh_interval_ms = static_cast<uint16_t>(m_refreshIntervalMs);
    cfg.confirm_mode = m_confirmMode;
    groupCall_ = std::make_unique<procedures::GroupCallControl>(cfg, *host_);
    groupCall_->on_error = [this](const std::string& e) { m_errorTrace(e); };
    groupCall_->on_merged = [this](uint16_t) { m_groupCallJoinedTrace("merged", 0.0); };
    groupCall_->on_joined = [this](procedures::GroupCallJoin how, double s) {
      StartFloor();
      m_groupCallJoinedTrace(procedures::GroupCallJoinName(how), s);
      if (pendingTalkS_) {
        const double talk = *pendingTalkS_;
        pendingTalkS_.reset();
        PressPtt(talk);
      }
    };
  } else {
    StartFloor();
  }
  ScheduleNextPtt();
}

void OffnetMcpttApp::OpenMonpSocket() {
  host_->OpenDatagram(codec::kMonpPort,
                      [this](const procedures::Endpoint& from, crypto::ByteView b) { OnMonpPacket(from, b); });
}

void OffnetMcpttApp::StartApplication() {
  Ns3Host::Config hc;
  hc.start_unix = m_startUnix;
  hc.cost.device_factor = m_deviceFactor;
  host_ = std::make_unique<Ns3Host>(GetNode(), hc,
                                    std::make_unique<crypto::HmacDrbg>(m_ssrc, "offnet-private-call " + m_userId));
  host_->SetUniform(uniform_);
  host_->OpenDatagram(m_floorPort, [this](const procedures::Endpoint&, crypto::ByteView b) { OnFloorPacket(b); });
  host_->OpenDatagram(m_mediaPort, [this](const procedures::Endpoint&, crypto::ByteView b) { OnMediaPacket(b); });
  m_destination = m_group;
  keys_ = DeviceKeyStore::Of(GetNode());
  keys_->TraceConnectWithoutContext("KeyStored", MakeCallback(&OffnetMcpttApp::OnKeyStored, this));
  // Private calls need an identity for now's key period under a KMS the device trusts.
  std::vector<security::mikey_sakke::KmsPublicInfo> kms = keys_->keys().KmsCertificates();
  for (const auto& k : kms)
    if (!identity_) identity_ = keys_->keys().IdentityAt(k, security::UnixToNtpSeconds(host_->UnixTime()));
  if (identity_) {
    OpenMonpSocket();
    procedures::PrivateCallEndpoint::Config cfg;
    cfg.user_id = m_userId;
    cfg.address = host_->LocalAddress();
    cfg.media_port = m_mediaPort;
    cfg.floor_port = m_floorPort;
    cfg.tfp1_s = m_tfp1;
    cfg.cfp1 = m_cfp1;
    privateCall_ = std::make_unique<procedures::PrivateCallEndpoint>(cfg, *identity_, kms, *host_);
    privateCall_->on_failed = [this](const std::string& why) { m_errorTrace("private_call_" + why); };
    privateCall_->on_established = [this](const procedures::PrivateCallKeys& k, const std::string& peer, const codec::OffnetSdp&, bool caller) {
      // TS 33.180 7.4: the call's floor control and media under the PCK, to the peer's address.
      crypto_ = std::make_unique<security::CallProtection>(security::CallProtection::ForPrivate(k.pck, k.pck_id, k.rand, caller));
      m_destination = Ipv4Address(peer.c_str());
      StartFloor();
      m_callEstablishedTrace(caller ? privateCall_->setup_s().value_or(0) : 0.0, caller);
    };
  }
  running_ = true;
  bool holds_gmk = false;
  for (const security::StoredKey* k : keys_->keys().Keys(security::KeyPurpose::kGmk))
    holds_gmk = holds_gmk || k->group_uri == m_groupUri;
  if (!holds_gmk) {
    // TS 33.180 5.7: no GMK, no protected group communication.
    if (!identity_) m_errorTrace("no_gmk");
    return;
  }
  JoinGroupCall();
}

void OffnetMcpttApp::StartFloor() {
  if (floor_) floor_->Stop();
  procedures::OffnetFloorConfig cfg;
  cfg.user_id = m_userId;
  cfg.ssrc = m_ssrc;
  cfg.priority = static_cast<uint8_t>(m_priority);
  cfg.t201_s = m_t201;
  cfg.c201 = m_c201;
  cfg.t203_s = m_t203;
  cfg.queueing = m_queueing;
  procedures::OffnetFloorHooks hooks;
  hooks.send = [this](const codec::FloorMessage& m) { SendFloor(m); };
  hooks.on_state = [this](procedures::OffnetFloorState from, procedures::OffnetFloorState to) {
    m_stateTrace(procedures::OffnetFloorStateName(from), procedures::OffnetFloorStateName(to));
    if (to == procedures::OffnetFloorState::kHasPermission && !voiceEvent_.IsRunning()) SendVoiceFrame();
  };
  floor_ = std::make_unique<procedures::OffnetFloorParticipant>(cfg, *host_, hooks);
  floor_->on_outcome = [this](procedures::FloorOutcome o, double s) { m_outcomeTrace(procedures::FloorOutcomeName(o), s); };
  floor_->Start();
}

void OffnetMcpttApp::CallPrivate(const std::string& callee, Ipv4Address address) {
  if (!privateCall_) {
    m_errorTrace("private_call_no_identity");
    return;
  }
  std::ostringstream a;
  address.Print(a);
  host_->Dispatch([&] { privateCall_->Call(callee, a.str()); });
}

void OffnetMcpttApp::OnMonpPacket(const procedures::Endpoint& from, crypto::ByteView b) {
  if (!b.empty() && b[0] >= 1 && b[0] <= 3) {  // group call control (TS 24.379 table 15.2.2-1)
    if (groupCall_) groupCall_->Receive(b);
    return;
  }
  if (privateCall_) privateCall_->Receive(from.host, b);
}

void OffnetMcpttApp::StopApplication() {
  running_ = false;
  if (groupCall_) groupCall_->Release();
  pendingTalkS_.reset();
  pttEvent_.Cancel();
  releaseEvent_.Cancel();
  voiceEvent_.Cancel();
  if (floor_) floor_->Stop();
  if (host_) host_->Stop();
}

void OffnetMcpttApp::ScheduleNextPtt() {
  if (m_pttMeanIntervalS <= 0 || !crypto_) return;
  gap_->SetAttribute("Mean", DoubleValue(m_pttMeanIntervalS));
  talk_->SetAttribute("Mean", DoubleValue(m_talkMeanS));
  pttEvent_ = Simulator::Schedule(Seconds(gap_->GetValue()), [this]() {
    Talk(talk_->GetValue());
    ScheduleNextPtt();
  });
}

void OffnetMcpttApp::Talk(double talk_s) {
  if (!crypto_) {
    m_errorTrace("no_gmk");
    return;
  }
  if (!crypto_->CanSend()) {  // every GMK held has expired or is not yet active
    m_errorTrace("no_active_gmk");
    return;
  }
  if (groupCall_ && groupCall_->state() != procedures::GroupCallState::kS3PartOfCall) {
    pendingTalkS_ = talk_s;  // pressed once the call is set up (or joined)
    groupCall_->Initiate();
    return;
  }
  PressPtt(talk_s);
}

void OffnetMcpttApp::PressPtt(double talk_s) {
  if (!floor_) return;
  if (floor_->state() == procedures::OffnetFloorState::kPendingRequest || floor_->state() == procedures::OffnetFloorState::kHasPermission) return;
  floor_->PressPtt();
  releaseEvent_.Cancel();
  releaseEvent_ = Simulator::Schedule(Seconds(talk_s), [this]() {
    if (floor_) floor_->ReleasePtt();
  });
}

void OffnetMcpttApp::SendFloor(const codec::FloorMessage& m) {
  auto p = crypto_->Protect(m);
  if (!p) {
    m_errorTrace(std::string("floor_protect_") + crypto::ErrorName(p.error()));
    return;
  }
  m_floorTxTrace(static_cast<uint32_t>(p->sizes.plain), static_cast<uint32_t>(p->sizes.wire));
  host_->SendDatagram(m_floorPort, procedures::Endpoint{Ip(m_destination), m_floorPort}, std::move(p->wire));
}

void OffnetMcpttApp::OnFloorPacket(crypto::ByteView wire) {
  if (!crypto_) {
    m_errorTrace("no_gmk");
    return;
  }
  if (!floor_) return;  // not (yet) in the call
  auto m = crypto_->Unprotect(wire);
  if (!m) {
    m_errorTrace(std::string("floor_") + crypto::ErrorName(m.error()));
    return;
  }
  floor_->Receive(*m);
}

void OffnetMcpttApp::SendVoiceFrame() {
  if (!floor_ || !floor_->may_send_media()) return;
  // RTP header (RFC 3550) and a payload whose first 8 bytes carry the capture time, so the
  // listener can measure mouth-to-ear delay (no codec delay is modelled).
  crypto::Bytes rtp{0x80, 0x60, static_cast<uint8_t>(rtpSeq_ >> 8), static_cast<uint8_t>(rtpSeq_)};
  ++rtpSeq_;
  const uint64_t ts = static_cast<uint64_t>(Simulator::Now().GetNanoSeconds());
  for (int i = 24; i >= 0; i -= 8) rtp.push_back(static_cast<uint8_t>((ts / 125000) >> i));  // 8 kHz clock
  for (int i = 24; i >= 0; i -= 8) rtp.push_back(static_cast<uint8_t>(m_ssrc >> i));
  for (int i = 56; i >= 0; i -= 8) rtp.push_back(static_cast<uint8_t>(ts >> i));
  rtp.resize(12 + m_voiceBytes, 0);
  auto wire = crypto_->ProtectMedia(rtp);
  if (!wire) {  // e.g. the GMK expired while talking: no protected media, so stop talking
    m_errorTrace(std::string("media_protect_") + crypto::ErrorName(wire.error()));
    releaseEvent_.Cancel();
    floor_->ReleasePtt();
    return;
  }
  host_->SendDatagram(m_mediaPort, procedures::Endpoint{Ip(m_destination), m_mediaPort}, std::move(wire).value());
  voiceEvent_ = Simulator::Schedule(Seconds(m_frameS), &OffnetMcpttApp::SendVoiceFrame, this);
}

void OffnetMcpttApp::OnMediaPacket(crypto::ByteView wire) {
  if (!floor_) return;  // no GMK (counted once at start) or not in the call
  auto rtp = crypto_->UnprotectMedia(wire);
  if (!rtp || rtp->size() < 20) {
    m_errorTrace(std::string("media_") + (rtp ? "short" : crypto::ErrorName(rtp.error())));
    return;
  }
  const uint32_t ssrc = (uint32_t{(*rtp)[8]} << 24) | (uint32_t{(*rtp)[9]} << 16) | (uint32_t{(*rtp)[10]} << 8) | (*rtp)[11];
  uint64_t ts = 0;
  for (int i = 0; i < 8; ++i) ts = (ts << 8) | (*rtp)[12 + i];
  floor_->MediaReceived(ssrc);
  m_mediaRxTrace(ssrc, Simulator::Now() - NanoSeconds(static_cast<int64_t>(ts)));
}

}  // namespace mcx::models
