// A fresh KMS domain with provisioned identities, for round-trip and negative tests.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "mcx/security/kms.h"
#include "mcx/security/mikey_sakke.h"

namespace mcx::test {

class TestDomain {
 public:
  explicit TestDomain(std::string kms_uri = "kms.example.org", uint64_t seed = 1)
      : rng_(seed, kms_uri),
        kms_(Must(security::kms::Kms::Create(kms_uri, security::KeyPeriod{2592000, 0}, rng_))),
        info_(Must(kms_.certificate().PublicInfo())) {}

  /// Provisions (once) and returns the identity of `uri` for the period containing ntp_now.
  const security::mikey_sakke::LocalIdentity& Identity(const std::string& uri) {
    auto it = ids_.find(uri);
    if (it == ids_.end()) {
      auto ks = Must(kms_.Provision(uri, ntp_now_, rng_));
      auto id = Must(security::mikey_sakke::LocalIdentity::Create(ks.ToIdentityKeys(), info_));
      it = ids_.emplace(uri, std::make_unique<security::mikey_sakke::LocalIdentity>(std::move(id))).first;
    }
    return *it->second;
  }

  security::kms::Kms& kms() { return kms_; }
  const security::mikey_sakke::KmsPublicInfo& info() const { return info_; }
  crypto::Rng& rng() { return rng_; }
  uint64_t ntp_now() const { return ntp_now_; }

  template <class T>
  static T Must(crypto::Result<T> r) {
    if (!r) throw std::runtime_error(crypto::ErrorName(r.error()));
    return std::move(r).value();
  }

 private:
  crypto::HmacDrbg rng_;
  security::kms::Kms kms_;
  security::mikey_sakke::KmsPublicInfo info_;
  uint64_t ntp_now_ = security::UnixToNtpSeconds(1790000000);  // 2026-09-21
  std::map<std::string, std::unique_ptr<security::mikey_sakke::LocalIdentity>> ids_;
};

}  // namespace mcx::test
