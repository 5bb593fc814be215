#include "mcx/models/apps/model/ue_app.h"

#include <ns3/boolean.h>
#include <ns3/enum.h>
#include <ns3/log.h>
#include <ns3/simulator.h>
#include <ns3/uinteger.h>
#include <ns3/string.h>

#include "mcx/models/apps/model/device_key_store.h"
#include "mcx/codec/rtp.h"
#include "mcx/crypto/wire.h"
#include "mcx/security/naming_plan.h"

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("McxUeApp");
NS_OBJECT_ENSURE_REGISTERED(UeApp);

TypeId UeApp::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::UeApp")
          .SetParent<McxKmsClientApp>()
          .SetGroupName("Mcx")
          .AddConstructor<UeApp>()
          .AddAttribute("UserUri", "The MC service user ID.", StringValue(""), MakeStringAccessor(&UeApp::m_userUri),
                        MakeStringChecker())
          .AddAttribute("MdsiUri", "The MCX server's MDSI (CSK upload receiver).",
                        StringValue(security::naming::McxServerUri()), MakeStringAccessor(&UeApp::m_mdsiUri),
                        MakeStringChecker())
          .AddAttribute("GmsUri", "The identity authorised to send GMKs.", StringValue(security::naming::GmsUri()),
                        MakeStringAccessor(&UeApp::m_gmsUri), MakeStringChecker())
          .AddAttribute("ProxyAddress", "The MCX server (registrar, outbound proxy).", Ipv4AddressValue(),
                        MakeIpv4AddressAccessor(&UeApp::m_proxyAddress), MakeIpv4AddressChecker())
          .AddAttribute("GmsAddress", "The GMS's XCAP server (pull).", Ipv4AddressValue(),
                        MakeIpv4AddressAccessor(&UeApp::m_gmsAddress), MakeIpv4AddressChecker())
          .AddAttribute("Transport", "Expected GMK distribution: sip (push) or http (pull).",
                        EnumValue(procedures::GmkTransport::kSip), MakeEnumAccessor(&UeApp::m_transport),
                        MakeEnumChecker(procedures::GmkTransport::kSip, "sip", procedures::GmkTransport::kHttp, "http"))
          .AddAttribute("CskUpload", "Upload a CSK in the REGISTER (TS 33.180 5.4).", BooleanValue(true),
                        MakeBooleanAccessor(&UeApp::m_cskUpload), MakeBooleanChecker())
          .AddTraceSource("Provisioned", "Key material received and checked (seconds from start).",
                          MakeTraceSourceAccessor(&UeApp::m_provisionedTrace), "mcx::UeApp::ProvisionedCallback")
          .AddTraceSource("Registered", "REGISTER accepted.", MakeTraceSourceAccessor(&UeApp::m_registeredTrace),
                          "mcx::UeApp::RegisteredCallback")
          .AddTraceSource("GmkStored", "A GMK passed every check and was stored (group, GMK-ID).",
                          MakeTraceSourceAccessor(&UeApp::m_gmkStoredTrace), "mcx::UeApp::KeyCallback")
          .AddTraceSource("KeyActive", "A stored GMK reached its activation time (group, GMK-ID).",
                          MakeTraceSourceAccessor(&UeApp::m_keyActiveTrace), "mcx::UeApp::KeyCallback")
          // Group calls (TS 24.379 10.1.1) and the floor participant (TS 24.380 table 11.1.1-1,
          // psc-ns3's defaults).
          .AddAttribute("FloorPort", "UDP port of floor control.", UintegerValue(49150),
                        MakeUintegerAccessor(&UeApp::m_floorPort), MakeUintegerChecker<uint16_t>(1))
          .AddAttribute("MediaPort", "UDP port of the voice.", UintegerValue(49151),
                        MakeUintegerAccessor(&UeApp::m_mediaPort), MakeUintegerChecker<uint16_t>(1))
          .AddAttribute("XmlProtection",
                        "With CallSecurity, the mcpttinfo of our INVITEs is XML-protected under our CSK "
                        "(TS 33.180 9.3), and the server's must be.",
                        BooleanValue(true), MakeBooleanAccessor(&UeApp::m_xmlProtection), MakeBooleanChecker())
          .AddAttribute("CallSecurity", "Floor control under the CSK and voice under the GMK (false: in clear).",
                        BooleanValue(true), MakeBooleanAccessor(&UeApp::m_callSecurity), MakeBooleanChecker())
          .AddAttribute("FloorPriority", "Requested floor priority (mc_priority).", UintegerValue(1),
                        MakeUintegerAccessor(&UeApp::m_floorPriority), MakeUintegerChecker<uint32_t>(1, 255))
          .AddAttribute("T100", "Floor Release retransmission.", TimeValue(Seconds(1)),
                        MakeTimeAccessor(&UeApp::m_t100), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("T101", "Floor Request retransmission.", TimeValue(Seconds(1)),
                        MakeTimeAccessor(&UeApp::m_t101), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("T103", "End of RTP media.", TimeValue(Seconds(4)), MakeTimeAccessor(&UeApp::m_t103),
                        MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("T104", "Floor Queue Position Request retransmission.", TimeValue(Seconds(1)),
                        MakeTimeAccessor(&UeApp::m_t104), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("T132", "A queued request granted: wait for the user.", TimeValue(Seconds(2)),
                        MakeTimeAccessor(&UeApp::m_t132), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("C100", "Floor Release transmissions at most.", UintegerValue(3),
                        MakeUintegerAccessor(&UeApp::m_c100), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("C101", "Floor Request transmissions at most.", UintegerValue(3),
                        MakeUintegerAccessor(&UeApp::m_c101), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("C104", "Floor Queue Position Request transmissions at most.", UintegerValue(3),
                        MakeUintegerAccessor(&UeApp::m_c104), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("VoiceBytes", "Voice payload per RTP frame (AMR-WB 12.65 kbit/s: 33).", UintegerValue(33),
                        MakeUintegerAccessor(&UeApp::m_voiceBytes), MakeUintegerChecker<uint32_t>(8))
          .AddAttribute("FrameInterval", "Voice frame interval.", TimeValue(MilliSeconds(20)),
                        MakeTimeAccessor(&UeApp::m_frameInterval), MakeTimeChecker(MilliSeconds(1)))
          .AddTraceSource("CallStarted", "A group call is up (group, seconds from PTT to 200 OK; -1 when invited).",
                          MakeTraceSourceAccessor(&UeApp::m_callStartedTrace), "mcx::UeApp::CallCallback")
          .AddTraceSource("CallEnded", "A group call ended (group, why).",
                          MakeTraceSourceAccessor(&UeApp::m_callEndedTrace), "mcx::UeApp::CallCallback")
          .AddTraceSource("CallFailed", "Our call attempt failed (SIP status, 0: no answer; the error it names).",
                          MakeTraceSourceAccessor(&UeApp::m_callFailedTrace), "mcx::UeApp::CallFailedCallback")
          .AddTraceSource("FloorOutcome", "A PTT press ended: outcome and floor access time (s).",
                          MakeTraceSourceAccessor(&UeApp::m_floorOutcomeTrace), "mcx::UeApp::FloorOutcomeCallback")
          .AddTraceSource("FloorTx", "A floor message sent: type, plain and wire bytes.",
                          MakeTraceSourceAccessor(&UeApp::m_floorTxTrace), "mcx::UeApp::FloorTxCallback")
          .AddTraceSource("MediaRx", "A voice frame heard: talker SSRC and mouth-to-ear delay.",
                          MakeTraceSourceAccessor(&UeApp::m_mediaRxTrace), "mcx::UeApp::MediaRxCallback");
  return tid;
}

UeApp::UeApp() = default;
UeApp::~UeApp() = default;

void UeApp::DoDispose() {
  NS_LOG_FUNCTION(this);
  m_voiceEvent.Cancel();
  m_releaseEvent.Cancel();
  m_call.reset();
  m_voice.clear();
  m_client.reset();
  McxKmsClientApp::DoDispose();
}

void UeApp::StartApplication() {
  NS_LOG_FUNCTION(this);
  StartHost(false);
  procedures::UeConfig cfg;
  cfg.user_uri = m_userUri;
  cfg.kms_uri = m_kmsUri;
  cfg.kms = KmsEndpoint();
  cfg.sip_proxy = procedures::Endpoint{Ipv4String(m_proxyAddress), m_sipPort};
  cfg.mdsi_uri = m_mdsiUri;
  cfg.gms_uri = m_gmsUri;
  cfg.gms_http = procedures::Endpoint{Ipv4String(m_gmsAddress), m_httpPort};
  cfg.groups = m_groups;
  cfg.transport = m_transport;
  cfg.csk_upload = m_cskUpload;
  cfg.retry = Retry();
  m_client = std::make_unique<procedures::UeClient>(*m_host, *m_sip, cfg, DeviceKeyStore::Of(GetNode())->keys());
  m_client->on_provisioned = [this](double s) {
    NS_LOG_INFO(m_userUri << ": provisioned in " << s * 1e3 << " ms");
    m_provisionedTrace(s);
  };
  m_client->on_registered = [this] {
    NS_LOG_INFO(m_userUri << ": registered" << (m_cskUpload ? " (CSK uploaded to " + m_mdsiUri + ")" : std::string()));
    m_registeredTrace();
  };
  m_client->on_key_stored = [this](const std::string& g, uint32_t id) {
    NS_LOG_INFO(m_userUri << ": stored GMK " << std::hex << id << std::dec << " of " << g);
    m_gmkStoredTrace(g, id);
  };
  m_client->on_key_active = [this](const std::string& g, uint32_t id) {
    NS_LOG_INFO(m_userUri << ": GMK " << std::hex << id << std::dec << " of " << g << " is active");
    m_keyActiveTrace(g, id);
  };
  m_client->on_retry = [this](const std::string& what) { Retried(what); };
  m_client->on_error = [this](const std::string& e) {
    NS_LOG_WARN(m_userUri << ": " << e);
    Fail(e);
  };
  StartCallClient();
  m_sip->SetRequestHandler([this](const procedures::Endpoint& from, const procedures::SipMessage& m) {
    NS_LOG_INFO(m_userUri << ": " << m.Method() << " from " << m.FromUri());
    if (m.Method() == "INVITE") OpenCallPorts();
    if (m_call->OnSipRequest(from, m)) return;
    m_client->OnSipRequest(from, m);
  });
  m_host->Start();
  NS_LOG_INFO(m_userUri << ": starts (provisioning from " << m_kmsUri << ", then REGISTER, affiliation and "
                        << (m_transport == procedures::GmkTransport::kSip ? "GMKs by SIP NOTIFY" : "GMKs by HTTP pull")
                        << ")");
  m_host->Dispatch([&] { m_client->Start(); });
}

void UeApp::CoverageRestored() {
  NS_LOG_FUNCTION(this);
  if (!m_client) return;
  NS_LOG_INFO(m_userUri << ": back in coverage");
  m_host->Dispatch([&] { m_client->Reconnect(); });
}

// ---- group calls ----

void UeApp::StartCallClient() {
  procedures::OnnetCallClientConfig cfg;
  cfg.user_uri = m_userUri;
  cfg.server_sip = procedures::Endpoint{Ipv4String(m_proxyAddress), m_sipPort};
  cfg.floor_port = static_cast<uint16_t>(m_floorPort);
  cfg.media_port = static_cast<uint16_t>(m_mediaPort);
  cfg.security = m_callSecurity;
  cfg.xml_protection = m_xmlProtection;
  cfg.groups = m_groups;
  procedures::OnnetFloorConfig& f = cfg.floor;
  f.priority = static_cast<uint8_t>(m_floorPriority);
  f.t100_s = m_t100.GetSeconds();
  f.t101_s = m_t101.GetSeconds();
  f.t103_s = m_t103.GetSeconds();
  f.t104_s = m_t104.GetSeconds();
  f.t132_s = m_t132.GetSeconds();
  f.c100 = m_c100;
  f.c101 = m_c101;
  f.c104 = m_c104;
  // The SSRC from the user ID (FNV-1a): no random draw, so runs without calls keep their numbers.
  uint32_t ssrc = 2166136261u;
  for (char ch : m_userUri) ssrc = (ssrc ^ static_cast<uint8_t>(ch)) * 16777619u;
  f.ssrc = ssrc | 1;
  m_call = std::make_unique<procedures::OnnetCallClient>(*m_host, *m_sip, cfg, DeviceKeyStore::Of(GetNode())->keys());
  m_call->on_call_started = [this](const std::string& g, std::optional<double> setup) {
    NS_LOG_INFO(m_userUri << ": in the group call of " << g);
    m_callStartedTrace(g, setup.value_or(-1.0));
  };
  m_call->on_call_ended = [this](const std::string& g, const std::string& why) {
    NS_LOG_INFO(m_userUri << ": the group call of " << g << " ended (" << why << ")");
    m_voiceEvent.Cancel();
    m_releaseEvent.Cancel();
    m_privateVoice.reset();
    m_callEndedTrace(g, why);
  };
  m_call->on_call_failed = [this](int status, const std::string& why) {
    NS_LOG_WARN(m_userUri << ": call refused: " << status << (why.empty() ? "" : " " + why));
    m_releaseEvent.Cancel();
    m_callFailedTrace(static_cast<uint32_t>(status), why);
  };
  m_call->on_error = [this](const std::string& e) { Fail(e); };
  m_call->on_floor_outcome = [this](procedures::FloorOutcome o, double s) {
    NS_LOG_INFO(m_userUri << ": floor " << procedures::FloorOutcomeName(o) << " after " << s * 1e3 << " ms");
    m_floorOutcomeTrace(procedures::FloorOutcomeName(o), s);
    if (o == procedures::FloorOutcome::kGranted || o == procedures::FloorOutcome::kGrantedAfterQueue) SendVoiceFrame();
  };
  m_call->on_floor_sent = [this](const codec::FloorMessage& m, size_t plain, size_t wire) {
    m_floorTxTrace(codec::FloorMsgTypeName(m.type()), static_cast<uint32_t>(plain), static_cast<uint32_t>(wire));
  };
  m_call->on_media = [this](crypto::ByteView p) { OnVoice(p); };
}

void UeApp::OpenCallPorts() {
  // Opened with the first call (made or answered), as a client allocates its RTP ports: a UE
  // that never calls on-network leaves them to its other applications (the off-network client).
  if (m_callPortsOpen) return;
  m_callPortsOpen = true;
  m_host->OpenDatagram(static_cast<uint16_t>(m_floorPort), [this](const procedures::Endpoint& from, crypto::ByteView d) {
    m_call->OnFloorDatagram(from, d);
  });
  m_host->OpenDatagram(static_cast<uint16_t>(m_mediaPort), [this](const procedures::Endpoint& from, crypto::ByteView d) {
    m_call->OnMediaDatagram(from, d);
  });
}

void UeApp::PressPtt(Time talk, bool emergency) {
  NS_LOG_FUNCTION(this << talk);
  if (!m_call) return;
  m_releaseEvent.Cancel();
  if (talk > Seconds(0)) m_releaseEvent = Simulator::Schedule(talk, &UeApp::ReleasePtt, this);
  if (m_call->in_call()) {
    NS_LOG_INFO(m_userUri << ": presses PTT");
    m_host->Dispatch([&] { m_call->PressPtt(emergency); });
    return;
  }
  if (m_groups.empty()) return Fail("call_no_group");
  NS_LOG_INFO(m_userUri << ": presses PTT outside a call: calls " << m_groups.front());
  OpenCallPorts();
  m_host->Dispatch([&] { m_call->CallGroup(m_groups.front(), emergency); });
}

void UeApp::CallPrivate(const std::string& callee, Time talk) {
  NS_LOG_FUNCTION(this << callee << talk);
  if (!m_call || m_call->in_call()) return;
  m_releaseEvent.Cancel();
  if (talk > Seconds(0)) m_releaseEvent = Simulator::Schedule(talk, &UeApp::ReleasePtt, this);
  NS_LOG_INFO(m_userUri << ": presses PTT to call " << callee);
  OpenCallPorts();
  m_host->Dispatch([&] { m_call->CallPrivate(callee); });
}

void UeApp::ReleasePtt() {
  if (!m_call) return;
  NS_LOG_INFO(m_userUri << ": releases PTT");
  m_host->Dispatch([&] { m_call->ReleasePtt(); });  // during set-up: released once the call is up
}

security::CallProtection* UeApp::Voice() {
  if (!m_callSecurity || !m_call || m_call->group().empty()) return nullptr;
  if (m_call->private_call()) {  // TS 33.180 7.4: under the call's PCK, one crypto session per direction
    const procedures::PrivateCallKeys* k = m_call->private_keys();
    if (!k) return nullptr;
    if (!m_privateVoice || m_privateVoicePckId != k->pck_id) {
      m_privateVoice = std::make_unique<security::CallProtection>(
          security::CallProtection::ForPrivate(k->pck.view(), k->pck_id, k->rand, k->initiator));
      m_privateVoicePckId = k->pck_id;
    }
    return m_privateVoice.get();
  }
  auto& voice = m_voice[m_call->group()];
  if (!voice)
    voice = std::make_unique<security::CallProtection>(security::CallProtection::ForGroup(
        DeviceKeyStore::Of(GetNode())->shared(), m_call->group(), m_userUri, [this]() { return m_host->UnixTime(); }));
  return voice.get();
}

void UeApp::Hangup() {
  if (m_call) m_host->Dispatch([&] { m_call->Hangup(); });
}

void UeApp::SendVoiceFrame() {
  if (!m_call || !m_call->floor() || !m_call->floor()->may_send_media() || m_voiceEvent.IsRunning()) return;
  // RTP (RFC 3550) at an 8 kHz clock, its payload's first 8 bytes the capture time in ns, so the
  // listener measures the mouth-to-ear delay (no codec delay is modelled).
  const uint64_t now_ns = static_cast<uint64_t>(Simulator::Now().GetNanoSeconds());
  codec::RtpPacket rtp;
  rtp.payload_type = 96;
  rtp.sequence = m_rtpSeq++;
  rtp.timestamp = static_cast<uint32_t>(now_ns / 125000);
  rtp.ssrc = m_call->ssrc();
  crypto::AppendU32(rtp.payload, static_cast<uint32_t>(now_ns >> 32));
  crypto::AppendU32(rtp.payload, static_cast<uint32_t>(now_ns));
  rtp.payload.resize(m_voiceBytes, 0);
  bool failed = false;
  m_host->Dispatch([&] {
    crypto::Bytes packet = codec::Encode(rtp);
    if (m_callSecurity) {  // TS 33.180 7.4.2: SRTP under the group's GMK with our GUK-ID
      security::CallProtection* voice = Voice();
      auto wire = voice ? voice->ProtectMedia(packet) : crypto::Result<crypto::Bytes>(crypto::Error::kKeyNotFound);
      if (!wire) {
        Fail(std::string("media_protect_") + crypto::ErrorName(wire.error()));
        failed = true;
        return;
      }
      packet = std::move(wire).value();
    }
    m_call->SendMedia(std::move(packet));
  });
  if (failed) return ReleasePtt();
  m_voiceEvent = Simulator::Schedule(m_frameInterval, [this]() {
    m_voiceEvent = EventId();
    SendVoiceFrame();
  });
}

void UeApp::OnVoice(crypto::ByteView packet) {
  crypto::Bytes plain(packet.begin(), packet.end());
  if (m_callSecurity) {
    security::CallProtection* voice = Voice();
    if (!voice) return Fail("media_no_call");
    auto opened = voice->UnprotectMedia(packet);
    if (!opened) return Fail(std::string("media_") + crypto::ErrorName(opened.error()));
    plain = std::move(opened).value();
  }
  auto rtp = codec::DecodeRtp(plain);
  if (!rtp || rtp->payload.size() < 8) return Fail("media_short");
  const uint64_t captured_ns = crypto::ByteReader(rtp->payload).U64();
  m_mediaRxTrace(rtp->ssrc, Simulator::Now() - NanoSeconds(static_cast<int64_t>(captured_ns)));
}

}  // namespace mcx::models
