#include "mcx/models/apps/model/mcx_server_app.h"

#include <ns3/boolean.h>
#include <ns3/log.h>
#include <ns3/nstime.h>
#include <ns3/uinteger.h>
#include <ns3/string.h>

#include "mcx/models/apps/model/device_key_store.h"
#include "mcx/security/naming_plan.h"

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("McxServerApp");
NS_OBJECT_ENSURE_REGISTERED(McxServerApp);

TypeId McxServerApp::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::McxServerApp")
          .SetParent<McxKmsClientApp>()
          .SetGroupName("Mcx")
          .AddConstructor<McxServerApp>()
          .AddAttribute("MdsiUri", "The MCX server domain security identity (MDSI), receiver of CSK uploads.",
                        StringValue(security::naming::McxServerUri()), MakeStringAccessor(&McxServerApp::m_mdsiUri),
                        MakeStringChecker())
          .AddAttribute("GmsUri", "The GMS identity.", StringValue(security::naming::GmsUri()),
                        MakeStringAccessor(&McxServerApp::m_gmsUri), MakeStringChecker())
          .AddAttribute("GmsAddress", "Where SUBSCRIBEs to the GMS are proxied.", Ipv4AddressValue(),
                        MakeIpv4AddressAccessor(&McxServerApp::m_gmsAddress), MakeIpv4AddressChecker())
          // Group calls and their floor control (TS 24.380 table 11.1.2-1; psc-ns3's defaults).
          .AddAttribute("FloorPort", "UDP port of floor control.", UintegerValue(49150),
                        MakeUintegerAccessor(&McxServerApp::SetFloorPort, &McxServerApp::FloorPort),
                        MakeUintegerChecker<uint16_t>(1))
          .AddAttribute("MediaPort", "UDP port of the voice it relays.", UintegerValue(49151),
                        MakeUintegerAccessor(&McxServerApp::SetMediaPort, &McxServerApp::MediaPort),
                        MakeUintegerChecker<uint16_t>(1))
          .AddAttribute("CallSecurity", "Floor control as SRTCP under each participant's CSK (false: plain RTCP).",
                        BooleanValue(true), MakeBooleanAccessor(&McxServerApp::SetCallSecurity, &McxServerApp::CallSecurity),
                        MakeBooleanChecker())
          .AddAttribute("T1", "End of RTP media: a silent talker loses the floor.", TimeValue(Seconds(4)),
                        MakeTimeAccessor(&McxServerApp::m_t1), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("T2", "Stop talking: the longest talk burst.", TimeValue(Seconds(30)),
                        MakeTimeAccessor(&McxServerApp::m_t2), MakeTimeChecker(Seconds(1)))
          .AddAttribute("T3", "Stop-talking grace after a Floor Revoke.", TimeValue(Seconds(3)),
                        MakeTimeAccessor(&McxServerApp::m_t3), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("T4", "Inactivity: an idle floor this long ends the call.", TimeValue(Seconds(30)),
                        MakeTimeAccessor(&McxServerApp::m_t4), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("T7", "Floor Idle retransmission (with FloorAcks).", TimeValue(Seconds(1)),
                        MakeTimeAccessor(&McxServerApp::m_t7), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("T8", "Floor Revoke retransmission.", TimeValue(Seconds(1)),
                        MakeTimeAccessor(&McxServerApp::m_t8), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("T20", "Floor Granted retransmission.", TimeValue(Seconds(1)),
                        MakeTimeAccessor(&McxServerApp::m_t20), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("C7", "Floor Idle transmissions at most.", UintegerValue(10),
                        MakeUintegerAccessor(&McxServerApp::m_c7), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("C20", "Floor Granted transmissions at most.", UintegerValue(3),
                        MakeUintegerAccessor(&McxServerApp::m_c20), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("XmlProtection",
                        "With CallSecurity, each INVITE's mcpttinfo is XML-protected under the client's CSK "
                        "(TS 33.180 9.3: identities encrypted, body signed); an unprotected one is refused.",
                        BooleanValue(true),
                        MakeBooleanAccessor(&McxServerApp::SetXmlProtection, &McxServerApp::XmlProtection),
                        MakeBooleanChecker())
          .AddAttribute("CorruptKeyMgmt",
                        "Attack: a compromised server alters one byte of each private call's I_MESSAGE it relays "
                        "(the callee's checks must refuse it).",
                        BooleanValue(false),
                        MakeBooleanAccessor(&McxServerApp::SetCorruptKeyMgmt, &McxServerApp::CorruptKeyMgmt),
                        MakeBooleanChecker())
          .AddAttribute("Queueing", "Queue floor requests (mc_queueing).", BooleanValue(true),
                        MakeBooleanAccessor(&McxServerApp::m_queueing), MakeBooleanChecker())
          .AddAttribute("MaxQueue", "Queued requests at most.", UintegerValue(8),
                        MakeUintegerAccessor(&McxServerApp::m_maxQueue), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("Preemption", "A higher priority (or emergency) request revokes the talker.", BooleanValue(true),
                        MakeBooleanAccessor(&McxServerApp::m_preemption), MakeBooleanChecker())
          .AddAttribute("FloorAcks", "Floor Granted and Floor Idle ask for a Floor Ack.", BooleanValue(false),
                        MakeBooleanAccessor(&McxServerApp::m_acks), MakeBooleanChecker())
          .AddTraceSource("FloorTx", "A floor message sent: to whom, its type, plain and wire bytes.",
                          MakeTraceSourceAccessor(&McxServerApp::m_floorTxTrace), "mcx::McxServerApp::FloorTxCallback")
          .AddTraceSource("GroupCallEnded", "A group call was released (its group).",
                          MakeTraceSourceAccessor(&McxServerApp::m_callEndedTrace), "mcx::McxServerApp::GroupCallCallback")
          .AddTraceSource("Affiliated", "A user's affiliation was accepted (user, group).",
                          MakeTraceSourceAccessor(&McxServerApp::m_affiliatedTrace), "mcx::McxServerApp::AffiliatedCallback");
  return tid;
}

McxServerApp::McxServerApp() = default;
McxServerApp::~McxServerApp() = default;

void McxServerApp::DoDispose() {
  NS_LOG_FUNCTION(this);
  m_groupCalls.reset();
  m_server.reset();
  McxKmsClientApp::DoDispose();
}

void McxServerApp::StartApplication() {
  NS_LOG_FUNCTION(this);
  StartHost(false);
  m_sip->SetRequestHandler([this](const procedures::Endpoint& from, const procedures::SipMessage& m) {
    NS_LOG_INFO(m_mdsiUri << ": " << m.Method() << " from " << m.FromUri()
                          << (m.Method() == "REGISTER" ? " (registration with its CSK upload)" : ""));
    if (m_groupCalls && m_groupCalls->OnSipRequest(from, m)) return;
    if (m_server)
      m_server->OnSipRequest(from, m);
    else {
      NS_LOG_INFO(m_mdsiUri << ": not provisioned yet: 503 to " << m.FromUri());
      m_sip->SendResponse(from, procedures::SipMessage::Response(503, "Service Unavailable", m));
    }
  });
  m_sip->SetStrayResponseHandler([this](const procedures::SipMessage& r) {
    NS_LOG_LOGIC(m_mdsiUri << ": relays a " << r.Status() << " response");
    if (m_server) m_server->OnRelayedResponse(r);
  });
  m_host->Start();
  auto client = std::make_shared<procedures::KmsClient>(*m_host, KmsEndpoint(), m_kmsUri, m_mdsiUri, Retry());
  client->on_retry = [this](const std::string& what) { Retried(what); };
  m_host->Dispatch([&] {
    client->Provision([this, client](crypto::Result<procedures::Provisioned> p) {
      if (!p) {
        NS_LOG_WARN(m_mdsiUri << ": provisioning failed: " << crypto::ErrorName(p.error()));
        return Fail(std::string("provisioning_") + crypto::ErrorName(p.error()));
      }
      NS_LOG_INFO(m_mdsiUri << ": provisioned by " << m_kmsUri);
      procedures::McxServerConfig cfg;
      cfg.mdsi_uri = m_mdsiUri;
      cfg.gms_uri = m_gmsUri;
      cfg.gms_sip = procedures::Endpoint{Ipv4String(m_gmsAddress), m_sipPort};
      m_server = std::make_unique<procedures::McxServer>(*m_host, *m_sip, cfg, std::move(p).value(),
                                                        DeviceKeyStore::Of(GetNode())->keys());
      m_server->on_error = [this](const std::string& e) {
        NS_LOG_WARN(m_mdsiUri << ": " << e);
        Fail(e);
      };
      StartGroupCalls();
    });
  });
}

void McxServerApp::StartGroupCalls() {
  procedures::GroupCallServerConfig cfg = m_callCfg;
  cfg.server_uri = m_mdsiUri;
  procedures::FloorServerConfig& f = cfg.floor;
  f.t1_s = m_t1.GetSeconds();
  f.t2_s = m_t2.GetSeconds();
  f.t3_s = m_t3.GetSeconds();
  f.t4_s = m_t4.GetSeconds();
  f.t7_s = m_t7.GetSeconds();
  f.t8_s = m_t8.GetSeconds();
  f.t20_s = m_t20.GetSeconds();
  f.c7 = m_c7;
  f.c20 = m_c20;
  f.queueing = m_queueing;
  f.max_queue = m_maxQueue;
  f.preemption = m_preemption;
  f.request_acks = m_acks;
  procedures::GroupCallDirectory dir;
  dir.affiliated = [this](const std::string& g) { return m_server->AffiliatedTo(g); };
  dir.contact = [this](const std::string& u) { return m_server->Contact(u); };
  dir.csk = [this](const std::string& u) { return m_server->CskOf(u); };
  m_groupCalls = std::make_unique<procedures::GroupCallServer>(*m_host, *m_sip, cfg, dir);
  m_groupCalls->on_floor_sent = [this](const std::string& to, const codec::FloorMessage& m, size_t plain, size_t wire) {
    NS_LOG_LOGIC(m_mdsiUri << ": floor " << codec::FloorMsgTypeName(m.type()) << " to " << to);
    m_floorTxTrace(to, codec::FloorMsgTypeName(m.type()), static_cast<uint32_t>(plain), static_cast<uint32_t>(wire));
  };
  m_groupCalls->on_error = [this](const std::string& e) { Fail("call_" + e); };
  m_groupCalls->on_call_ended = [this](const std::string& g) {
    NS_LOG_INFO(m_mdsiUri << ": group call of " << g << " released");
    m_callEndedTrace(g);
  };
  m_server->on_affiliated = [this](const std::string& user, const std::vector<std::string>& groups) {
    for (const std::string& g : groups) {
      m_affiliatedTrace(user, g);
      m_groupCalls->OnAffiliated(user, g);  // late entry
    }
  };
  m_sip->SetAckTimeoutHandler([this](const procedures::SipMessage& ok) { m_groupCalls->OnAckTimeout(ok); });
  m_sip->SetInviteEndedHandler(
      [this](const procedures::SipMessage& invite, int status) { m_groupCalls->OnInviteEnded(invite, status); });
  m_host->OpenDatagram(m_callCfg.floor_port, [this](const procedures::Endpoint& from, crypto::ByteView d) {
    m_groupCalls->OnFloorDatagram(from, d);
  });
  m_host->OpenDatagram(m_callCfg.media_port, [this](const procedures::Endpoint& from, crypto::ByteView d) {
    m_groupCalls->OnMediaDatagram(from, d);
  });
}

}  // namespace mcx::models
