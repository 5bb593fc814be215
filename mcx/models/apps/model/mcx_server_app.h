// The MCX server as an ns-3 application: registrar with CSK upload, affiliation, proxy towards
// the GMS (procedures::McxServer).
#pragma once

#include <memory>
#include <string>

#include "mcx/models/apps/model/mcx_kms_client_app.h"
#include "mcx/procedures/onnet/mcx_server.h"

namespace mcx::models {

class McxServerApp : public McxKmsClientApp {
 public:
  static ns3::TypeId GetTypeId();
  const procedures::McxServer* server() const { return server_.get(); }
  ns3::TracedCallback<std::string> m_errorTrace;

 private:
  void StartApplication() override;
  std::string m_mdsiUri = "sip:mcx-server@mcx.example.org";
  std::string m_gmsUri = "sip:gms@mcx.example.org";
  ns3::Ipv4Address m_gmsAddress;
  std::unique_ptr<procedures::McxServer> server_;
};

}  // namespace mcx::models
