// The KMS interface over HTTPS (TS 33.180 5.3, D.2): the KMS service answers init, keyprov and
// certcache; the client (in a UE, the GMS or an MCX server) fetches its certificate and key
// set, validates them (RSK and SSK checks) and builds its LocalIdentity.
#pragma once

#include <functional>
#include <memory>

#include "env.h"
#include "mcx/crypto/kms.h"
#include "mcx/crypto/mikey_sakke.h"

namespace mcx::models {

class KmsService {
 public:
  KmsService(Env& env, crypto::kms::Kms kms) : env_(env), kms_(std::move(kms)) {}
  /// Handles one HTTP request (POST .../init, .../keyprov, .../certcache).
  HttpResponse Handle(const HttpRequest& req);
  const crypto::kms::Kms& kms() const { return kms_; }
  uint64_t key_sets_issued() const { return issued_; }

 private:
  Env& env_;
  crypto::kms::Kms kms_;
  uint64_t issued_ = 0;
};

/// What a client ends up with: its KMS's public data and its own validated identity.
struct Provisioned {
  crypto::kms::Certificate certificate;
  std::shared_ptr<crypto::mikey_sakke::KmsPublicInfo> kms;
  std::shared_ptr<crypto::mikey_sakke::LocalIdentity> identity;
};

class KmsClient {
 public:
  using Done = std::function<void(crypto::Result<Provisioned>)>;
  KmsClient(Env& env, Endpoint kms_server, std::string kms_uri, std::string user_uri)
      : env_(env), server_(std::move(kms_server)), kms_uri_(std::move(kms_uri)), user_uri_(std::move(user_uri)) {}
  /// init, then keyprov, then the client checks (UID, RSK, SSK). Errors: kKmsError (HTTP or
  /// KmsError), the XML errors, and those of ValidateKeySet / LocalIdentity::Create.
  void Provision(Done done);

 private:
  HttpRequest Request(const char* path) const;
  Env& env_;
  Endpoint server_;
  std::string kms_uri_, user_uri_;
};

}  // namespace mcx::models
