// The MCX server as an ns-3 application (TS 33.180 5.4, 5.7): registrar accepting each UE's CSK
// upload, affiliation, proxy towards the GMS, and (mixing option) receiver of GMKs
// (procedures::McxServer). Its keys are in the node's DeviceKeyStore.
#pragma once

#include <ns3/ipv4-address.h>

#include <memory>
#include <string>

#include "mcx/models/apps/model/mcx_kms_client_app.h"
#include "mcx/procedures/onnet/mcx_server.h"

namespace mcx::models {

class McxServerApp : public McxKmsClientApp {
 public:
  static ns3::TypeId GetTypeId();
  McxServerApp();
  ~McxServerApp() override;

 private:
  void StartApplication() override;
  void DoDispose() override;
  std::string m_mdsiUri;
  std::string m_gmsUri;
  ns3::Ipv4Address m_gmsAddress;
  std::unique_ptr<procedures::McxServer> m_server;
};

}  // namespace mcx::models
