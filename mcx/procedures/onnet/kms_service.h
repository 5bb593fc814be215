// The KMS's HTTPS interface (TS 33.180 5.3, D.2): it answers init, keyprov and certcache requests
// with Annex D XML, issuing real time-limited key sets.
#pragma once

#include <functional>
#include <memory>

#include "mcx/procedures/host.h"
#include "mcx/security/kms.h"
#include "mcx/security/mikey_sakke.h"

namespace mcx::procedures {

class KmsService {
 public:
  KmsService(Host& host, security::kms::Kms kms) : host_(host), kms_(std::move(kms)) {}
  /// Handles one HTTP request (POST .../init, .../keyprov, .../certcache).
  HttpResponse Handle(const HttpRequest& req);
  const security::kms::Kms& kms() const { return kms_; }
  uint64_t key_sets_issued() const { return issued_; }

 private:
  Host& host_;
  security::kms::Kms kms_;
  uint64_t issued_ = 0;
};

}  // namespace mcx::procedures
