// mcxsim demo: a readable walk through the identity-based crypto core (TS 33.180 5.2/5.3):
// a KMS provisions two users for the current key period, alice signs and bob verifies (ECCSI),
// a GMS-style sender encapsulates a fresh key to bob (SAKKE) and bob recovers it.
// Secrets are never printed: keys are shown by key ID or by a SHA-256 fingerprint.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "mcx/crypto/eccsi.h"
#include "mcx/sim/cli_args.h"
#include "mcx/crypto/hash.h"
#include "mcx/security/identity.h"
#include "mcx/crypto/kdf.h"
#include "mcx/crypto/rng.h"
#include "mcx/crypto/sakke.h"
#include "mcx/security/naming_plan.h"
#include "mcx/security/srtp_keys.h"

namespace mcx::sim {
using security::KeyPeriod;
using security::KeyPurpose;
using security::NtpToUnixSeconds;
using security::UnixToNtpSeconds;

using namespace mcx::crypto;

namespace {

struct Timer {
  std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
  double Ms() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  }
};

std::string Short(ByteView b) {
  std::string h = ToHex(b);
  return h.size() <= 16 ? h : h.substr(0, 16) + "...";
}

std::string Fingerprint(ByteView secret) { return "sha256:" + ToHex(Sha256(secret)).substr(0, 12); }

std::string UtcDate(uint64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", std::gmtime(&t));
  return buf;
}

int Fail(const char* what, Error e) {
  std::fprintf(stderr, "mcxsim demo: %s failed: %s\n", what, ErrorName(e));
  return 1;
}

struct User {
  std::string uri;
  Bytes uid;
  eccsi::UserKey signing;
  Bytes rsk;
};

}  // namespace

int RunDemo(const std::vector<std::string>& args) {
  Args a(args, {"seed", "time"}, {});
  if (a.Help()) {
    std::printf(
        "usage: mcxsim demo [--seed N] [--time UNIX_SECONDS]\n"
        "  --seed N    draw all randomness from an HMAC-DRBG seeded with N (repeatable output)\n"
        "  --time T    the current time, Unix seconds (default: now); selects the key period\n");
    return 0;
  }
  a.AtMostPositionals(0);
  // From 1970 to 9999 (the calendar the key periods and xs:dateTime handle).
  const uint64_t unix_now = a.Count("time", 0, 253402300799).value_or(static_cast<uint64_t>(std::time(nullptr)));
  std::unique_ptr<Rng> rng;
  if (auto seed = a.Count("seed", 0, UINT64_MAX))
    rng = std::make_unique<HmacDrbg>(*seed, "mcxsim-demo");
  else
    rng = std::make_unique<SystemRng>();

  std::printf("mcxsim demo: TS 33.180 identity-based key management, step by step\n\n");

  // 1. KMS domain (TS 33.180 5.3): ECCSI KSAK/KPAK and SAKKE z/Z; 30-day key periods.
  const std::string kms_uri = security::naming::KmsUri();
  const KeyPeriod period = security::naming::DefaultKeyPeriod();
  const uint64_t ntp_now = UnixToNtpSeconds(unix_now);
  auto period_no = period.Number(ntp_now);
  if (!period_no) return Fail("key period", period_no.error());
  Timer t_kms;
  auto ksak = eccsi::KmsSecret::Generate(*rng);
  if (!ksak) return Fail("KSAK generation", ksak.error());
  auto z = sakke::MasterSecret::Generate(*rng);
  if (!z) return Fail("SAKKE master secret", z.error());
  std::printf("1. KMS %s creates its domain (%.1f ms)\n", kms_uri.c_str(), t_kms.Ms());
  std::printf("   KPAK (ECCSI public key, 65 B)  %s\n", Short(ksak->Kpak()).c_str());
  std::printf("   Z    (SAKKE public key, 257 B) %s\n", Short(z->Public().Encoded()).c_str());
  std::printf("   key period %llu s, offset %llu: now is period %llu (%s to %s UTC)\n\n",
              (unsigned long long)period.period_seconds, (unsigned long long)period.offset_seconds,
              (unsigned long long)*period_no,
              UtcDate(NtpToUnixSeconds(period.Start(*period_no))).c_str(),
              UtcDate(NtpToUnixSeconds(period.End(*period_no))).c_str());

  // 2. Provisioning: UID (F.2.1), SSK+PVT (RFC 6507 5.1.1), RSK (RFC 6508 6.1.1); the client
  //    validates both before use (RFC 6507 5.1.2, RFC 6508 6.1.2).
  std::printf("2. KMS provisions users for this period; each user validates what it gets\n");
  std::vector<User> users;
  for (const std::string& uri : {security::naming::UserUri("alice"), security::naming::UserUri("bob")}) {
    User u;
    u.uri = uri;
    u.uid = Uid(u.uri, kms_uri, period, *period_no);
    Timer t_issue;
    auto sk = ksak->Issue(u.uid, *rng);
    if (!sk) return Fail("SSK issue", sk.error());
    auto rsk = z->IssueRsk(u.uid);
    if (!rsk) return Fail("RSK issue", rsk.error());
    double issue_ms = t_issue.Ms();
    u.signing = std::move(sk).value();
    u.rsk = std::move(rsk).value();
    Timer t_val;
    Status ssk_ok = eccsi::ValidateSsk(ksak->Kpak(), u.uid, u.signing.ssk, u.signing.pvt);
    Status rsk_ok = sakke::ValidateRsk(z->Public(), u.uid, u.rsk);
    std::printf("   %-26s UID %s  issued in %.1f ms; SSK %s, RSK %s (%.1f ms)\n", uri.c_str(),
                Short(u.uid).c_str(), issue_ms, ssk_ok ? "valid" : ErrorName(ssk_ok.error()),
                rsk_ok ? "valid" : ErrorName(rsk_ok.error()), t_val.Ms());
    if (!ssk_ok || !rsk_ok) return 1;
    users.push_back(std::move(u));
  }
  User& alice = users[0];
  User& bob = users[1];

  // 3. ECCSI: alice signs, bob verifies; a changed message or another claimed signer fails.
  const std::string message = "Floor request from alice, group " + security::naming::GroupUri(0);
  auto signer = eccsi::Signer::Create(ksak->Kpak(), alice.uid, alice.signing.ssk, alice.signing.pvt);
  if (!signer) return Fail("signer", signer.error());
  Timer t_sign;
  auto sig = signer->Sign(message, *rng);
  if (!sig) return Fail("sign", sig.error());
  double sign_ms = t_sign.Ms();
  Timer t_verify;
  Status good = eccsi::Verify(ksak->Kpak(), alice.uid, message, *sig);
  double verify_ms = t_verify.Ms();
  Status tampered = eccsi::Verify(ksak->Kpak(), alice.uid, message + "!", *sig);
  Status wrong_id = eccsi::Verify(ksak->Kpak(), bob.uid, message, *sig);
  std::printf("\n3. alice signs \"%s\"\n", message.c_str());
  std::printf("   signature r||s||PVT: %zu B (%.2f ms)\n", sig->size(), sign_ms);
  std::printf("   bob verifies it as alice's:        %s (%.2f ms)\n",
              good ? "valid" : ErrorName(good.error()), verify_ms);
  std::printf("   the same signature on another text: %s\n",
              tampered ? "valid (WRONG)" : ErrorName(tampered.error()));
  std::printf("   the same signature claimed by bob:  %s\n",
              wrong_id ? "valid (WRONG)" : ErrorName(wrong_id.error()));
  if (!good || tampered || wrong_id) return 1;

  // 4. SAKKE: a sender (e.g. the GMS) encapsulates a fresh 128-bit key to bob's identity.
  auto gmk = rng->Generate(sakke::kSsvBytes);
  if (!gmk) return Fail("key generation", gmk.error());
  auto gmk_id = NewKeyId(KeyPurpose::kGmk, *rng);
  if (!gmk_id) return Fail("key ID", gmk_id.error());
  Timer t_encap;
  auto sed = sakke::Encapsulate(z->Public(), bob.uid, *gmk);
  if (!sed) return Fail("encapsulate", sed.error());
  double encap_ms = t_encap.Ms();
  Timer t_decap;
  auto recovered = sakke::Decapsulate(z->Public(), bob.uid, bob.rsk, *sed);
  double decap_ms = t_decap.Ms();
  if (!recovered) return Fail("bob's decapsulation", recovered.error());
  auto by_alice = sakke::Decapsulate(z->Public(), alice.uid, alice.rsk, *sed);
  Bytes altered = *sed;
  altered[sakke::kSedBytes - 1] ^= 0x01;
  auto altered_res = sakke::Decapsulate(z->Public(), bob.uid, bob.rsk, altered);
  const bool same = ConstantTimeEqual(*recovered, *gmk);
  std::printf("\n4. a sender encapsulates a fresh GMK (ID %08x, %s) to bob\n", *gmk_id,
              Fingerprint(*gmk).c_str());
  std::printf("   SAKKE encapsulated data 04||Rb||H: %zu B (%.1f ms)\n", sed->size(), encap_ms);
  std::printf("   bob decapsulates: %s, %s (%.1f ms)\n", Fingerprint(*recovered).c_str(),
              same ? "the same key" : "A DIFFERENT KEY", decap_ms);
  std::printf("   alice tries with her own RSK:      %s\n",
              by_alice ? "recovered (WRONG)" : ErrorName(by_alice.error()));
  std::printf("   bob with one bit of H flipped:     %s\n",
              altered_res ? "recovered (WRONG)" : ErrorName(altered_res.error()));
  if (!same || by_alice || altered_res) return 1;

  // 5. Derived keys (TS 33.180 F.1.3, 7.4): bob's GUK-ID and his SRTP master key for CS-ID 4.
  const uint32_t guk = kdf::GukId(*gmk, *gmk_id, bob.uri);
  auto rand = rng->Generate(16);
  if (!rand) return Fail("RAND", rand.error());
  const security::srtp::MasterKey srtp = security::GroupSenderMasterKey(*gmk, *gmk_id, guk, *rand, 4);
  std::printf("\n5. derivations from the GMK\n");
  std::printf("   bob's GUK-ID (CSB-ID of his I_MESSAGE, F.1.3): %08x -> GMK-ID %08x\n", guk,
              kdf::GmkIdFromGukId(*gmk, guk, bob.uri));
  std::printf("   bob's SRTP master key/salt for CS-ID 4 (7.4):  %s / %s, MKI %s\n",
              Fingerprint(srtp.key).c_str(), Fingerprint(srtp.salt).c_str(), ToHex(srtp.mki).c_str());
  std::printf("\nall checks passed\n");
  return 0;
}

}  // namespace mcx::sim
