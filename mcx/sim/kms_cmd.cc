// mcxsim kms init | provision: an offline KMS (TS 33.180 5.3, Annex D).
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "mcx/sim/cli_args.h"
#include "mcx/crypto/rng.h"
#include "mcx/sim/toolkit_files.h"
#include "mcx/security/naming_plan.h"

namespace mcx::sim {
using security::KeyPeriod;
using security::UnixToNtpSeconds;
namespace kms = security::kms;

using namespace mcx::crypto;

namespace {

std::unique_ptr<Rng> MakeRng(const Args& a, const char* stream) {
  if (auto s = a.Count("seed", 0, UINT64_MAX)) return std::make_unique<HmacDrbg>(*s, stream);
  return std::make_unique<SystemRng>();
}

/// A KMS's master secrets are never overwritten: without --force an existing KMS directory is an
/// error; with it, its files are kept aside as <file>.old-<unix time>.
void KeepExistingKmsAside(const std::string& dir, bool force, uint64_t unix_now) {
  bool existing = false;
  for (const char* f : {kKmsSecretsFile, kKmsCertFile})
    existing = existing || std::filesystem::exists(std::filesystem::symlink_status(dir + "/" + f));
  if (!existing) return;
  if (!force)
    throw UsageError(dir + " already holds a KMS (its master secrets: every key set it issued depends on them); "
                     "--force keeps it aside and makes a new one");
  for (const char* f : {kKmsSecretsFile, kKmsCertFile}) {
    const std::string path = dir + "/" + f;
    if (!std::filesystem::exists(std::filesystem::symlink_status(path))) continue;
    const std::string aside = path + ".old-" + std::to_string(unix_now);
    std::error_code ec;
    std::filesystem::rename(path, aside, ec);
    if (ec) throw std::runtime_error("cannot keep " + path + " aside: " + ec.message());
    std::fprintf(stderr, "mcxsim kms init: the earlier %s is now %s\n", f, aside.c_str());
  }
}

int Init(const std::vector<std::string>& argv) {
  Args a(argv, {"kms-uri", "out", "period", "offset", "seed"}, {"force"});
  if (a.Help()) {
    std::printf(
        "usage: mcxsim kms init --kms-uri URI --out DIR [--period SECONDS] [--offset SECONDS] [--seed N] [--force]\n"
        "  Creates a KMS security domain: DIR/%s (its KmsCertificate in a KmsInit response)\n"
        "  and DIR/%s (the SAKKE and ECCSI master secrets, file mode 0600).\n"
        "  --period  user key period in seconds (default %llu = 30 days)\n"
        "  --offset  user key period offset in seconds (default 0)\n"
        "  --seed    derive the secrets from an HMAC-DRBG seed (repeatable; for tests only)\n"
        "  --force   DIR already holds a KMS: keep its files aside (.old-<unix time>) and make a new one\n",
        kKmsCertFile, kKmsSecretsFile, static_cast<unsigned long long>(security::naming::kKeyPeriodSeconds));
    return 0;
  }
  a.AtMostPositionals(0);
  // A period of at least a minute and at most ~136 years (32-bit seconds); the offset within it.
  const uint64_t period_s = a.Count("period", 60, UINT32_MAX).value_or(security::naming::kKeyPeriodSeconds);
  const KeyPeriod period{period_s, a.Count("offset", 0, period_s - 1).value_or(0)};
  const std::string dir = a.Require("out");
  const std::string uri = a.Require("kms-uri");
  const uint64_t now = UnixTimeOrNow(std::nullopt);
  auto rng = MakeRng(a, "mcxsim-kms-init");
  KeepExistingKmsAside(dir, a.Flag("force"), now);
  auto k = Must(kms::Kms::Create(uri, period, *rng), "kms init");
  SaveKmsDirectory(dir, k, now);
  std::printf("KMS %s created in %s (key period %llu s, offset %llu s)\n", k.certificate().kms_uri.c_str(),
              dir.c_str(), (unsigned long long)period.period_seconds, (unsigned long long)period.offset_seconds);
  return 0;
}

int Provision(const std::vector<std::string>& argv) {
  Args a(argv, {"kms", "user", "time", "out", "periods", "seed"}, {});
  if (a.Help()) {
    std::printf(
        "usage: mcxsim kms provision --kms DIR --user URI [--time ISO8601] [--periods N] --out FILE\n"
        "  Writes a KmsKeyProv response (TS 33.180 D.3) with the user's key set for the key period\n"
        "  containing --time (default now), and for the N-1 periods after it (default N = 1).\n"
        "  --seed N  draw the ECCSI v values from an HMAC-DRBG (repeatable; for tests only)\n");
    return 0;
  }
  a.AtMostPositionals(0);
  const uint64_t ntp = UnixToNtpSeconds(UnixTimeOrNow(a.Get("time")));
  const unsigned periods = static_cast<unsigned>(a.Count("periods", 1, 1000).value_or(1));
  const std::string user = a.Require("user"), out = a.Require("out");
  kms::Kms k = LoadKmsDirectory(a.Require("kms"));
  auto rng = MakeRng(a, "mcxsim-kms-provision");
  auto r = Must(k.KeyProvResponse(user, ntp, *rng, periods - 1), "kms provision");
  WriteFile(out, kms::WriteResponse(r), /*secret=*/true);
  std::printf("key set for %s, key period %llu%s, written to %s\n", user.c_str(),
              (unsigned long long)r.key_sets.front().key_period_no,
              periods > 1 ? (" (+" + std::to_string(periods - 1) + " more)").c_str() : "", out.c_str());
  return 0;
}

}  // namespace

int RunKms(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h") {
    std::printf(
        "usage: mcxsim kms <init|provision> [options]\n"
        "  init       create a KMS domain (certificate + master secrets)\n"
        "  provision  issue a user's key set (KmsKeyProv XML)\n"
        "mcxsim kms <verb> --help describes a verb.\n");
    return argv.empty() ? 2 : 0;
  }
  std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (argv[0] == "init") return Init(rest);
  if (argv[0] == "provision") return Provision(rest);
  throw UsageError("unknown kms verb '" + argv[0] + "'");
}

}  // namespace mcx::sim
