#include "mcx/models/apps/model/gms_app.h"

#include <algorithm>

#include <ns3/boolean.h>
#include <ns3/enum.h>
#include <ns3/log.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

#include "mcx/security/naming_plan.h"

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("McxGmsApp");
NS_OBJECT_ENSURE_REGISTERED(GmsApp);

TypeId GmsApp::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::GmsApp")
          .SetParent<McxKmsClientApp>()
          .SetGroupName("Mcx")
          .AddConstructor<GmsApp>()
          .AddAttribute("GmsUri", "The GMS identity (the one the members accept GMKs from).",
                        StringValue(security::naming::GmsUri()), MakeStringAccessor(&GmsApp::m_gmsUri),
                        MakeStringChecker())
          .AddAttribute("Transport", "GMK distribution: sip (NOTIFY push) or http (GET pull), TS 33.180 5.7.2 via SIP / via HTTP.",
                        EnumValue(procedures::GmkTransport::kSip), MakeEnumAccessor(&GmsApp::m_transport),
                        MakeEnumChecker(procedures::GmkTransport::kSip, "sip", procedures::GmkTransport::kHttp, "http"))
          .AddAttribute("ActivationDelay", "From a rekey until the new GMK becomes active (the group's first key: at once).",
                        TimeValue(Seconds(0)), MakeTimeAccessor(&GmsApp::m_activationDelay),
                        MakeTimeChecker(Seconds(0)))
          .AddAttribute("KeyLifetime", "From a GMK's activation to its expiry (0 = never).", TimeValue(Seconds(0)),
                        MakeTimeAccessor(&GmsApp::m_keyLifetime), MakeTimeChecker(Seconds(0)))
          .AddAttribute("FullDocuments", "Send full group documents (member list) rather than partial ones.",
                        BooleanValue(false), MakeBooleanAccessor(&GmsApp::m_fullDocuments), MakeBooleanChecker())
          .AddAttribute("RekeyPeriod", "Rekey every group this often (0 = only on demand).", TimeValue(Seconds(0)),
                        MakeTimeAccessor(&GmsApp::m_rekeyPeriod), MakeTimeChecker(Seconds(0)))
          .AddTraceSource("RekeyStarted",
                          "A new GMK is being distributed (group, GMK-ID, rekey number, activation and expiry in "
                          "Unix seconds; 0 = at once, never).",
                          MakeTraceSourceAccessor(&GmsApp::m_rekeyStartedTrace), "mcx::GmsApp::RekeyStartedCallback")
          .AddTraceSource("RekeyOutcome", "A member answered (group, member, GMK-ID, rekey, latency s, result).",
                          MakeTraceSourceAccessor(&GmsApp::m_outcomeTrace), "mcx::GmsApp::RekeyOutcomeCallback")
          .AddTraceSource("SignallingBytes", "Bytes of a GMK distribution procedure (procedure, bytes).",
                          MakeTraceSourceAccessor(&GmsApp::m_signallingBytesTrace),
                          "mcx::GmsApp::SignallingBytesCallback")
          .AddTraceSource("GmkMessage", "A member's GMK I_MESSAGE as it leaves (group, member, message).",
                          MakeTraceSourceAccessor(&GmsApp::m_gmkMessageTrace), "mcx::GmsApp::GmkMessageCallback");
  return tid;
}

GmsApp::GmsApp() = default;
GmsApp::~GmsApp() = default;

void GmsApp::DoDispose() {
  NS_LOG_FUNCTION(this);
  m_periodicEvent.Cancel();
  m_service.reset();
  McxKmsClientApp::DoDispose();
}

void GmsApp::StopApplication() {
  NS_LOG_FUNCTION(this);
  m_periodicEvent.Cancel();
  McxKmsClientApp::StopApplication();
}

void GmsApp::AddGroup(const std::string& group, const std::vector<std::string>& members) {
  NS_LOG_FUNCTION(this << group << members.size());
  if (m_service)
    m_service->AddGroup(group, members);
  else
    m_groups.emplace_back(group, members);
}

void GmsApp::AddMixingServer(const std::string& uri, Ipv4Address address) {
  NS_LOG_FUNCTION(this << uri << address);
  m_mixing.emplace_back(uri, procedures::Endpoint{Ipv4String(address), m_sipPort});
}

void GmsApp::PeriodicRekey() {
  NS_LOG_FUNCTION(this);
  if (m_service)
    for (const auto& g : m_service->Groups()) Rekey(g);
  m_periodicEvent = Simulator::Schedule(m_rekeyPeriod, &GmsApp::PeriodicRekey, this);
}

void GmsApp::Rekey(const std::string& group) {
  NS_LOG_FUNCTION(this << group);
  if (!m_service) {
    // Not provisioned yet (the KMS unreachable): the rekey waits, one per group.
    NS_LOG_INFO(m_gmsUri << ": rekey of " << group << " waits for provisioning");
    if (std::find(m_pendingRekeys.begin(), m_pendingRekeys.end(), group) == m_pendingRekeys.end())
      m_pendingRekeys.push_back(group);
    return;
  }
  NS_LOG_INFO(m_gmsUri << ": rekey of " << group);
  m_host->Dispatch([&] { m_service->Rekey(group); });
}

void GmsApp::RemoveMember(const std::string& group, const std::string& member) {
  NS_LOG_FUNCTION(this << group << member);
  if (!m_service) return Fail("rekey_before_provisioning");
  NS_LOG_INFO(m_gmsUri << ": " << member << " leaves " << group);
  m_host->Dispatch([&] { m_service->RemoveMember(group, member); });
}

void GmsApp::Revoke(const std::string& group) {
  NS_LOG_FUNCTION(this << group);
  if (!m_service) return Fail("rekey_before_provisioning");
  NS_LOG_INFO(m_gmsUri << ": revokes the GMK of " << group);
  m_host->Dispatch([&] { m_service->Revoke(group); });
}

void GmsApp::StartApplication() {
  NS_LOG_FUNCTION(this);
  StartHost(true);
  m_host->on_http = [this](const procedures::HttpRequest& r) {
    if (!m_service) {
      procedures::HttpResponse busy;
      busy.status = 503;
      busy.reason = "Service Unavailable";
      NS_LOG_INFO(m_gmsUri << ": not provisioned yet: 503 to " << r.method << " " << r.target);
      return busy;
    }
    procedures::HttpResponse response = m_service->OnHttpRequest(r);
    NS_LOG_INFO(m_gmsUri << ": serves " << r.method << " " << r.target << ": " << response.status);
    return response;
  };
  m_sip->SetRequestHandler([this](const procedures::Endpoint& from, const procedures::SipMessage& m) {
    NS_LOG_INFO(m_gmsUri << ": " << m.Method() << " from " << m.FromUri() << (m_service ? "" : " (503: not provisioned yet)"));
    if (m_service)
      m_service->OnSipRequest(from, m);
    else
      m_sip->SendResponse(from, procedures::SipMessage::Response(503, "Service Unavailable", m));
  });
  m_host->Start();
  auto client = std::make_shared<procedures::KmsClient>(*m_host, KmsEndpoint(), m_kmsUri, m_gmsUri, Retry());
  client->on_retry = [this](const std::string& what) { Retried(what); };
  m_host->Dispatch([&] {
    client->Provision([this, client](crypto::Result<procedures::Provisioned> p) {
      if (!p) {
        NS_LOG_WARN(m_gmsUri << ": provisioning failed: " << crypto::ErrorName(p.error()));
        return Fail(std::string("provisioning_") + crypto::ErrorName(p.error()));
      }
      NS_LOG_INFO(m_gmsUri << ": provisioned by " << m_kmsUri);
      procedures::GmsConfig cfg;
      cfg.gms_uri = m_gmsUri;
      cfg.transport = m_transport;
      cfg.activation_delay_s = m_activationDelay.GetSeconds();
      cfg.key_lifetime_s = m_keyLifetime.GetSeconds();
      cfg.mixing_servers = m_mixing;
      cfg.full_documents = m_fullDocuments;
      cfg.retry = Retry();
      m_service = std::make_unique<procedures::GmsService>(*m_host, *m_sip, cfg, std::move(p).value());
      m_service->on_outcome = [this](const procedures::RekeyOutcome& o) {
        NS_LOG_INFO(m_gmsUri << ": " << o.member << " answered GMK " << std::hex << o.gmk_id << std::dec << ": "
                             << o.result);
        m_outcomeTrace(o.group, o.member, o.gmk_id, o.rekey, o.answered - o.started, o.result);
      };
      m_service->on_rekey_started = [this](const std::string& g, const security::IssuedGmk& k, uint32_t n) {
        NS_LOG_INFO(m_gmsUri << ": rekey " << n << " of " << g << ": distributes GMK " << std::hex << k.id << std::dec
                             << " (active "
                             << (k.activation_time ? "from Unix " + std::to_string(k.activation_time) : std::string("at once"))
                             << ", expires "
                             << (k.expiry_time ? "at Unix " + std::to_string(k.expiry_time) : std::string("never"))
                             << ") by "
                             << (m_transport == procedures::GmkTransport::kSip ? "SIP NOTIFY" : "HTTP pull"));
        m_rekeyStartedTrace(g, k.id, n, k.activation_time, k.expiry_time);
      };
      m_service->on_retry = [this](const std::string& what) { Retried(what); };
      m_service->on_key_message = [this](const std::string& g, const std::string& member, const crypto::Bytes& m) {
        m_gmkMessageTrace(g, member, m);
      };
      m_service->on_signalling_bytes = [this](const std::string& procedure, size_t bytes) {
        NS_LOG_LOGIC(m_gmsUri << ": " << procedure << ": " << bytes << " bytes");
        m_signallingBytesTrace(procedure, static_cast<uint32_t>(bytes));
      };
      for (const auto& [g, m] : m_groups) m_service->AddGroup(g, m);
      NS_LOG_INFO(m_gmsUri << ": serves " << m_groups.size() << " groups"
                           << (m_rekeyPeriod > Seconds(0) ? ", rekeys every " + std::to_string(m_rekeyPeriod.GetSeconds()) + " s"
                                                          : std::string()));
      if (m_rekeyPeriod > Seconds(0)) m_periodicEvent = Simulator::Schedule(m_rekeyPeriod, &GmsApp::PeriodicRekey, this);
      const std::vector<std::string> pending = std::move(m_pendingRekeys);
      m_pendingRekeys.clear();
      for (const auto& g : pending) m_service->Rekey(g);  // asked for before provisioning
    });
  });
}

}  // namespace mcx::models
