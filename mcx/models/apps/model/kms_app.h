// The KMS as an ns-3 application (TS 33.180 5.3): master secrets, certificate and key sets over
// HTTPS (procedures::KmsService).
#pragma once

#include <memory>
#include <string>

#include "mcx/models/apps/model/mcx_app.h"
#include "mcx/procedures/onnet/kms_service.h"

namespace mcx::models {

class KmsApp : public McxApp {
 public:
  static ns3::TypeId GetTypeId();
  const procedures::KmsService* service() const { return service_.get(); }

 private:
  void StartApplication() override;
  std::string m_kmsUri = "kms.mcx.example.org";
  uint64_t m_keyPeriod = 2592000;
  std::unique_ptr<procedures::KmsService> service_;
};

}  // namespace mcx::models
