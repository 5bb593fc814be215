// Crypto core benchmarks (Google Benchmark): ECCSI sign/verify, SAKKE encapsulate/decapsulate,
// RSK validation, and KMS issuance. Run: build/bin/crypto_bench
#include <benchmark/benchmark.h>

#include "mcx/crypto/eccsi.h"
#include "mcx/security/identity.h"
#include "mcx/security/naming_plan.h"
#include "mcx/crypto/sakke.h"

namespace {

using namespace mcx::crypto;
using namespace mcx::security;

struct Fixture {
  HmacDrbg rng{1, "bench"};
  eccsi::KmsSecret ksak = *eccsi::KmsSecret::Generate(rng);
  sakke::MasterSecret z = *sakke::MasterSecret::Generate(rng);
  Bytes uid = Uid(naming::UserUri("alice"), naming::KmsUri(), naming::DefaultKeyPeriod(), 1500);
  eccsi::UserKey key = *ksak.Issue(uid, rng);
  Bytes rsk = *z.IssueRsk(uid);
  eccsi::Signer signer = *eccsi::Signer::Create(ksak.Kpak(), uid, key.ssk, key.pvt);
  sakke::ReceiverKey receiver = *sakke::ReceiverKey::Create(z.Public(), uid, rsk);
  Bytes message = Bytes(300, 0x5a);  // about the size of a signed GMK I_MESSAGE
  Bytes signature = *signer.Sign(message, rng);
  Bytes ssv = Bytes(16, 0x42);
  Bytes sed = *sakke::Encapsulate(z.Public(), uid, ssv);
};

Fixture& F() {
  static Fixture f;
  return f;
}

void BM_EccsiSign(benchmark::State& s) {
  for (auto _ : s) benchmark::DoNotOptimize(F().signer.Sign(F().message, F().rng));
}
void BM_EccsiVerify(benchmark::State& s) {
  for (auto _ : s)
    benchmark::DoNotOptimize(eccsi::Verify(F().ksak.Kpak(), F().uid, F().message, F().signature));
}
void BM_EccsiValidateSsk(benchmark::State& s) {
  for (auto _ : s)
    benchmark::DoNotOptimize(eccsi::ValidateSsk(F().ksak.Kpak(), F().uid, F().key.ssk, F().key.pvt));
}
void BM_SakkeEncapsulate(benchmark::State& s) {
  for (auto _ : s) benchmark::DoNotOptimize(sakke::Encapsulate(F().z.Public(), F().uid, F().ssv));
}
void BM_SakkeDecapsulate(benchmark::State& s) {
  for (auto _ : s) benchmark::DoNotOptimize(F().receiver.Decapsulate(F().sed));
}
void BM_SakkeValidateRsk(benchmark::State& s) {
  for (auto _ : s) benchmark::DoNotOptimize(sakke::ValidateRsk(F().z.Public(), F().uid, F().rsk));
}
void BM_KmsIssueKeySet(benchmark::State& s) {
  // One user's key set for one period: UID, SSK+PVT and RSK.
  uint64_t period = 0;
  for (auto _ : s) {
    Bytes uid = Uid(naming::UserUri("bob"), naming::KmsUri(), naming::DefaultKeyPeriod(), ++period);
    benchmark::DoNotOptimize(F().ksak.Issue(uid, F().rng));
    benchmark::DoNotOptimize(F().z.IssueRsk(uid));
  }
}

constexpr auto kMs = benchmark::kMillisecond;
BENCHMARK(BM_EccsiSign)->Unit(kMs);
BENCHMARK(BM_EccsiVerify)->Unit(kMs);
BENCHMARK(BM_EccsiValidateSsk)->Unit(kMs);
BENCHMARK(BM_SakkeEncapsulate)->Unit(kMs);
BENCHMARK(BM_SakkeDecapsulate)->Unit(kMs);
BENCHMARK(BM_SakkeValidateRsk)->Unit(kMs);
BENCHMARK(BM_KmsIssueKeySet)->Unit(kMs);

}  // namespace

BENCHMARK_MAIN();  // also runs the benchmarks of srtp_bench.cc
