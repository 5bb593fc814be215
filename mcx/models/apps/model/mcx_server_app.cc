#include "mcx/models/apps/model/mcx_server_app.h"

#include <ns3/log.h>
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
                        MakeIpv4AddressAccessor(&McxServerApp::m_gmsAddress), MakeIpv4AddressChecker());
  return tid;
}

McxServerApp::McxServerApp() = default;
McxServerApp::~McxServerApp() = default;

void McxServerApp::DoDispose() {
  NS_LOG_FUNCTION(this);
  m_server.reset();
  McxKmsClientApp::DoDispose();
}

void McxServerApp::StartApplication() {
  NS_LOG_FUNCTION(this);
  StartHost(false);
  m_sip->SetRequestHandler([this](const procedures::Endpoint& from, const procedures::SipMessage& m) {
    NS_LOG_INFO(m_mdsiUri << ": " << m.Method() << " from " << m.FromUri()
                          << (m.Method() == "REGISTER" ? " (registration with its CSK upload)" : ""));
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
    });
  });
}

}  // namespace mcx::models
