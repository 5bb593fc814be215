#include "mcx/models/apps/model/kms_app.h"

#include <ns3/log.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include "mcx/security/naming_plan.h"

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("McxKmsApp");
NS_OBJECT_ENSURE_REGISTERED(KmsApp);

TypeId KmsApp::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::KmsApp")
          .SetParent<McxApp>()
          .SetGroupName("Mcx")
          .AddConstructor<KmsApp>()
          .AddAttribute("KmsUri", "The KMS URI (its security domain).", StringValue(security::naming::KmsUri()),
                        MakeStringAccessor(&KmsApp::m_kmsUri), MakeStringChecker())
          .AddAttribute("KeyPeriod", "User key period in seconds (offset 0).",
                        UintegerValue(security::naming::kKeyPeriodSeconds), MakeUintegerAccessor(&KmsApp::m_keyPeriod),
                        MakeUintegerChecker<uint64_t>(1));
  return tid;
}

KmsApp::KmsApp() = default;
KmsApp::~KmsApp() = default;

void KmsApp::DoDispose() {
  NS_LOG_FUNCTION(this);
  m_service.reset();
  McxApp::DoDispose();
}

void KmsApp::StartApplication() {
  NS_LOG_FUNCTION(this);
  StartHost(true);
  auto kms = security::kms::Kms::Create(m_kmsUri, security::KeyPeriod{m_keyPeriod, 0}, m_host->Rng());
  if (!kms) return Fail(std::string("kms_creation_") + crypto::ErrorName(kms.error()));
  m_service = std::make_unique<procedures::KmsService>(*m_host, std::move(kms).value());
  m_host->on_http = [this](const procedures::HttpRequest& r) {
    NS_LOG_LOGIC(m_kmsUri << ": " << r.method << " " << r.target);
    procedures::HttpResponse response = m_service->Handle(r);
    NS_LOG_INFO(m_kmsUri << ": serves " << r.method << " " << r.target << ": " << response.status << " "
                         << response.reason);
    return response;
  };
  m_host->Start();
  NS_LOG_INFO(m_kmsUri << ": KMS ready (key period " << m_keyPeriod << " s)");
}

}  // namespace mcx::models
