#include "mcx/security/domain.h"

namespace mcx::security {

Result<Domain> Domain::Create(std::string kms_uri, Rng& rng, KeyPeriod period) {
  auto k = kms::Kms::Create(std::move(kms_uri), period, rng);
  if (!k) return k.error();
  auto info = k->certificate().PublicInfo();
  if (!info) return info.error();
  return Domain(std::move(k).value(), std::move(info).value());
}

Result<std::shared_ptr<const mikey_sakke::LocalIdentity>> Domain::Provision(const std::string& user_uri,
                                                                            uint64_t ntp_now, Rng& rng) const {
  auto ks = kms_.Provision(user_uri, ntp_now, rng);
  if (!ks) return ks.error();
  auto id = mikey_sakke::LocalIdentity::Create(ks->ToIdentityKeys(), info_);
  if (!id) return id.error();
  return std::make_shared<const mikey_sakke::LocalIdentity>(std::move(id).value());
}

Result<IssuedGmk> NewGmk(std::string group_uri, Rng& rng) {
  auto key = rng.Generate(16);
  auto rand = rng.Generate(16);
  auto id = NewKeyId(KeyPurpose::kGmk, rng);
  if (!key || !rand || !id) return Error::kRandomFailure;
  IssuedGmk g;
  g.id = *id;
  g.key = std::move(key).value();
  g.rand = rand->Expose();
  g.group_uri = std::move(group_uri);
  return g;
}

Result<Bytes> GmkIMessage(const IssuedGmk& gmk, const mikey_sakke::LocalIdentity& gms,
                          const mikey_sakke::KmsPublicInfo& gms_kms, const std::string& member_uri,
                          const mikey_sakke::KmsPublicInfo& member_kms, uint64_t ntp_now, Rng& rng) {
  mikey_sakke::SendOptions opt;
  opt.group_uri = gmk.group_uri;
  opt.rand = gmk.rand;  // one RAND for every member: each derives each sender's SRTP key (7.4.2)
  opt.revoked = gmk.revoked;
  opt.activation_time = gmk.activation_time;  // the same for every member, however late it asks
  opt.expiry_time = gmk.expiry_time;
  auto made = mikey_sakke::CreateIMessage(mikey_sakke::Distribution::kGmk, gms, gms_kms, member_uri, member_kms,
                                          gmk.id, gmk.key, opt, ntp_now, rng);
  if (!made) return made.error();
  return std::move(made->message);
}

}  // namespace mcx::security
