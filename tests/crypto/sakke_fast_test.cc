// Differential tests: the fast SAKKE paths (fixed-width field, fixed-base tables, line tables)
// against the straightforward BIGNUM/OpenSSL path, on random inputs. MCX_LONG_TESTS=1 runs more.
#include "mcx/crypto/internal/sakke_fast.h"



#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/err.h>

#include "mcx/crypto/sakke.h"

#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "mcx/crypto/rng.h"
#include "tests/support/reference_pairing.h"

namespace mcx::crypto::sakke::fast {
/// Random cases per test; MCX_LONG_TESTS=1 runs twenty times as many.
int Cases(int normal) { return std::getenv("MCX_LONG_TESTS") ? normal * 20 : normal; }
namespace {

const ParameterSet& Ps() { return ParameterSet::Set1(); }

TEST(FastField, MatchesBignumOnRandomInputs) {
  HmacDrbg rng(21, "fp");
  const Fp& f = Fp::Sakke();
  const BigInt& p = Ps().p;
  for (int i = 0; i < Cases(2000); ++i) {
    BigInt a = BigInt::Mod(BigInt::FromBytes(*rng.Generate(128)), p);
    BigInt b = BigInt::Mod(BigInt::FromBytes(*rng.Generate(128)), p);
    if (i == 0) a = BigInt::Sub(p, BigInt(1));  // edge values
    if (i == 1) b = BigInt(0);
    const Fe fa = f.FromBigInt(a), fb = f.FromBigInt(b);
    Fe r;
    f.Mul(r, fa, fb);
    ASSERT_EQ(f.ToBigInt(r), BigInt::ModMul(a, b, p)) << i;
    f.Add(r, fa, fb);
    ASSERT_EQ(f.ToBigInt(r), BigInt::ModAdd(a, b, p)) << i;
    f.Sub(r, fa, fb);
    ASSERT_EQ(f.ToBigInt(r), BigInt::ModSub(a, b, p)) << i;
    f.Neg(r, fa);
    ASSERT_EQ(f.ToBigInt(r), BigInt::ModSub(BigInt(0), a, p)) << i;
    if (!a.IsZero()) {
      f.Inv(r, fa);
      ASSERT_EQ(f.ToBigInt(r), BigInt::ModInverse(a, p)) << i;
    }
  }
}

// The constant-time inversion (divsteps) on edge values of its input, the limbs as they are:
// 1, 2, small and power-of-two values, p - 1, p - 2, and values with long runs of equal bits.
TEST(FastField, InverseOfEdgeValues) {
  const Fp& f = Fp::Sakke();
  std::vector<Fe> edge;
  auto with = [&](std::initializer_list<std::pair<int, uint64_t>> limbs) {
    Fe a{};
    for (const auto& [i, v] : limbs) a.v[i] = v;
    edge.push_back(a);
  };
  with({{0, 1}});
  with({{0, 2}});
  with({{0, 3}});
  with({{0, 0xffffffffffffffff}});
  for (int bit = 1; bit < 1024; bit += 61) with({{bit / 64, uint64_t{1} << (bit % 64)}});
  with({{15, uint64_t{1} << 63}});  // 2^1023 < p
  Fe pm1, pm2, one{}, two{};  // p - 1 and p - 2 as 0 - 1 and 0 - 2
  one.v[0] = 1;
  two.v[0] = 2;
  f.Sub(pm1, Fp::Zero(), one);
  f.Sub(pm2, Fp::Zero(), two);
  edge.push_back(pm1);
  edge.push_back(pm2);
  Fe runs{};
  for (int i = 0; i < 8; ++i) runs.v[i] = ~uint64_t{0};  // 2^512 - 1
  edge.push_back(runs);
  for (size_t i = 0; i < edge.size(); ++i) {
    Fe inv, prod;
    f.Inv(inv, edge[i]);
    f.Mul(prod, inv, edge[i]);
    EXPECT_TRUE(f.Equal(prod, f.One())) << i;
  }
  Fe zero_inv;
  f.Inv(zero_inv, Fp::Zero());
  EXPECT_TRUE(f.IsZero(zero_inv));
}

// Every multiplication this CPU supports (portable, MULX/ADX, AVX-512 IFMA) gives the same
// Montgomery product, edge values included.
TEST(FastField, EveryMultiplicationAgrees) {
  HmacDrbg rng(22, "fp impls");
  const Fp& f = Fp::Sakke();
  const BigInt& p = Ps().p;
  for (int i = 0; i < Cases(2000); ++i) {
    BigInt a = BigInt::Mod(BigInt::FromBytes(*rng.Generate(128)), p);
    BigInt b = BigInt::Mod(BigInt::FromBytes(*rng.Generate(128)), p);
    if (i == 0) a = b = BigInt::Sub(p, BigInt(1));
    if (i == 1) b = BigInt(0);
    if (i == 2) a = b = BigInt(1);
    const Fe fa = f.FromBigInt(a), fb = f.FromBigInt(b);
    for (Fp::MulImpl m : {Fp::MulImpl::kPortable, Fp::MulImpl::kAdx, Fp::MulImpl::kIfma}) {
      if (!Fp::Supports(m)) continue;
      Fe r;
      f.MulUsing(m, r, fa, fb);
      ASSERT_EQ(f.ToBigInt(r), BigInt::ModMul(a, b, p)) << Fp::MulName(m) << " case " << i;
    }
  }
  // And on the largest 1024-bit inputs, which are not reduced below p.
  Fe big;
  for (auto& w : big.v) w = ~uint64_t{0};
  Fe r1, r2;
  f.MulUsing(Fp::MulImpl::kPortable, r1, big, big);
  for (Fp::MulImpl m : {Fp::MulImpl::kAdx, Fp::MulImpl::kIfma}) {
    if (!Fp::Supports(m)) continue;
    f.MulUsing(m, r2, big, big);
    EXPECT_TRUE(f.Equal(r1, r2)) << Fp::MulName(m);
  }
}

Affine RandomPoint(Rng& rng, BigInt* k = nullptr) {
  BigInt s = *RandomScalar(rng, Ps().q);
  if (k) *k = s;
  return FromEcPoint(Ps().curve, Ps().curve.MulGen(s));
}

TEST(FastPairing, ProjectiveAndLineTableMatchTheReference) {
  HmacDrbg rng(22, "pairing");
  const BigInt e = BigInt::Sub(Ps().q, BigInt(1));
  for (int i = 0; i < Cases(4); ++i) {
    BigInt a, b;
    const Affine r = RandomPoint(rng, &a), q = RandomPoint(rng, &b);
    auto ref = Pairing(Ps(), Ps().curve.MulGen(a), Ps().curve.MulGen(b));
    ASSERT_TRUE(ref.ok());
    Fe fast;
    ASSERT_TRUE(Pairing(r, q, e, fast));
    EXPECT_EQ(Fp::Sakke().ToBigInt(fast), Ps().fp.ToInt(*ref)) << i;
    LineTable table(r, e);
    Fe tab;
    ASSERT_TRUE(table.Evaluate(q, tab));
    EXPECT_EQ(Fp::Sakke().ToBigInt(tab), Ps().fp.ToInt(*ref)) << i;
    Fe swapped;  // the reduced pairing is symmetric on <P>: <R,Q> = <Q,R>
    ASSERT_TRUE(LineTable(q, e).Evaluate(r, swapped));
    EXPECT_TRUE(Fp::Sakke().Equal(swapped, tab));
  }
}

TEST(FastScalarMul, FixedBaseTablesMatchOpenSsl) {
  HmacDrbg rng(23, "fixed-base");
  const EcGroup& g = Ps().curve;
  const FixedBaseTable tp(FromEcPoint(g, g.Generator()));
  const BigInt z = *RandomScalar(rng, Ps().q);
  const EcPoint zp = g.MulGen(z);
  const FixedBaseTable tz(FromEcPoint(g, zp));
  for (int i = 0; i < Cases(20); ++i) {
    BigInt k1 = *RandomScalar(rng, Ps().q), k2 = *RandomScalar(rng, Ps().q);
    if (i == 0) k2 = BigInt(1);
    if (i == 1) k1 = BigInt(0);
    if (i == 2) k2 = BigInt(0);
    if (i == 3) k1 = BigInt::Sub(Ps().q, BigInt(1));
    Affine out;
    ASSERT_TRUE(MulFixed2(tp, k1, tz, k2, out)) << i;
    const EcPoint ref = g.MulGenAdd(k1, zp, k2);
    EXPECT_EQ(ToHex(Encode(out)), ToHex(g.Encode(ref))) << i;
  }
}

// The fixed-base loops add on an Edwards form whose addition law is complete: sums that meet a
// doubling or the identity come out right instead of failing.
TEST(FastScalarMul, SingleAndPlusMatchOpenSslIncludingDoublingsAndTheIdentity) {
  HmacDrbg rng(26, "fixed-base-single");
  const EcGroup& g = Ps().curve;
  const FixedBaseTable tp(FromEcPoint(g, g.Generator()));
  const BigInt two(2);
  for (int i = 0; i < Cases(10); ++i) {
    const BigInt k = *RandomScalar(rng, Ps().q), a = *RandomScalar(rng, Ps().q);
    Affine out;
    ASSERT_TRUE(MulFixed(tp, k, out)) << i;
    EXPECT_EQ(ToHex(Encode(out)), ToHex(g.Encode(g.MulGen(k)))) << i;
    const EcPoint ap = g.MulGen(a);
    ASSERT_TRUE(MulFixedPlus(tp, k, FromEcPoint(g, ap), out)) << i;
    EXPECT_EQ(ToHex(Encode(out)), ToHex(g.Encode(g.MulGenAdd(k, ap, BigInt(1))))) << i;
    // [k]P + [k]P: the final addition is a doubling.
    const EcPoint kp = g.MulGen(k);
    ASSERT_TRUE(MulFixedPlus(tp, k, FromEcPoint(g, kp), out)) << i;
    EXPECT_EQ(ToHex(Encode(out)), ToHex(g.Encode(g.MulGen(BigInt::ModMul(k, two, Ps().q))))) << i;
    // [k]P + [k]P on two lanes each: the lanes' sums are equal, their sum a doubling.
    ASSERT_TRUE(MulFixed2(tp, k, tp, k, out)) << i;
    EXPECT_EQ(ToHex(Encode(out)), ToHex(g.Encode(g.MulGen(BigInt::ModMul(k, two, Ps().q))))) << i;
    // [k]P + [q - k]P is the identity.
    EXPECT_FALSE(MulFixed2(tp, k, tp, BigInt::Sub(Ps().q, k), out)) << i;
    EXPECT_FALSE(MulFixedPlus(tp, BigInt::Sub(Ps().q, k), FromEcPoint(g, kp), out)) << i;
  }
  Affine out;
  EXPECT_FALSE(MulFixed(tp, BigInt(0), out));
  EXPECT_FALSE(MulFixed(tp, Ps().q, out));
}

TEST(FastGPow, MatchesTheReference) {
  HmacDrbg rng(24, "gpow");
  const GPowTable t(Fp::Sakke().FromBigInt(Ps().fp.ToInt(Ps().g)));
  for (int i = 0; i < Cases(20); ++i) {
    BigInt k = *RandomScalar(rng, Ps().q);
    if (i == 0) k = BigInt(1);
    EXPECT_EQ(Fp::Sakke().ToBigInt(t.Pow(k)), Ps().fp.ToInt(PfpPow(Ps(), Ps().g, k))) << i;
  }
}

TEST(FastGPow, PowerTimesFactorMatchesTheReference) {
  HmacDrbg rng(27, "pfpow");
  const Fe g = Fp::Sakke().FromBigInt(Ps().fp.ToInt(Ps().g));
  for (int i = 0; i < Cases(10); ++i) {
    BigInt e = *RandomScalar(rng, Ps().q);
    if (i == 0) e = BigInt(0);
    if (i == 1) e = BigInt(1);
    // g^e g = g^(e + 1)
    EXPECT_EQ(Fp::Sakke().ToBigInt(PfPowMul(g, e, g)), Ps().fp.ToInt(PfpPow(Ps(), Ps().g, BigInt::Add(e, BigInt(1)))))
        << i;
  }
}

}  // namespace
}  // namespace mcx::crypto::sakke::fast

namespace mcx::crypto::sakke {
namespace {

// RFC 6508 6.2.1 computed only with the reference path (OpenSSL EC, BIGNUM pairing code).
Bytes ReferenceEncapsulate(const EcPoint& z, ByteView id, ByteView ssv) {
  const ParameterSet& ps = ParameterSet::Set1();
  Bytes in = ssv.ToBytes();
  Append(in, id);
  const BigInt r = HashToIntegerRange(in, ps.q);
  const BigInt b = BigInt::Mod(BigInt::FromBytes(id), ps.q);
  const EcPoint q = ps.curve.MulGenAdd(b, z, BigInt(1));
  Bytes sed = ps.curve.Encode(ps.curve.Mul(q, r));
  const Bytes mask = HashToIntegerRange(ps.fp.Encode(PfpPow(ps, ps.g, r)), BigInt::PowerOfTwo(128)).ToFixedBytes(16);
  for (size_t i = 0; i < 16; ++i) sed.push_back(ssv[i] ^ mask[i]);
  return sed;
}

TEST(FastDifferential, RandomEncapsulationsMatchTheReferenceAndDecapsulate) {
  HmacDrbg rng(25, "differential");
  auto kms = MasterSecret::Generate(rng);
  ASSERT_TRUE(kms.ok());
  auto z_ref = ParameterSet::Set1().curve.Decode(kms->Public().Encoded());
  ASSERT_TRUE(z_ref.ok());
  Bytes id(32);
  std::unique_ptr<Encapsulator> encapsulator;
  const int cases = fast::Cases(100);
  for (int i = 0; i < cases; ++i) {
    if (i % 25 == 0) {  // a new receiver every 25 cases
      ASSERT_TRUE(rng.Fill(id.data(), id.size()).ok());
    }
    auto ssv = rng.Generate(16);
    auto fast_sed = Encapsulate(kms->Public(), id, *ssv);
    ASSERT_TRUE(fast_sed.ok());
    ASSERT_EQ(ToHex(*fast_sed), ToHex(ReferenceEncapsulate(*z_ref, id, *ssv))) << i;
    if (i % 25 == 0) encapsulator = std::make_unique<Encapsulator>(*Encapsulator::Create(kms->Public(), id));
    ASSERT_EQ(ToHex(*encapsulator->Encapsulate(*ssv)), ToHex(*fast_sed)) << i;  // the per-receiver table
    if (i % 25 == 0) {
      auto rsk = kms->IssueRsk(id);
      ASSERT_TRUE(rsk.ok());
      auto with_table = ReceiverKey::Create(kms->Public(), id, *rsk);
      auto without = ReceiverKey::Create(kms->Public(), id, *rsk, /*validate=*/false, /*precompute=*/false);
      auto with_check = ReceiverKey::Create(kms->Public(), id, *rsk, false, true, /*check_table=*/true);
      ASSERT_TRUE(with_table.ok() && without.ok() && with_check.ok());
      EXPECT_EQ(with_table->Decapsulate(*fast_sed)->Expose(), ssv->Expose()) << i;
      EXPECT_EQ(without->Decapsulate(*fast_sed)->Expose(), ssv->Expose()) << i;
      EXPECT_EQ(with_check->Decapsulate(*fast_sed)->Expose(), ssv->Expose()) << i;
      EXPECT_GT(with_check->PrecomputedBytes(), with_table->PrecomputedBytes());
      Bytes bad = *fast_sed;
      bad[100] ^= 1;  // usually off the curve
      EXPECT_FALSE(with_table->Decapsulate(bad).ok());
      bad = *fast_sed;
      bad[kSedBytes - 3] ^= 1;  // H changed: the integrity check fails
      EXPECT_EQ(with_table->Decapsulate(bad).error(), Error::kSakkeIntegrityFailed);
      EXPECT_EQ(with_check->Decapsulate(bad).error(), Error::kSakkeIntegrityFailed);
    }
  }
}

}  // namespace
}  // namespace mcx::crypto::sakke

namespace mcx::crypto {
namespace {

// BigInt::ModInverse (safegcd for odd moduli up to 256 bits) against OpenSSL's BN_mod_inverse
// called directly: the P-256 order, another odd 256-bit modulus, and a 1024-bit one (OpenSSL's
// path in both).
TEST(BigIntInverse, MatchesOpenSsl) {
  HmacDrbg rng(23, "inverse");
  const BigInt p256_order = BigInt::FromHexConstant("FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
  const BigInt odd = BigInt::FromHexConstant("8000000000000000000000000000000000000000000000000000000000000001");
  BN_CTX* ctx = BN_CTX_new();
  for (const BigInt* m : {&p256_order, &odd, &sakke::ParameterSet::Set1().p}) {
    for (int i = 0; i < sakke::fast::Cases(300); ++i) {
      BigInt a = BigInt::Mod(BigInt::FromBytes(*rng.Generate(40)), *m);
      if (i == 0) a = BigInt(1);
      if (i == 1) a = BigInt::Sub(*m, BigInt(1));
      if (a.IsZero()) continue;
      BigInt ref;
      if (BN_mod_inverse(ref.raw(), a.raw(), m->raw(), ctx) == nullptr) {
        ERR_clear_error();
        continue;  // not invertible (the composite modulus)
      }
      ASSERT_EQ(BigInt::ModInverse(a, *m), ref) << i;
      ASSERT_TRUE(BigInt::ModMul(a, BigInt::ModInverse(a, *m), *m).IsOne());
    }
  }
  BN_CTX_free(ctx);
  // 2^255 + 1 is a multiple of 3: no inverse.
  EXPECT_THROW(BigInt::ModInverse(BigInt(3), odd), std::invalid_argument);
  EXPECT_THROW(BigInt::ModInverse(BigInt(6), odd), std::invalid_argument);
}

}  // namespace
}  // namespace mcx::crypto
