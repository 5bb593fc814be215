// Side by side, in one run: our ECCSI and SAKKE against Debian's libwolfssl (linked into this
// benchmark only). Each operation and wolfSSL's counterpart are timed in alternating batches,
// the best batch of each (robust on a shared machine); the table gives ms per operation, the
// ratio ours/wolfSSL and the target.
// Run: build/bin/crypto_compare   (MCX_COMPARE_SECONDS=N for longer batches)
#include <wolfssl/options.h>
#include <wolfssl/wolfcrypt/eccsi.h>
#include <wolfssl/wolfcrypt/random.h>
#include <wolfssl/wolfcrypt/sakke.h>
#include <wolfssl/wolfcrypt/wolfmath.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "mcx/crypto/eccsi.h"
#include "mcx/crypto/internal/fp1024.h"
#include "mcx/security/identity.h"
#include "mcx/security/kms.h"
#include "mcx/security/mikey_sakke.h"
#include "mcx/crypto/sakke.h"
#include "mcx/security/naming_plan.h"

namespace {

using namespace mcx::crypto;
using namespace mcx::security;

double Seconds() {
  const char* s = std::getenv("MCX_COMPARE_SECONDS");
  return s ? std::atof(s) : 1.0;
}

/// ms per call over one batch of about Seconds()/5.
double Batch(const std::function<void()>& fn) {
  int n = 0;
  const auto t0 = std::chrono::steady_clock::now();
  double el = 0;
  do {
    fn();
    ++n;
    el = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  } while (el < Seconds() / 5);
  return el / n * 1e3;
}

/// ms per call: the best of 5 batches.
double Time(const std::function<void()>& fn) {
  fn();  // warm up (and build any lazy tables)
  double best = 1e30;
  for (int b = 0; b < 5; ++b) best = std::min(best, Batch(fn));
  return best;
}

void Check(int rc, const char* what) {
  if (rc != 0) {
    std::fprintf(stderr, "wolfSSL %s failed: %d\n", what, rc);
    std::exit(1);
  }
}

struct Row {
  const char* name;
  double ours, wolf, target_ratio, target_ms;
};

/// One row: our operation and wolfSSL's timed in alternating batches (ours, then wolfSSL, five
/// times), each the best batch's ms per call, so that a change in the shared machine's speed
/// during the run reaches both sides of the ratio.
Row TimedRow(const char* name, const std::function<void()>& ours, const std::function<void()>& wolf,
             double target_ratio, double target_ms) {
  ours();  // warm up (and build any lazy tables)
  wolf();
  Row row{name, 1e30, 1e30, target_ratio, target_ms};
  for (int b = 0; b < 5; ++b) {
    row.ours = std::min(row.ours, Batch(ours));
    row.wolf = std::min(row.wolf, Batch(wolf));
  }
  return row;
}

}  // namespace

int main(int argc, char** argv) {
  // --json FILE: also write the figures as JSON (scripts/docs-tables builds the docs' tables from it).
  const char* json_path = nullptr;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--json") == 0 && i + 1 < argc) {
      json_path = argv[++i];
    } else {
      std::fprintf(stderr, "usage: crypto_compare [--json FILE]   (MCX_COMPARE_SECONDS: seconds per row)\n");
      return 2;
    }
  }
  HmacDrbg rng(7, "compare");
  const uint64_t ntp = UnixToNtpSeconds(naming::kEpochUnix);
  auto kms = *kms::Kms::Create(naming::KmsUri(), naming::DefaultKeyPeriod(), rng);
  const auto info = *kms.certificate().PublicInfo();
  auto alice_ks = *kms.Provision("sip:alice@example.org", ntp, rng);
  auto bob_ks = *kms.Provision("sip:bob@example.org", ntp, rng);
  auto gms_ks = *kms.Provision("sip:gms@example.org", ntp, rng);
  const Bytes& uid = bob_ks.user_id;
  const Bytes msg(300, 0x5a);
  const Bytes ssv(16, 0x42);

  // ---- ours ----
  auto signer = *eccsi::Signer::Create(info.kpak, alice_ks.user_id, alice_ks.ssk, alice_ks.pvt);
  auto verifier = *eccsi::Verifier::Create(info.kpak);
  const Bytes our_sig = *signer.Sign(msg, rng);
  // The handset configuration: line table and the [b]P + Z table for the integrity check.
  auto receiver = *sakke::ReceiverKey::Create(info.z, uid, bob_ks.rsk, true, true, /*check_table=*/true);
  const Bytes our_sed = *sakke::Encapsulate(info.z, uid, ssv);

  // ---- wolfSSL: its own KMS keys (same operations, same identity and message) ----
  WC_RNG wrng;
  Check(wc_InitRng(&wrng), "InitRng");
  SakkeKey wkms;
  Check(wc_InitSakkeKey_ex(&wkms, 128, ECC_SAKKE_1, nullptr, INVALID_DEVID), "InitSakkeKey");
  Check(wc_MakeSakkeKey(&wkms, &wrng), "MakeSakkeKey");
  ecc_point* wrsk = wc_ecc_new_point();
  Check(wc_MakeSakkeRsk(&wkms, uid.data(), static_cast<word16>(uid.size()), wrsk), "MakeSakkeRsk");
  byte wauth[300];
  word16 wauth_sz = sizeof wauth;
  byte wssv[16];
  std::memcpy(wssv, ssv.data(), 16);
  Check(wc_SetSakkeIdentity(&wkms, uid.data(), static_cast<word16>(uid.size())), "SetSakkeIdentity");
  Check(wc_MakeSakkeEncapsulatedSSV(&wkms, WC_HASH_TYPE_SHA256, wssv, 16, wauth, &wauth_sz), "Encapsulate");
  byte wenc[16];
  std::memcpy(wenc, wssv, 16);
  Check(wc_SetSakkeRsk(&wkms, wrsk, nullptr, 0), "SetSakkeRsk");

  EccsiKey wek;
  Check(wc_InitEccsiKey(&wek, nullptr, INVALID_DEVID), "InitEccsiKey");
  Check(wc_MakeEccsiKey(&wek, &wrng), "MakeEccsiKey");
  mp_int wssk;
  mp_init(&wssk);
  ecc_point* wpvt = wc_ecc_new_point();
  const Bytes& aid = alice_ks.user_id;
  Check(wc_MakeEccsiPair(&wek, &wrng, WC_HASH_TYPE_SHA256, aid.data(), static_cast<word32>(aid.size()), &wssk, wpvt),
        "MakeEccsiPair");
  byte hs[WC_MAX_DIGEST_SIZE];
  byte hs_sz = sizeof hs;
  Check(wc_HashEccsiId(&wek, WC_HASH_TYPE_SHA256, aid.data(), static_cast<word32>(aid.size()), wpvt, hs, &hs_sz),
        "HashEccsiId");
  Check(wc_SetEccsiHash(&wek, hs, hs_sz), "SetEccsiHash");
  Check(wc_SetEccsiPair(&wek, &wssk, wpvt), "SetEccsiPair");
  byte wsig[256];
  word32 wsig_sz = sizeof wsig;
  Check(wc_SignEccsiHash(&wek, &wrng, WC_HASH_TYPE_SHA256, msg.data(), static_cast<word32>(msg.size()), wsig, &wsig_sz),
        "SignEccsiHash");

  std::vector<Row> rows;
  rows.push_back(TimedRow(
      "SAKKE decapsulate (receiver)", [&] { (void)receiver.Decapsulate(our_sed); },
      [&] {
        byte s[16];
        std::memcpy(s, wenc, 16);
        Check(wc_DeriveSakkeSSV(&wkms, WC_HASH_TYPE_SHA256, s, 16, wauth, wauth_sz), "DeriveSakkeSSV");
      },
      0.20, 3.0));
  const auto wolf_encapsulate = [&] {
    byte s[16];
    std::memcpy(s, ssv.data(), 16);
    word16 a = sizeof wauth;
    byte auth[300];
    Check(wc_MakeSakkeEncapsulatedSSV(&wkms, WC_HASH_TYPE_SHA256, s, 16, auth, &a), "Encapsulate");
  };
  rows.push_back(TimedRow(
      "SAKKE encapsulate (sender)", [&] { (void)sakke::Encapsulate(info.z, uid, ssv); }, wolf_encapsulate, 0.20, 1.0));
  // A sender that keeps a table of this receiver's [b]P + Z (sakke::Encapsulator, 1.2 MB), against
  // the same wolfSSL call: the plain row above is the one without per-receiver memory.
  const sakke::Encapsulator to_bob = *sakke::Encapsulator::Create(info.z, uid);
  rows.push_back(TimedRow(
      "SAKKE encapsulate (receiver table)", [&] { (void)to_bob.Encapsulate(ssv); }, wolf_encapsulate, 0.20, 1.0));
  rows.push_back(TimedRow(
      "SAKKE RSK validation", [&] { (void)sakke::ValidateRsk(info.z, uid, bob_ks.rsk); },
      [&] {
        int valid = 0;
        Check(wc_ValidateSakkeRsk(&wkms, uid.data(), static_cast<word16>(uid.size()), wrsk, &valid),
              "ValidateSakkeRsk");
      },
      0, 4.0));
  rows.push_back(TimedRow(
      "ECCSI sign", [&] { (void)signer.Sign(msg, rng); },
      [&] {
        word32 n = sizeof wsig;
        byte sig[256];
        Check(wc_SignEccsiHash(&wek, &wrng, WC_HASH_TYPE_SHA256, msg.data(), static_cast<word32>(msg.size()), sig, &n),
              "SignEccsiHash");
      },
      0.35, 0.030));
  rows.push_back(TimedRow(
      "ECCSI verify", [&] { (void)verifier.Verify(aid, msg, our_sig); },
      [&] {
        int ok = 0;
        Check(wc_VerifyEccsiHash(&wek, WC_HASH_TYPE_SHA256, msg.data(), static_cast<word32>(msg.size()), wsig, wsig_sz,
                                 &ok),
              "VerifyEccsiHash");
      },
      0.21, 0.100));

  std::printf("\nmcx crypto vs Debian libwolfssl, same machine, same run (ms per operation)\n\n");
  std::printf("%-30s %10s %10s %8s %10s %12s  %s\n", "operation", "ours", "wolfSSL", "ratio", "target", "target ratio",
              "met");
  bool all = true;
  for (const Row& r : rows) {
    const double ratio = r.ours / r.wolf;
    const bool met = r.ours <= r.target_ms && (r.target_ratio == 0 || ratio <= r.target_ratio);
    all &= met;
    char tr[16] = "-";
    if (r.target_ratio > 0) std::snprintf(tr, sizeof tr, "<= %.2f", r.target_ratio);
    std::printf("%-30s %10.3f %10.3f %8.3f %7s%.3f %12s  %s\n", r.name, r.ours, r.wolf, ratio, "<= ", r.target_ms, tr,
                met ? "yes" : "NO");
  }

  // End-to-end TS 33.180 costs: one complete GMK I_MESSAGE at the GMS, and its processing at a UE.
  auto gms = *mikey_sakke::LocalIdentity::Create(gms_ks.ToIdentityKeys(), info);
  auto bob = *mikey_sakke::LocalIdentity::Create(bob_ks.ToIdentityKeys(), info);
  mikey_sakke::SendOptions opt;
  opt.group_uri = "sip:fire@example.org";
  const Bytes gmk(16, 0x77);
  const auto made = *mikey_sakke::CreateIMessage(mikey_sakke::Distribution::kGmk, gms, info, "sip:bob@example.org",
                                                 info, 0x01234567, gmk, opt, ntp, rng);
  mikey_sakke::ReceiveContext ctx;
  ctx.ntp_now = ntp;
  ctx.kms = {info};
  ctx.authorised_senders = {"sip:gms@example.org"};
  const double create_ms = Time([&] {
    (void)mikey_sakke::CreateIMessage(mikey_sakke::Distribution::kGmk, gms, info, "sip:bob@example.org", info,
                                      0x01234567, gmk, opt, ntp, rng);
  });
  const double process_ms = Time([&] { (void)mikey_sakke::ProcessIMessage(made.message, bob, ctx); });
  std::printf("\nGMS: create one GMK I_MESSAGE (%zu B: SAKKE encapsulate, ECCSI sign, key parameters): %.3f ms\n",
              made.message.size(), create_ms);
  std::printf("UE:  process one GMK I_MESSAGE (every check, ECCSI verify, SAKKE decapsulate):      %.3f ms\n",
              process_ms);
  const bool ifma = fast::Fp::Supports(fast::Fp::MulImpl::kIfma) && !std::getenv("MCX_NO_IFMA") &&
                    !std::getenv("MCX_NO_AVX512");
  const char* mul = ifma ? "AVX-512 IFMA (batched), MULX/ADX for single products"
                         : fast::Fp::Supports(fast::Fp::MulImpl::kAdx) ? "MULX/ADX" : "portable";
  std::printf("receiver key tables (RSK lines, [b]P + Z): %zu kB; 1024-bit field products: %s\n",
              receiver.PrecomputedBytes() / 1024, mul);
  std::printf("\nall targets met: %s\n", all ? "yes" : "no");
  if (json_path) {
    nlohmann::json j;
    for (const Row& r : rows)
      j["rows"].push_back({{"operation", r.name},
                           {"ours_ms", r.ours},
                           {"wolfssl_ms", r.wolf},
                           {"ratio", r.ours / r.wolf},
                           {"target_ms", r.target_ms},
                           {"target_ratio", r.target_ratio > 0 ? nlohmann::json(r.target_ratio) : nlohmann::json()},
                           {"met", r.ours <= r.target_ms && (r.target_ratio == 0 || r.ours / r.wolf <= r.target_ratio)}});
    j["gmk_imessage_bytes"] = made.message.size();
    j["gms_create_gmk_ms"] = create_ms;
    j["ue_process_gmk_ms"] = process_ms;
    j["receiver_tables_kb"] = receiver.PrecomputedBytes() / 1024;
    j["field_products"] = mul;
    j["all_met"] = all;
    std::ofstream(json_path) << j.dump(2) << "\n";
  }

  mp_clear(&wssk);
  wc_ecc_del_point(wpvt);
  wc_ecc_del_point(wrsk);
  wc_FreeEccsiKey(&wek);
  wc_FreeSakkeKey(&wkms);
  wc_FreeRng(&wrng);
  return 0;
}
