// A KMS client (in a UE, the GMS or an MCX server; TS 33.180 5.3, D.2): it fetches its KMS
// certificate and key set over HTTPS, validates them (UID, RSK and SSK checks) and builds its
// LocalIdentity.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "mcx/procedures/host.h"
#include "mcx/procedures/retry_policy.h"
#include "mcx/security/kms.h"
#include "mcx/security/mikey_sakke.h"

namespace mcx::procedures {

/// What a client ends up with: its KMS's public data and its own validated identity.
struct Provisioned {
  security::kms::Certificate certificate;
  std::shared_ptr<security::mikey_sakke::KmsPublicInfo> kms;
  std::shared_ptr<security::mikey_sakke::LocalIdentity> identity;

  /// What this identity checks a received I_MESSAGE against at unix_now (TS 33.180 5.2.2): its
  /// KMS, the expected distribution, who may send it, and a clock skew of at most 300 s.
  security::mikey_sakke::ReceiveContext ReceiveContextFor(uint64_t unix_now, security::mikey_sakke::Distribution d,
                                                         std::vector<std::string> authorised) const;
};

class KmsClient {
 public:
  using Done = std::function<void(crypto::Result<Provisioned>)>;
  KmsClient(Host& host, Endpoint kms_server, std::string kms_uri, std::string user_uri, RetryPolicy retry = {})
      : host_(host),
        server_(std::move(kms_server)),
        kms_uri_(std::move(kms_uri)),
        user_uri_(std::move(user_uri)),
        retry_(retry) {}
  /// init, then keyprov, then the client checks (UID, RSK, SSK). A request without an answer
  /// (the KMS unreachable, busy or failing) is retried by the policy, each retry reported to
  /// on_retry. Errors: kKmsError (HTTP or KmsError, retries exhausted), the XML errors, and those
  /// of ValidateKeySet / LocalIdentity::Create (not retried: the same keys would fail again).
  void Provision(Done done);
  std::function<void(const std::string& what)> on_retry;

 private:
  void Attempt(uint32_t attempt, Done done);
  /// After a failed attempt: schedules the next one, or gives up with kKmsError.
  void RetryOrFail(uint32_t attempt, Done done);
  HttpRequest Request(const char* path) const;
  Host& host_;
  Endpoint server_;
  std::string kms_uri_, user_uri_;
  RetryPolicy retry_;
};

}  // namespace mcx::procedures
