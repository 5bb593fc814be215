#include "mcx-apps.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/ipv4-address.h>
#include <ns3/log.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include <sstream>

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("McxApps");
NS_OBJECT_ENSURE_REGISTERED(McxApp);
NS_OBJECT_ENSURE_REGISTERED(KmsApp);
NS_OBJECT_ENSURE_REGISTERED(McxKmsClientApp);
NS_OBJECT_ENSURE_REGISTERED(GmsApp);
NS_OBJECT_ENSURE_REGISTERED(McxServerApp);
NS_OBJECT_ENSURE_REGISTERED(UeApp);

namespace {
std::string Ip(Ipv4Address a) {
  std::ostringstream s;
  a.Print(s);
  return s.str();
}
}  // namespace

TypeId McxApp::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::McxApp")
          .SetParent<Application>()
          .SetGroupName("Mcx")
          .AddAttribute("SipPort", "SIP port (UDP and TCP).", UintegerValue(5060),
                        MakeUintegerAccessor(&McxApp::m_sipPort), MakeUintegerChecker<uint16_t>())
          .AddAttribute("HttpPort", "HTTPS port of the KMS and GMS interfaces.", UintegerValue(443),
                        MakeUintegerAccessor(&McxApp::m_httpPort), MakeUintegerChecker<uint16_t>())
          .AddAttribute("SipTcp", "Send SIP over TCP instead of UDP.", BooleanValue(false),
                        MakeBooleanAccessor(&McxApp::m_sipTcp), MakeBooleanChecker())
          .AddAttribute("SipT1", "RFC 3261 T1 in seconds (Timer E starts at T1, F = 64 T1).", DoubleValue(0.5),
                        MakeDoubleAccessor(&McxApp::m_sipT1), MakeDoubleChecker<double>(0.001))
          .AddAttribute("Cores", "Worker cores that run the node's crypto.", UintegerValue(1),
                        MakeUintegerAccessor(&McxApp::m_cores), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("DeviceFactor", "Crypto cost relative to the reference host (1 = the host).",
                        DoubleValue(1.0), MakeDoubleAccessor(&McxApp::m_deviceFactor),
                        MakeDoubleChecker<double>(0.0))
          .AddAttribute("Tls", "Model TLS on the HTTPS interfaces (handshake and records).", BooleanValue(true),
                        MakeBooleanAccessor(&McxApp::m_tls), MakeBooleanChecker())
          .AddAttribute("Seed", "Seed of this node's crypto DRBG.", UintegerValue(1),
                        MakeUintegerAccessor(&McxApp::m_seed), MakeUintegerChecker<uint64_t>())
          .AddAttribute("StartUnixTime", "Calendar date of simulation time 0 (Unix seconds).",
                        UintegerValue(1790000000), MakeUintegerAccessor(&McxApp::m_startUnix),
                        MakeUintegerChecker<uint64_t>());
  return tid;
}

std::string McxApp::Name() const { return "node" + std::to_string(GetNode()->GetId()); }

void McxApp::StartEnv(bool http) {
  Ns3Env::Config c;
  c.sip_port = m_sipPort;
  c.http_port = m_httpPort;
  c.sip_tcp = m_sipTcp;
  c.cores = m_cores;
  c.cost.device_factor = m_deviceFactor;
  c.tls.enabled = m_tls;
  c.seed = m_seed;
  c.start_unix = m_startUnix;
  env_ = std::make_unique<Ns3Env>(GetNode(), c, Name());
  SipTimers t;
  t.t1 = m_sipT1;
  sip_ = std::make_unique<SipStack>(*env_, t, m_sipTcp);
  env_->on_sip = [this](const Endpoint& from, ByteView data) { sip_->OnBytes(from, data); };
  if (!http) env_->on_http = nullptr;
}

void McxApp::StopApplication() {
  if (env_) env_->Stop();
}

void McxApp::DoDispose() {
  sip_.reset();
  env_.reset();
  Application::DoDispose();
}

TypeId KmsApp::GetTypeId() {
  static TypeId tid = TypeId("mcx::KmsApp")
                          .SetParent<McxApp>()
                          .AddConstructor<KmsApp>()
                          .AddAttribute("KmsUri", "The KMS URI (its security domain).",
                                        StringValue("kms.mcx.example.org"), MakeStringAccessor(&KmsApp::m_kmsUri),
                                        MakeStringChecker())
                          .AddAttribute("KeyPeriod", "User key period in seconds (offset 0).", UintegerValue(2592000),
                                        MakeUintegerAccessor(&KmsApp::m_keyPeriod), MakeUintegerChecker<uint64_t>(1));
  return tid;
}

void KmsApp::StartApplication() {
  StartEnv(true);
  auto kms = crypto::kms::Kms::Create(m_kmsUri, crypto::KeyPeriod{m_keyPeriod, 0}, env_->Rng());
  NS_ABORT_MSG_IF(!kms, "KMS creation failed");
  service_ = std::make_unique<KmsService>(*env_, std::move(kms).value());
  env_->on_http = [this](const HttpRequest& r) { return service_->Handle(r); };
  env_->Start();
}

TypeId McxKmsClientApp::GetTypeId() {
  static TypeId tid = TypeId("mcx::McxKmsClientApp")
                          .SetParent<McxApp>()
                          .AddAttribute("KmsUri", "The KMS URI.", StringValue("kms.mcx.example.org"),
                                        MakeStringAccessor(&McxKmsClientApp::m_kmsUri), MakeStringChecker())
                          .AddAttribute("KmsAddress", "The KMS's IPv4 address.", Ipv4AddressValue(),
                                        MakeIpv4AddressAccessor(&McxKmsClientApp::m_kmsAddress), MakeIpv4AddressChecker());
  return tid;
}

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
          .AddTraceSource("RekeyStarted", "A new GMK is being distributed (group, GMK-ID, rekey number).",
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
  mixing_.emplace_back(uri, Endpoint{Ip(address), m_sipPort});
}

void GmsApp::PeriodicRekey() {
  if (service_)
    for (const auto& g : service_->Groups()) Rekey(g);
  Simulator::Schedule(Seconds(m_rekeyPeriod), &GmsApp::PeriodicRekey, this);
}

void GmsApp::Rekey(const std::string& group) {
  if (service_) env_->Dispatch([&] { service_->Rekey(group); });
}
void GmsApp::RemoveMember(const std::string& group, const std::string& member) {
  if (service_) env_->Dispatch([&] { service_->RemoveMember(group, member); });
}
void GmsApp::Revoke(const std::string& group) {
  if (service_) env_->Dispatch([&] { service_->Revoke(group); });
}

void GmsApp::StartApplication() {
  StartEnv(true);
  env_->on_http = [this](const HttpRequest& r) {
    if (!service_) {
      HttpResponse busy;
      busy.status = 503;
      busy.reason = "Service Unavailable";
      return busy;
    }
    return service_->OnHttpRequest(r);
  };
  sip_->SetRequestHandler([this](const Endpoint& from, const SipMessage& m) {
    if (service_) service_->OnSipRequest(from, m);
    else sip_->SendResponse(from, SipMessage::Response(503, "Service Unavailable", m));
  });
  env_->Start();
  auto client = std::make_shared<KmsClient>(*env_, Endpoint{Ip(m_kmsAddress), m_httpPort}, m_kmsUri, m_gmsUri);
  env_->Dispatch([&] {
    client->Provision([this, client](crypto::Result<Provisioned> p) {
      NS_ABORT_MSG_IF(!p, "GMS provisioning failed: " << crypto::ErrorName(p.error()));
      GmsConfig cfg;
      cfg.gms_uri = m_gmsUri;
      cfg.transport = m_transport == "http" ? GmkTransport::kHttp : GmkTransport::kSip;
      cfg.activation_delay_s = m_activationDelay;
      cfg.key_lifetime_s = m_keyLifetime;
      cfg.mixing_servers = mixing_;
      cfg.full_documents = m_fullDocuments;
      service_ = std::make_unique<GmsService>(*env_, *sip_, cfg, std::move(p).value());
      service_->on_outcome = [this](const RekeyOutcome& o) {
        m_outcomeTrace(o.group, o.member, o.gmk_id, o.rekey, o.answered - o.started, o.result);
      };
      service_->on_rekey_started = [this](const std::string& g, uint32_t id, uint32_t n) { m_rekeyStartedTrace(g, id, n); };
      for (const auto& [g, m] : groups_) service_->AddGroup(g, m);
      if (m_rekeyPeriod > 0) Simulator::Schedule(Seconds(m_rekeyPeriod), &GmsApp::PeriodicRekey, this);
    });
  });
}

TypeId McxServerApp::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::McxServerApp")
          .SetParent<McxKmsClientApp>()
          .AddConstructor<McxServerApp>()
          .AddAttribute("MdsiUri", "The MCX server domain security identity (MDSI).",
                        StringValue("sip:mcx-server@mcx.example.org"), MakeStringAccessor(&McxServerApp::m_mdsiUri),
                        MakeStringChecker())
          .AddAttribute("GmsUri", "The GMS identity.", StringValue("sip:gms@mcx.example.org"),
                        MakeStringAccessor(&McxServerApp::m_gmsUri), MakeStringChecker())
          .AddAttribute("GmsAddress", "Where SUBSCRIBEs to the GMS are proxied.", Ipv4AddressValue(),
                        MakeIpv4AddressAccessor(&McxServerApp::m_gmsAddress), MakeIpv4AddressChecker())
          .AddTraceSource("Error", "A rejected CSK upload or GMK.", MakeTraceSourceAccessor(&McxServerApp::m_errorTrace),
                          "mcx::McxServerApp::ErrorCallback");
  return tid;
}

void McxServerApp::StartApplication() {
  StartEnv(false);
  sip_->SetRequestHandler([this](const Endpoint& from, const SipMessage& m) {
    if (server_) server_->OnSipRequest(from, m);
    else sip_->SendResponse(from, SipMessage::Response(503, "Service Unavailable", m));
  });
  sip_->SetStrayResponseHandler([this](const SipMessage& r) {
    if (server_) server_->OnRelayedResponse(r);
  });
  env_->Start();
  auto client = std::make_shared<KmsClient>(*env_, Endpoint{Ip(m_kmsAddress), m_httpPort}, m_kmsUri, m_mdsiUri);
  env_->Dispatch([&] {
    client->Provision([this, client](crypto::Result<Provisioned> p) {
      NS_ABORT_MSG_IF(!p, "MCX server provisioning failed: " << crypto::ErrorName(p.error()));
      McxServerConfig cfg;
      cfg.mdsi_uri = m_mdsiUri;
      cfg.gms_uri = m_gmsUri;
      cfg.gms_sip = Endpoint{Ip(m_gmsAddress), m_sipPort};
      server_ = std::make_unique<McxServer>(*env_, *sip_, cfg, std::move(p).value());
      server_->on_error = [this](const std::string& e) { m_errorTrace(e); };
    });
  });
}

TypeId UeApp::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::UeApp")
          .SetParent<McxKmsClientApp>()
          .AddConstructor<UeApp>()
          .AddAttribute("UserUri", "The MC service user ID.", StringValue(""), MakeStringAccessor(&UeApp::m_userUri),
                        MakeStringChecker())
          .AddAttribute("MdsiUri", "The MCX server's MDSI (CSK upload receiver).",
                        StringValue("sip:mcx-server@mcx.example.org"), MakeStringAccessor(&UeApp::m_mdsiUri),
                        MakeStringChecker())
          .AddAttribute("GmsUri", "The identity authorised to send GMKs.", StringValue("sip:gms@mcx.example.org"),
                        MakeStringAccessor(&UeApp::m_gmsUri), MakeStringChecker())
          .AddAttribute("ProxyAddress", "The MCX server (registrar, outbound proxy).", Ipv4AddressValue(),
                        MakeIpv4AddressAccessor(&UeApp::m_proxyAddress), MakeIpv4AddressChecker())
          .AddAttribute("GmsAddress", "The GMS's XCAP server (pull).", Ipv4AddressValue(),
                        MakeIpv4AddressAccessor(&UeApp::m_gmsAddress), MakeIpv4AddressChecker())
          .AddAttribute("Transport", "Expected GMK distribution: sip or http.", StringValue("sip"),
                        MakeStringAccessor(&UeApp::m_transport), MakeStringChecker())
          .AddAttribute("CskUpload", "Upload a CSK in the REGISTER (TS 33.180 5.4).", BooleanValue(true),
                        MakeBooleanAccessor(&UeApp::m_cskUpload), MakeBooleanChecker())
          .AddTraceSource("Provisioned", "Key material received and checked (seconds from start).",
                          MakeTraceSourceAccessor(&UeApp::m_provisionedTrace), "ns3::TracedValueCallback::Double")
          .AddTraceSource("Registered", "REGISTER accepted.", MakeTraceSourceAccessor(&UeApp::m_registeredTrace),
                          "mcx::UeApp::RegisteredCallback")
          .AddTraceSource("KeyStored", "A GMK passed every check and was stored (group, GMK-ID).",
                          MakeTraceSourceAccessor(&UeApp::m_keyStoredTrace), "mcx::UeApp::KeyCallback")
          .AddTraceSource("KeyActive", "A stored GMK reached its activation time (group, GMK-ID).",
                          MakeTraceSourceAccessor(&UeApp::m_keyActiveTrace), "mcx::UeApp::KeyCallback")
          .AddTraceSource("Error", "A failed procedure or check (its name).", MakeTraceSourceAccessor(&UeApp::m_errorTrace),
                          "mcx::UeApp::ErrorCallback");
  return tid;
}

void UeApp::StartApplication() {
  StartEnv(false);
  UeConfig cfg;
  cfg.user_uri = m_userUri;
  cfg.kms_uri = m_kmsUri;
  cfg.kms = Endpoint{Ip(m_kmsAddress), m_httpPort};
  cfg.sip_proxy = Endpoint{Ip(m_proxyAddress), m_sipPort};
  cfg.mdsi_uri = m_mdsiUri;
  cfg.gms_uri = m_gmsUri;
  cfg.gms_http = Endpoint{Ip(m_gmsAddress), m_httpPort};
  cfg.groups = groups_;
  cfg.transport = m_transport == "http" ? GmkTransport::kHttp : GmkTransport::kSip;
  cfg.csk_upload = m_cskUpload;
  client_ = std::make_unique<UeClient>(*env_, *sip_, cfg);
  client_->on_provisioned = [this](double s) { m_provisionedTrace(s); };
  client_->on_registered = [this] { m_registeredTrace(); };
  client_->on_key_stored = [this](const std::string& g, uint32_t id) { m_keyStoredTrace(g, id); };
  client_->on_key_active = [this](const std::string& g, uint32_t id) { m_keyActiveTrace(g, id); };
  client_->on_error = [this](const std::string& e) { m_errorTrace(e); };
  sip_->SetRequestHandler([this](const Endpoint& from, const SipMessage& m) { client_->OnSipRequest(from, m); });
  env_->Start();
  env_->Dispatch([&] { client_->Start(); });
}

void UeApp::CoverageRestored() {
  if (client_) env_->Dispatch([&] { client_->Reconnect(); });
}

}  // namespace mcx::models
