#include "mcx/models/apps/model/kms_app.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/ipv4-address.h>
#include <ns3/log.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include <sstream>

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("KmsApp");
NS_OBJECT_ENSURE_REGISTERED(KmsApp);

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
  StartHost(true);
  auto kms = security::kms::Kms::Create(m_kmsUri, security::KeyPeriod{m_keyPeriod, 0}, host_->Rng());
  NS_ABORT_MSG_IF(!kms, "KMS creation failed");
  service_ = std::make_unique<procedures::KmsService>(*host_, std::move(kms).value());
  host_->on_http = [this](const procedures::HttpRequest& r) { return service_->Handle(r); };
  host_->Start();
}

}  // namespace mcx::models
