#include "mcx/models/apps/model/mcx_kms_client_app.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/ipv4-address.h>
#include <ns3/log.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include <sstream>

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("McxKmsClientApp");
NS_OBJECT_ENSURE_REGISTERED(McxKmsClientApp);

TypeId McxKmsClientApp::GetTypeId() {
  static TypeId tid = TypeId("mcx::McxKmsClientApp")
                          .SetParent<McxApp>()
                          .AddAttribute("KmsUri", "The KMS URI.", StringValue("kms.mcx.example.org"),
                                        MakeStringAccessor(&McxKmsClientApp::m_kmsUri), MakeStringChecker())
                          .AddAttribute("KmsAddress", "The KMS's IPv4 address.", Ipv4AddressValue(),
                                        MakeIpv4AddressAccessor(&McxKmsClientApp::m_kmsAddress), MakeIpv4AddressChecker());
  return tid;
}

}  // namespace mcx::models
