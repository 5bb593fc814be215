#include "mcx/models/apps/model/gms_app.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/ipv4-address.h>
#include <ns3/log.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include <sstream>

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("GmsApp");
NS_OBJECT_ENSURE_REGISTERED(GmsApp);

namespace {
std::string Ip(Ipv4Address a) {
  std::ostringstream s;
  a.Print(s);
  return s.str();
}
}  // namespace

TypeId GmsApp::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::GmsApp")
          .SetParent<McxKmsClientApp>()
          .AddConstructor<GmsApp>()
          .AddAttribute("GmsUri", "The GMS identity (authorised to create groups).",
                        StringValue("sip:gms@mcx.example.org"), MakeStringAccessor(&GmsApp::m_gmsUri), MakeStringChecker())
          .AddAttribute("Transport", "GMK distribution: sip (NOTIFY push) or http (GET pull).", StringValue("sip"),
                        MakeStringAccessor(&GmsApp::m_transport), MakeStringChecker())
          .AddAttribute("ActivationDelay", "Seconds from a rekey until the new GMK becomes active.", DoubleValue(0),
                        MakeDoubleAccessor(&GmsApp::m_activationDelay), MakeDoubleChecker<double>(0))
          .AddAttribute("KeyLifetime", "Seconds from a GMK's activation to its expiry (0 = never).", DoubleValue(0),
                        MakeDoubleAccessor(&GmsApp::m_keyLifetime), MakeDoubleChecker<double>(0))
          .AddAttribute("FullDocuments", "Send full group documents (member list) rather than partial ones.",
                        BooleanValue(false), MakeBooleanAccessor(&GmsApp::m_fullDocuments), MakeBooleanChecker())
          .AddAttribute("RekeyPeriod", "Rekey every group this often (seconds; 0 = only on demand).", DoubleValue(0),
                        MakeDoubleAccessor(&GmsApp::m_rekeyPeriod), MakeDoubleChecker<double>(0))
          .AddTraceSource("RekeyStarted", "A new GMK is being distributed (group, GMK-ID, rekey number, activation and expiry in Unix "
                          "seconds; 0 = at once, never).",
                          MakeTraceSourceAccessor(&GmsApp::m_rekeyStartedTrace), "mcx::GmsApp::RekeyStartedCallback")
          .AddTraceSource("RekeyOutcome",
                          "A member answered (group, member, GMK-ID, rekey, latency s, result).",
                          MakeTraceSourceAccessor(&GmsApp::m_outcomeTrace), "mcx::GmsApp::OutcomeCallback");
  return tid;
}

void GmsApp::AddGroup(const std::string& group, const std::vector<std::string>& members) {
  if (service_)
    service_->AddGroup(group, members);
  else
    groups_.emplace_back(group, members);
}

void GmsApp::AddMixingServer(const std::string& uri, Ipv4Address address) {
  mixing_.emplace_back(uri, procedures::Endpoint{Ip(address), m_sipPort});
}

void GmsApp::PeriodicRekey() {
  if (service_)
    for (const auto& g : service_->Groups()) Rekey(g);
  Simulator::Schedule(Seconds(m_rekeyPeriod), &GmsApp::PeriodicRekey, this);
}

void GmsApp::Rekey(const std::string& group) {
  if (service_) host_->Dispatch([&] { service_->Rekey(group); });
}
void GmsApp::RemoveMember(const std::string& group, const std::string& member) {
  if (service_) host_->Dispatch([&] { service_->RemoveMember(group, member); });
}
void GmsApp::Revoke(const std::string& group) {
  if (service_) host_->Dispatch([&] { service_->Revoke(group); });
}

void GmsApp::StartApplication() {
  StartHost(true);
  host_->on_http = [this](const procedures::HttpRequest& r) {
    if (!service_) {
      procedures::HttpResponse busy;
      busy.status = 503;
      busy.reason = "Service Unavailable";
      return busy;
    }
    return service_->OnHttpRequest(r);
  };
  sip_->SetRequestHandler([this](const procedures::Endpoint& from, const procedures::SipMessage& m) {
    if (service_) service_->OnSipRequest(from, m);
    else sip_->SendResponse(from, procedures::SipMessage::Response(503, "Service Unavailable", m));
  });
  host_->Start();
  auto client = std::make_shared<procedures::KmsClient>(*host_, procedures::Endpoint{Ip(m_kmsAddress), m_httpPort}, m_kmsUri, m_gmsUri);
  host_->Dispatch([&] {
    client->Provision([this, client](crypto::Result<procedures::Provisioned> p) {
      NS_ABORT_MSG_IF(!p, "GMS provisioning failed: " << crypto::ErrorName(p.error()));
      procedures::GmsConfig cfg;
      cfg.gms_uri = m_gmsUri;
      cfg.transport = m_transport == "http" ? procedures::GmkTransport::kHttp : procedures::GmkTransport::kSip;
      cfg.activation_delay_s = m_activationDelay;
      cfg.key_lifetime_s = m_keyLifetime;
      cfg.mixing_servers = mixing_;
      cfg.full_documents = m_fullDocuments;
      service_ = std::make_unique<procedures::GmsService>(*host_, *sip_, cfg, std::move(p).value());
      service_->on_outcome = [this](const procedures::RekeyOutcome& o) {
        m_outcomeTrace(o.group, o.member, o.gmk_id, o.rekey, o.answered - o.started, o.result);
      };
      service_->on_rekey_started = [this](const std::string& g, const security::IssuedGmk& k, uint32_t n) {
        m_rekeyStartedTrace(g, k.id, n, k.activation_time, k.expiry_time);
      };
      for (const auto& [g, m] : groups_) service_->AddGroup(g, m);
      if (m_rekeyPeriod > 0) Simulator::Schedule(Seconds(m_rekeyPeriod), &GmsApp::PeriodicRekey, this);
    });
  });
}

}  // namespace mcx::models
