// A KMS domain set up outside the simulated network, as a scenario's set-up, a test, the demo or
// the toolkit needs one: a KMS, users it provisions (each validating its key set, TS 33.180 5.3),
// and GMKs a GMS issues to members (5.7). The simulated GMS issues its GMKs with the same two
// functions, so a GMK is made one way everywhere.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "mcx/security/kms.h"
#include "mcx/security/mikey_sakke.h"
#include "mcx/security/naming_plan.h"
#include "mcx/security/types.h"

namespace mcx::security {

class Domain {
 public:
  /// A new KMS (master secrets from rng). Errors: those of kms::Kms::Create.
  static Result<Domain> Create(std::string kms_uri, Rng& rng, KeyPeriod period = naming::DefaultKeyPeriod());

  /// The KMS issues the user's key set for the period containing ntp_now, and the user validates
  /// it (UID, RSK and SSK checks). Errors: those of Kms::Provision and LocalIdentity::Create.
  Result<std::shared_ptr<const mikey_sakke::LocalIdentity>> Provision(const std::string& user_uri, uint64_t ntp_now,
                                                                      Rng& rng) const;
  const kms::Kms& kms() const { return kms_; }
  kms::Kms& kms() { return kms_; }
  /// The KMS's public information, as its users hold it.
  const mikey_sakke::KmsPublicInfo& info() const { return info_; }

 private:
  Domain(kms::Kms k, mikey_sakke::KmsPublicInfo i) : kms_(std::move(k)), info_(std::move(i)) {}
  kms::Kms kms_;
  mikey_sakke::KmsPublicInfo info_;
};

/// A GMK as a GMS issues it (TS 33.180 5.7): the key and its ID, the RAND every member's message
/// carries (so each member derives every sender's SRTP key, 7.4.2), the group, and the key
/// parameters' activation and expiry (Unix seconds; 0 = at once, never) and status.
struct IssuedGmk {
  uint32_t id = 0;
  SecretBytes key;
  Bytes rand;
  std::string group_uri;
  uint64_t activation_time = 0;
  uint64_t expiry_time = 0;
  bool revoked = false;
};

/// A fresh GMK (16 random bytes, then the RAND, then the GMK-ID, drawn in that order).
/// Errors: kRandomFailure.
Result<IssuedGmk> NewGmk(std::string group_uri, Rng& rng);

/// The GMK's I_MESSAGE for one member, signed by the GMS (5.7.2 step 1).
/// Errors: those of mikey_sakke::CreateIMessage.
Result<Bytes> GmkIMessage(const IssuedGmk& gmk, const mikey_sakke::LocalIdentity& gms,
                          const mikey_sakke::KmsPublicInfo& gms_kms, const std::string& member_uri,
                          const mikey_sakke::KmsPublicInfo& member_kms, uint64_t ntp_now, Rng& rng);

}  // namespace mcx::security
