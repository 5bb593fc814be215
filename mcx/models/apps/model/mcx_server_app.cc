#include "mcx/models/apps/model/mcx_server_app.h"

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

NS_LOG_COMPONENT_DEFINE("McxServerApp");
NS_OBJECT_ENSURE_REGISTERED(McxServerApp);

namespace {
std::string Ip(Ipv4Address a) {
  std::ostringstream s;
  a.Print(s);
  return s.str();
}
}  // namespace

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
  StartHost(false);
  sip_->SetRequestHandler([this](const procedures::Endpoint& from, const procedures::SipMessage& m) {
    if (server_) server_->OnSipRequest(from, m);
    else sip_->SendResponse(from, procedures::SipMessage::Response(503, "Service Unavailable", m));
  });
  sip_->SetStrayResponseHandler([this](const procedures::SipMessage& r) {
    if (server_) server_->OnRelayedResponse(r);
  });
  host_->Start();
  auto client = std::make_shared<procedures::KmsClient>(*host_, procedures::Endpoint{Ip(m_kmsAddress), m_httpPort}, m_kmsUri, m_mdsiUri);
  host_->Dispatch([&] {
    client->Provision([this, client](crypto::Result<procedures::Provisioned> p) {
      NS_ABORT_MSG_IF(!p, "MCX server provisioning failed: " << crypto::ErrorName(p.error()));
      procedures::McxServerConfig cfg;
      cfg.mdsi_uri = m_mdsiUri;
      cfg.gms_uri = m_gmsUri;
      cfg.gms_sip = procedures::Endpoint{Ip(m_gmsAddress), m_sipPort};
      server_ = std::make_unique<procedures::McxServer>(*host_, *sip_, cfg, std::move(p).value(),
                                                        DeviceKeyStore::Of(GetNode())->keys());
      server_->on_error = [this](const std::string& e) { m_errorTrace(e); };
    });
  });
}

}  // namespace mcx::models
