#include "mcx/crypto/eccsi.h"

#include "mcx/crypto/op_count.h"

#include <map>
#include <mutex>

#include "mcx/crypto/internal/ec_group.h"
#include "mcx/crypto/internal/p256_fast.h"
#include "mcx/crypto/hash.h"

namespace mcx::crypto::eccsi {

namespace {

const EcGroup& G() { return EcGroup::P256(); }

const Bytes& EncodedG() {
  static const Bytes g = G().Encode(G().Generator());
  return g;
}

BigInt HsScalar(ByteView kpak, ByteView id, ByteView pvt) {
  return BigInt::FromBytes(ComputeHs(kpak, id, pvt));
}

}  // namespace

struct Signer::Impl {
  SecretBytes ssk;
  Bytes pvt;
  BigInt hs;
};

Bytes ComputeHs(ByteView kpak, ByteView id, ByteView pvt) {
  Sha256Hasher h;
  return h.Update(EncodedG()).Update(kpak).Update(id).Update(pvt).Final();
}

Result<KmsSecret> KmsSecret::Generate(Rng& rng) {
  auto k = RandomScalar(rng, G().Order());
  if (!k) return k.error();
  return Decode(k->ToFixedBytes(kScalarBytes));
}

Result<KmsSecret> KmsSecret::Decode(ByteView ksak) {
  auto k = DecodeScalar(ksak, kScalarBytes, G().Order());
  if (!k) return k.error();
  return KmsSecret(SecretBytes(ksak), G().Encode(G().MulGen(*k)));  // KPAK = [KSAK]G
}

Result<UserKey> KmsSecret::Issue(ByteView id, Rng& rng) const {
  const BigInt& q = G().Order();
  BigInt ksak = BigInt::FromBytes(ksak_);
  ksak.SetConstTime();
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto v = RandomScalar(rng, q);  // 1) v in F_q*
    if (!v) return v.error();
    Bytes pvt = G().Encode(G().MulGen(*v));                // 2) PVT = [v]G
    BigInt hs = HsScalar(kpak_, id, pvt);                  // 3) HS
    BigInt hsv = BigInt::ModMul(hs, *v, q);
    BigInt ssk = BigInt::ModAdd(ksak, hsv, q);             // 4) SSK = KSAK + HS v mod q
    if (ssk.IsZero() || hsv.IsZero()) continue;            //    redraw v
    return UserKey{SecretBytes(ssk.ToFixedBytes(kScalarBytes)), std::move(pvt)};
  }
  return Error::kRandomFailure;
}

Status ValidatePublicKey(ByteView point) {
  auto p = G().Decode(point);
  if (!p) return p.error();
  return Status::Ok();
}

Status ValidateSsk(ByteView kpak, ByteView id, ByteView ssk, ByteView pvt) {
  CountOp(Op::kEccsiSskValidate);
  auto kp = G().Decode(kpak);
  if (!kp) return kp.error();
  auto pv = G().Decode(pvt);
  if (!pv) return pv.error();
  auto k = DecodeScalar(ssk, kScalarBytes, G().Order());
  if (!k) return k.error();
  // [SSK]G == KPAK + [HS]PVT
  EcPoint rhs = G().Add(*kp, G().Mul(*pv, HsScalar(kpak, id, pvt)));
  if (!G().Equal(G().MulGen(*k), rhs)) return Error::kInvalidSsk;
  return Status::Ok();
}

Result<Signer> Signer::Create(ByteView kpak, ByteView id, ByteView ssk, ByteView pvt) {
  MCX_TRY(ValidateSsk(kpak, id, ssk, pvt));
  return Signer(std::make_shared<const Impl>(
      Impl{SecretBytes(ssk), pvt.ToBytes(), HsScalar(kpak, id, pvt)}));
}

Result<Bytes> Signer::Sign(ByteView message, Rng& rng) const {
  CountOp(Op::kEccsiSign);
  const BigInt& q = G().Order();
  BigInt ssk = BigInt::FromBytes(impl_->ssk);
  ssk.SetConstTime();
  const Bytes hs = impl_->hs.ToFixedBytes(kScalarBytes);
  for (int attempt = 0; attempt < 16; ++attempt) {
    auto j = RandomScalar(rng, q);  // 1) j in F_q*
    if (!j) return j.error();
    BigInt jx, jy;
    G().Affine(G().MulGen(*j), jx, jy);  // 2) J = [j]G, r = Jx
    const Bytes r = jx.ToFixedBytes(kScalarBytes);
    Sha256Hasher h;
    BigInt he = BigInt::FromBytes(h.Update(hs).Update(r).Update(message).Final());  // 3) HE
    BigInt t = BigInt::ModAdd(he, BigInt::ModMul(jx, ssk, q), q);  // 4) HE + r SSK
    if (t.IsZero()) continue;                                     //    restart with a fresh j
    BigInt s = BigInt::ModMul(BigInt::ModInverse(t, q), *j, q);  // 5) s' = (HE + r SSK)^-1 j
    if (s.IsZero()) continue;
    // 6) s = s' (s' < q always fits in N octets, so the RFC's q - s' branch never applies).
    Bytes sig = r;
    Append(sig, s.ToFixedBytes(kScalarBytes));
    Append(sig, impl_->pvt);
    return sig;
  }
  return Error::kRandomFailure;
}

namespace {

struct SignatureParts {
  BigInt r, s;
  ByteView rb, pvt;
};

/// Splits r || s || PVT and checks the ranges (RFC 6507 5.2.2 step 1 checks PVT separately).
Result<SignatureParts> Split(ByteView signature) {
  if (signature.size() != kSignatureBytes) return Error::kBadLength;
  SignatureParts p{BigInt::FromBytes(signature.Sub(0, kScalarBytes)),
                   BigInt::FromBytes(signature.Sub(kScalarBytes, kScalarBytes)), signature.Sub(0, kScalarBytes),
                   signature.Sub(2 * kScalarBytes, kPointBytes)};
  if (p.r.IsZero() || p.s.IsZero() || p.s >= G().Order()) return Error::kSignatureInvalid;
  return p;
}

/// HE for the verification (step 3), and the two scalars of J = [s HE]G + [s r]Y.
struct VerifyScalars {
  BigInt u1, u2;
};
VerifyScalars Scalars(const BigInt& hs, const SignatureParts& sig, ByteView message) {
  const BigInt& q = G().Order();
  Sha256Hasher h;
  BigInt he = BigInt::FromBytes(h.Update(hs.ToFixedBytes(kScalarBytes)).Update(sig.rb).Update(message).Final());
  return {BigInt::ModMul(sig.s, he, q), BigInt::ModMul(sig.s, sig.r, q)};
}

/// Step 6: accept if Jx = r mod p and Jx != 0.
Status CheckJx(const BigInt& jx, const SignatureParts& sig) {
  if (jx.IsZero() || BigInt::Mod(jx, G().FieldPrime()) != BigInt::Mod(sig.r, G().FieldPrime()))
    return Error::kSignatureInvalid;
  return Status::Ok();
}

/// Steps 3, 5, 6 given HS and Y: J = [s HE]G + [s r]Y (one double-scalar multiplication).
Status VerifyWithY(const BigInt& hs, const EcPoint& y, const SignatureParts& sig, ByteView message) {
  const VerifyScalars u = Scalars(hs, sig, message);
  EcPoint j = G().MulGenAdd(u.u1, y, u.u2);
  if (G().IsInfinity(j)) return Error::kSignatureInvalid;
  BigInt jx, jy;
  G().Affine(j, jx, jy);
  return CheckJx(jx, sig);
}

/// The same with fixed-base tables of G and Y: everything verified is public, so the variable-time
/// P-256 code (p256_fast.h) serves.
Status VerifyWithTables(const BigInt& hs, const p256::PointTable& y, const SignatureParts& sig, ByteView message) {
  static const p256::PointTable g_table = [] {
    BigInt gx, gy;
    G().Affine(G().Generator(), gx, gy);
    return p256::PointTable(gx, gy, 8);  // one per process: the wider window
  }();
  const VerifyScalars u = Scalars(hs, sig, message);
  // Step 6: Jx = r mod p, and Jx != 0.
  const BigInt r = BigInt::Mod(sig.r, G().FieldPrime());
  if (r.IsZero() || !p256::MulAddXIs(g_table, u.u1, y, u.u2, r)) return Error::kSignatureInvalid;
  return Status::Ok();
}

}  // namespace

Status Verify(ByteView kpak, ByteView id, ByteView message, ByteView signature) {
  CountOp(Op::kEccsiVerify);
  auto sig = Split(signature);
  if (!sig) return sig.error();
  auto kp = G().Decode(kpak);
  if (!kp) return kp.error();
  auto pv = G().Decode(sig->pvt);  // 1) PVT must be a valid point
  if (!pv) return pv.error();
  BigInt hs = HsScalar(kpak, id, sig->pvt);  // 2) HS
  EcPoint y = G().MulGenAdd(BigInt(0), *pv, hs);
  y = G().Add(y, *kp);  // 4) Y = [HS]PVT + KPAK
  return VerifyWithY(hs, y, *sig, message);
}

struct Verifier::Impl {
  Impl(Bytes k, EcPoint p) : kpak(std::move(k)), kpak_point(std::move(p)) {}
  Bytes kpak;
  EcPoint kpak_point;
  struct Entry {
    BigInt hs;
    EcPoint y;
    /// A table of Y, made when the sender's second signature arrives (about 90 kB, 0.3 ms).
    std::shared_ptr<const p256::PointTable> table;
  };
  mutable std::mutex mu;
  mutable std::map<Bytes, Entry> cache;  ///< by ID || PVT
  mutable size_t tables = 0;             ///< entries holding a table
};

Result<Verifier> Verifier::Create(ByteView kpak) {
  auto kp = G().Decode(kpak);
  if (!kp) return kp.error();
  auto impl = std::make_shared<Impl>(kpak.ToBytes(), std::move(kp).value());
  return Verifier(std::move(impl));
}

Status Verifier::Verify(ByteView id, ByteView message, ByteView signature) const {
  CountOp(Op::kEccsiVerify);
  constexpr size_t kMaxCachedSenders = 8192;
  constexpr size_t kMaxTables = 256;  // 23 MB at most
  auto sig = Split(signature);
  if (!sig) return sig.error();
  Bytes key = id.ToBytes();
  Append(key, sig->pvt);
  std::unique_lock<std::mutex> lock(impl_->mu);
  auto it = impl_->cache.find(key);
  const bool fresh = it == impl_->cache.end();
  if (fresh) {
    lock.unlock();
    auto pv = G().Decode(sig->pvt);
    if (!pv) return pv.error();
    BigInt hs = HsScalar(impl_->kpak, id, sig->pvt);
    EcPoint y = G().Add(G().MulGenAdd(BigInt(0), *pv, hs), impl_->kpak_point);
    lock.lock();
    if (impl_->cache.size() >= kMaxCachedSenders) {
      impl_->cache.clear();
      impl_->tables = 0;
    }
    it = impl_->cache.emplace(std::move(key), Impl::Entry{std::move(hs), std::move(y), nullptr}).first;
  }
  if (!fresh && !it->second.table && impl_->tables < kMaxTables) {  // a sender seen again: worth a table
    BigInt yx, yy;
    G().Affine(it->second.y, yx, yy);
    it->second.table = std::make_shared<const p256::PointTable>(yx, yy);
    ++impl_->tables;
  }
  const Impl::Entry entry = it->second;
  lock.unlock();
  if (entry.table) return VerifyWithTables(entry.hs, *entry.table, *sig, message);
  return VerifyWithY(entry.hs, entry.y, *sig, message);
}

size_t Verifier::CachedSenders() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->cache.size();
}

}  // namespace mcx::crypto::eccsi
