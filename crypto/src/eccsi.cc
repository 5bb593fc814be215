#include "mcx/crypto/eccsi.h"

#include "ec.h"
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

Status Verify(ByteView kpak, ByteView id, ByteView message, ByteView signature) {
  if (signature.size() != kSignatureBytes) return Error::kBadLength;
  const BigInt& q = G().Order();
  ByteView rb = signature.Sub(0, kScalarBytes);
  ByteView sb = signature.Sub(kScalarBytes, kScalarBytes);
  ByteView pvt = signature.Sub(2 * kScalarBytes, kPointBytes);
  auto kp = G().Decode(kpak);
  if (!kp) return kp.error();
  auto pv = G().Decode(pvt);  // 1) PVT must be a valid point
  if (!pv) return pv.error();
  BigInt r = BigInt::FromBytes(rb), s = BigInt::FromBytes(sb);
  if (r.IsZero() || s.IsZero() || s >= q) return Error::kSignatureInvalid;
  BigInt hs = HsScalar(kpak, id, pvt);  // 2) HS
  Sha256Hasher h;
  BigInt he = BigInt::FromBytes(
      h.Update(hs.ToFixedBytes(kScalarBytes)).Update(rb).Update(message).Final());  // 3) HE
  EcPoint y = G().Add(G().Mul(*pv, hs), *kp);  // 4) Y = [HS]PVT + KPAK
  // 5) J = [s]([HE]G + [r]Y); all scalars public.
  EcPoint inner = G().MulGenAdd(he, y, r);
  EcPoint j = G().Mul(inner, s);
  if (G().IsInfinity(j)) return Error::kSignatureInvalid;
  BigInt jx, jy;
  G().Affine(j, jx, jy);
  // 6) Jx = r mod p, Jx != 0.
  if (jx.IsZero() || BigInt::Mod(jx, G().FieldPrime()) != BigInt::Mod(r, G().FieldPrime()))
    return Error::kSignatureInvalid;
  return Status::Ok();
}

}  // namespace mcx::crypto::eccsi
