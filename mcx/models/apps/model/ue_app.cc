#include "mcx/models/apps/model/ue_app.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/ipv4-address.h>
#include <ns3/log.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include <sstream>

#include "mcx/models/apps/model/device_key_store.h"

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("UeApp");
NS_OBJECT_ENSURE_REGISTERED(UeApp);

namespace {
std::string Ip(Ipv4Address a) {
  std::ostringstream s;
  a.Print(s);
  return s.str();
}
}  // namespace

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
  StartHost(false);
  procedures::UeConfig cfg;
  cfg.user_uri = m_userUri;
  cfg.kms_uri = m_kmsUri;
  cfg.kms = procedures::Endpoint{Ip(m_kmsAddress), m_httpPort};
  cfg.sip_proxy = procedures::Endpoint{Ip(m_proxyAddress), m_sipPort};
  cfg.mdsi_uri = m_mdsiUri;
  cfg.gms_uri = m_gmsUri;
  cfg.gms_http = procedures::Endpoint{Ip(m_gmsAddress), m_httpPort};
  cfg.groups = groups_;
  cfg.transport = m_transport == "http" ? procedures::GmkTransport::kHttp : procedures::GmkTransport::kSip;
  cfg.csk_upload = m_cskUpload;
  client_ = std::make_unique<procedures::UeClient>(*host_, *sip_, cfg, DeviceKeyStore::Of(GetNode())->keys());
  client_->on_provisioned = [this](double s) { m_provisionedTrace(s); };
  client_->on_registered = [this] { m_registeredTrace(); };
  client_->on_key_stored = [this](const std::string& g, uint32_t id) { m_keyStoredTrace(g, id); };
  client_->on_key_active = [this](const std::string& g, uint32_t id) { m_keyActiveTrace(g, id); };
  client_->on_error = [this](const std::string& e) { m_errorTrace(e); };
  sip_->SetRequestHandler([this](const procedures::Endpoint& from, const procedures::SipMessage& m) { client_->OnSipRequest(from, m); });
  host_->Start();
  host_->Dispatch([&] { client_->Start(); });
}

void UeApp::CoverageRestored() {
  if (client_) host_->Dispatch([&] { client_->Reconnect(); });
}

}  // namespace mcx::models
