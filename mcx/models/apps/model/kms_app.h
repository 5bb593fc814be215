// The KMS as an ns-3 application (TS 33.180 5.3, Annex D): master secrets, its certificate and
// users' time-limited key sets over HTTPS (procedures::KmsService).
#pragma once

#include <memory>
#include <string>

#include "mcx/models/apps/model/mcx_app.h"
#include "mcx/procedures/onnet/kms_service.h"

namespace mcx::models {

class KmsApp : public McxApp {
 public:
  static ns3::TypeId GetTypeId();
  KmsApp();
  ~KmsApp() override;

 private:
  void StartApplication() override;
  void DoDispose() override;
  std::string m_kmsUri;
  uint64_t m_keyPeriod = 0;
  std::unique_ptr<procedures::KmsService> m_service;
};

}  // namespace mcx::models
