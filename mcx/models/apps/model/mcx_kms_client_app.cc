#include "mcx/models/apps/model/mcx_kms_client_app.h"

#include <ns3/log.h>
#include <ns3/string.h>

#include "mcx/security/naming_plan.h"

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("McxKmsClientApp");
NS_OBJECT_ENSURE_REGISTERED(McxKmsClientApp);

TypeId McxKmsClientApp::GetTypeId() {
  static TypeId tid = TypeId("mcx::McxKmsClientApp")
                          .SetParent<McxApp>()
                          .SetGroupName("Mcx")
                          .AddAttribute("KmsUri", "The KMS URI.", StringValue(security::naming::KmsUri()),
                                        MakeStringAccessor(&McxKmsClientApp::m_kmsUri), MakeStringChecker())
                          .AddAttribute("KmsAddress", "The KMS's IPv4 address.", Ipv4AddressValue(),
                                        MakeIpv4AddressAccessor(&McxKmsClientApp::m_kmsAddress),
                                        MakeIpv4AddressChecker());
  return tid;
}

procedures::Endpoint McxKmsClientApp::KmsEndpoint() const {
  NS_LOG_FUNCTION(this);
  return procedures::Endpoint{Ipv4String(m_kmsAddress), m_httpPort};
}

}  // namespace mcx::models
