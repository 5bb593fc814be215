// A fresh KMS domain (security::Domain) whose users are provisioned once each, for round-trip and
// negative tests: the identity of a URI for the period containing the fixture's date.
#pragma once

#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "mcx/security/domain.h"
#include "mcx/security/naming_plan.h"

namespace mcx::test {

class TestDomain {
 public:
  explicit TestDomain(std::string kms_uri = security::naming::KmsUri(), uint64_t seed = 1)
      : rng_(seed, kms_uri), domain_(Must(security::Domain::Create(kms_uri, rng_))) {}

  /// Provisions (once) and returns the identity of `uri` for the period containing ntp_now.
  const security::mikey_sakke::LocalIdentity& Identity(const std::string& uri) {
    auto it = ids_.find(uri);
    if (it == ids_.end()) it = ids_.emplace(uri, Must(domain_.Provision(uri, ntp_now_, rng_))).first;
    return *it->second;
  }

  security::kms::Kms& kms() { return domain_.kms(); }
  const security::mikey_sakke::KmsPublicInfo& info() const { return domain_.info(); }
  crypto::Rng& rng() { return rng_; }
  uint64_t ntp_now() const { return ntp_now_; }

  template <class T>
  static T Must(crypto::Result<T> r) {
    if (!r) throw std::runtime_error(crypto::ErrorName(r.error()));
    return std::move(r).value();
  }

 private:
  crypto::HmacDrbg rng_;
  security::Domain domain_;
  uint64_t ntp_now_ = security::UnixToNtpSeconds(security::naming::kEpochUnix);
  std::map<std::string, std::shared_ptr<const security::mikey_sakke::LocalIdentity>> ids_;
};

}  // namespace mcx::test
