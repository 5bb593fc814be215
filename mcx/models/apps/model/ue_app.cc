#include "mcx/models/apps/model/ue_app.h"

#include <ns3/boolean.h>
#include <ns3/enum.h>
#include <ns3/log.h>
#include <ns3/string.h>

#include "mcx/models/apps/model/device_key_store.h"
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
                          MakeTraceSourceAccessor(&UeApp::m_keyActiveTrace), "mcx::UeApp::KeyCallback");
  return tid;
}

UeApp::UeApp() = default;
UeApp::~UeApp() = default;

void UeApp::DoDispose() {
  NS_LOG_FUNCTION(this);
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
  m_sip->SetRequestHandler([this](const procedures::Endpoint& from, const procedures::SipMessage& m) {
    NS_LOG_INFO(m_userUri << ": " << m.Method() << " from " << m.FromUri());
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

}  // namespace mcx::models
