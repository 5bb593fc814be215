#include "mcx/security/kms.h"

#include "mcx/crypto/op_count.h"

#include <ctime>
#include <cstdio>

namespace mcx::security::kms {

Result<mikey_sakke::KmsPublicInfo> Certificate::PublicInfo() const {
  if (user_id_format != "2") return Error::kUnsupportedValue;
  return mikey_sakke::KmsPublicInfo::Create(kms_uri, Period(), pub_enc_key, pub_auth_key);
}

mikey_sakke::IdentityKeys KeySet::ToIdentityKeys() const {
  return mikey_sakke::IdentityKeys{user_uri, kms_uri, key_period_no, user_id, rsk, ssk, pvt, revoked.value_or(false)};
}

Status ValidateKeySet(const Certificate& cert, const KeySet& ks) {
  if (ks.kms_uri != cert.kms_uri) return Error::kUnknownKms;
  if (ks.revoked.value_or(false)) return Error::kKeySetRevoked;  // D.3.3
  if (Uid(ks.user_uri, cert.kms_uri, cert.Period(), ks.key_period_no) != ks.user_id)
    return Error::kWrongReceiver;
  auto pub = sakke::PublicKey::Decode(cert.pub_enc_key);
  if (!pub) return pub.error();
  MCX_TRY(sakke::ValidateRsk(*pub, ks.user_id, ks.rsk));
  return eccsi::ValidateSsk(cert.pub_auth_key, ks.user_id, ks.ssk, ks.pvt);
}

std::string XsDateTime(uint64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

Result<uint64_t> ParseXsDateTime(std::string_view s) {
  std::tm tm{};
  int consumed = 0;
  std::string str(s);
  if (std::sscanf(str.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
    return Error::kXmlBadValue;
  std::string rest = str.substr(static_cast<size_t>(consumed));
  if (!rest.empty() && rest != "Z") {
    // Fractions of a second are allowed and ignored; other offsets are not supported.
    if (rest[0] != '.') return Error::kXmlBadValue;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const time_t t = timegm(&tm);
  if (t < 0) return Error::kXmlBadValue;
  return static_cast<uint64_t>(t);
}

Result<Kms> Kms::Create(std::string kms_uri, KeyPeriod period, Rng& rng) {
  auto z = sakke::MasterSecret::Generate(rng);
  if (!z) return z.error();
  auto k = eccsi::KmsSecret::Generate(rng);
  if (!k) return k.error();
  return FromSecrets(std::move(kms_uri), period, z->Encode(), k->Encode());
}

Result<Kms> Kms::FromSecrets(std::string kms_uri, KeyPeriod period, ByteView zb, ByteView ksakb) {
  if (period.period_seconds == 0) return Error::kKeyPeriodInvalid;
  auto z = sakke::MasterSecret::Decode(zb);
  if (!z) return z.error();
  auto k = eccsi::KmsSecret::Decode(ksakb);
  if (!k) return k.error();
  Certificate c;
  c.kms_uri = kms_uri;
  c.cert_uri = kms_uri;
  c.issuer = kms_uri;
  c.id = kms_uri;
  c.user_key_period = period.period_seconds;
  c.user_key_offset = period.offset_seconds;
  c.pub_enc_key = z->Public().Encoded();
  c.pub_auth_key = k->Kpak();
  c.parameter_set = "1";
  return Kms(std::move(c), std::move(z).value(), std::move(k).value());
}

Result<KeySet> Kms::ProvisionPeriod(std::string_view user_uri, uint64_t period_no, Rng& rng) const {
  crypto::CountOp(crypto::Op::kKmsIssueKeySet);  // priced as one: UID, SSK + PVT and RSK
  KeySet ks;
  ks.kms_uri = cert_.kms_uri;
  ks.cert_uri = cert_.cert_uri;
  ks.issuer = cert_.issuer;
  ks.user_uri = std::string(user_uri);
  ks.key_period_no = period_no;
  ks.user_id = Uid(user_uri, cert_.kms_uri, cert_.Period(), period_no);  // F.2.1
  const KeyPeriod p = cert_.Period();
  ks.valid_from = XsDateTime(NtpToUnixSeconds(p.Start(period_no)));
  ks.valid_to = XsDateTime(NtpToUnixSeconds(p.End(period_no)));
  auto rsk = z_.IssueRsk(ks.user_id);  // RFC 6508 6.1.1
  if (!rsk) return rsk.error();
  ks.rsk = std::move(rsk).value();
  // The user checks its RSK and builds its line table when the key set arrives
  // (LocalIdentity::Create): with workers running, that starts now (crypto/ahead.h).
  crypto::sakke::ReceiverKey::CreateAhead(z_.Public(), ks.user_id, ks.rsk);
  auto sk = ksak_.Issue(ks.user_id, rng);  // RFC 6507 5.1.1
  if (!sk) return sk.error();
  ks.ssk = std::move(sk->ssk);
  ks.pvt = std::move(sk->pvt);
  return ks;
}

Result<KeySet> Kms::Provision(std::string_view user_uri, uint64_t ntp_now, Rng& rng) const {
  auto no = cert_.Period().Number(ntp_now);
  if (!no) return no.error();
  return ProvisionPeriod(user_uri, *no, rng);
}

void Kms::AddExternalCertificate(Certificate c) {
  c.role = "External";
  external_.push_back(std::move(c));
}

Response Kms::Base(std::string_view user_uri, uint64_t ntp_now, const char* path) const {
  Response r;
  r.user_uri = std::string(user_uri);
  r.kms_uri = cert_.kms_uri;
  r.time = XsDateTime(NtpToUnixSeconds(ntp_now));
  r.client_req_url = "https://" + cert_.kms_uri + path;
  return r;
}

Response Kms::InitResponse(std::string_view user_uri, uint64_t ntp_now) const {
  Response r = Base(user_uri, ntp_now, kPathInit);
  r.kind = MessageKind::kInit;
  r.certificates.push_back(cert_);
  return r;
}

Result<Response> Kms::KeyProvResponse(std::string_view user_uri, uint64_t ntp_now, Rng& rng,
                                      unsigned extra_periods) const {
  Response r = Base(user_uri, ntp_now, kPathKeyProv);
  r.kind = MessageKind::kKeyProv;
  auto no = cert_.Period().Number(ntp_now);
  if (!no) return no.error();
  for (unsigned i = 0; i <= extra_periods; ++i) {
    auto ks = ProvisionPeriod(user_uri, *no + i, rng);
    if (!ks) return ks.error();
    r.key_sets.push_back(std::move(ks).value());
  }
  return r;
}

Response Kms::CertCacheResponse(std::string_view user_uri, uint64_t ntp_now) const {
  Response r = Base(user_uri, ntp_now, kPathCertCache);
  r.kind = MessageKind::kCertCache;
  r.cache_num = external_.size();
  r.certificates = external_;
  return r;
}

}  // namespace mcx::security::kms
