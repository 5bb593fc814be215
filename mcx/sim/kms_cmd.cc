// mcxsim kms init | provision: an offline KMS (TS 33.180 5.3, Annex D).
#include <cstdio>
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
  if (auto s = a.Get("seed")) return std::make_unique<HmacDrbg>(std::stoull(*s), stream);
  return std::make_unique<SystemRng>();
}

int Init(const std::vector<std::string>& argv) {
  Args a(argv, {"kms-uri", "out", "period", "offset", "seed"}, {});
  if (a.Help()) {
    std::printf(
        "usage: mcxsim kms init --kms-uri URI --out DIR [--period SECONDS] [--offset SECONDS] [--seed N]\n"
        "  Creates a KMS security domain: DIR/%s (its KmsCertificate in a KmsInit response)\n"
        "  and DIR/%s (the SAKKE and ECCSI master secrets, file mode 0600).\n"
        "  --period  user key period in seconds (default %llu = 30 days)\n"
        "  --offset  user key period offset in seconds (default 0)\n"
        "  --seed    derive the secrets from an HMAC-DRBG seed (repeatable; for tests only)\n",
        kKmsCertFile, kKmsSecretsFile, static_cast<unsigned long long>(security::naming::kKeyPeriodSeconds));
    return 0;
  }
  const KeyPeriod period{std::stoull(a.Get("period").value_or(std::to_string(security::naming::kKeyPeriodSeconds))),
                         std::stoull(a.Get("offset").value_or("0"))};
  auto rng = MakeRng(a, "mcxsim-kms-init");
  auto k = Must(kms::Kms::Create(a.Require("kms-uri"), period, *rng), "kms init");
  const std::string dir = a.Require("out");
  SaveKmsDirectory(dir, k, UnixTimeOrNow(std::nullopt));
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
  kms::Kms k = LoadKmsDirectory(a.Require("kms"));
  const uint64_t ntp = UnixToNtpSeconds(UnixTimeOrNow(a.Get("time")));
  const unsigned periods = static_cast<unsigned>(std::stoul(a.Get("periods").value_or("1")));
  if (periods == 0) throw UsageError("--periods must be at least 1");
  auto rng = MakeRng(a, "mcxsim-kms-provision");
  const std::string user = a.Require("user");
  auto r = Must(k.KeyProvResponse(user, ntp, *rng, periods - 1), "kms provision");
  const std::string out = a.Require("out");
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
