#include "mcx/crypto/sakke.h"

#include "sakke_params.h"

namespace mcx::crypto::sakke {

struct PublicKey::Impl {
  Bytes encoded;
  EcPoint z;
};

struct ReceiverKey::Impl {
  PublicKey kms;
  Bytes identifier;
  EcPoint rsk;
  EcPoint bp_plus_z;  ///< [b]P + Z, fixed for this identity and KMS
};

namespace {

const ParameterSet& Ps() { return ParameterSet::Set1(); }

/// [b]P + Z, with b the identifier read as a big-endian integer (RFC 6508 6.2.1 step 2).
EcPoint BpPlusZ(const PublicKey& kms, ByteView identifier) {
  const BigInt b = BigInt::Mod(BigInt::FromBytes(identifier), Ps().q);
  return Ps().curve.MulGenAdd(b, kms.impl().z, BigInt(1));
}

/// HashToIntegerRange(g^r or w as 128 bytes, 2^n) as 16 bytes: the SSV mask.
SecretBytes Mask(const FpElem& w) {
  Bytes wb = Ps().fp.Encode(w);
  SecretBytes m(kSsvBytes);
  Bytes v = HashToIntegerRange(wb, BigInt::PowerOfTwo(Ps().n_bits)).ToFixedBytes(kSsvBytes);
  std::copy(v.begin(), v.end(), m.data());
  SecureWipe(v.data(), v.size());
  SecureWipe(wb.data(), wb.size());
  return m;
}

/// r = HashToIntegerRange(SSV || b, q) (RFC 6508 6.2.1 step 1).
BigInt DeriveR(ByteView ssv, ByteView identifier) {
  Bytes in = ssv.ToBytes();
  Append(in, identifier);
  BigInt r = HashToIntegerRange(in, Ps().q);
  r.SetConstTime();
  SecureWipe(in.data(), in.size());
  return r;
}

}  // namespace

Result<PublicKey> PublicKey::Decode(ByteView z) {
  auto pt = Ps().curve.Decode(z, /*check_order=*/true);
  if (!pt) return pt.error();
  return PublicKey(std::make_shared<const Impl>(Impl{z.ToBytes(), std::move(pt).value()}));
}

const Bytes& PublicKey::Encoded() const { return impl_->encoded; }

Result<MasterSecret> MasterSecret::Generate(Rng& rng) {
  auto z = RandomScalar(rng, Ps().q);
  if (!z) return z.error();
  return Decode(z->ToFixedBytes(kFieldBytes));
}

Result<MasterSecret> MasterSecret::Decode(ByteView zb) {
  auto z = DecodeScalar(zb, kFieldBytes, Ps().q);
  if (!z) return z.error();
  EcPoint zp = Ps().curve.MulGen(*z);  // Z = [z]P (RFC 6508 2.2)
  Bytes enc = Ps().curve.Encode(zp);
  PublicKey pub(std::make_shared<const PublicKey::Impl>(PublicKey::Impl{enc, std::move(zp)}));
  return MasterSecret(SecretBytes(zb), std::move(pub));
}

SecretBytes MasterSecret::Encode() const { return z_; }

Result<Bytes> MasterSecret::IssueRsk(ByteView identifier) const {
  const BigInt& q = Ps().q;
  BigInt z = BigInt::FromBytes(z_);
  z.SetConstTime();
  BigInt sum = BigInt::ModAdd(BigInt::FromBytes(identifier), z, q);
  if (sum.IsZero()) return Error::kScalarOutOfRange;
  BigInt inv = BigInt::ModInverse(sum, q);
  return Ps().curve.Encode(Ps().curve.MulGen(inv));
}

Status ValidateRsk(const PublicKey& kms, ByteView identifier, ByteView rsk) {
  auto key = ReceiverKey::Create(kms, identifier, rsk, /*validate=*/true);
  if (!key) return key.error();
  return Status::Ok();
}

Result<Bytes> Encapsulate(const PublicKey& kms, ByteView identifier, ByteView ssv) {
  if (ssv.size() != kSsvBytes) return Error::kBadLength;
  const ParameterSet& ps = Ps();
  BigInt r = DeriveR(ssv, identifier);
  EcPoint rb = ps.curve.Mul(BpPlusZ(kms, identifier), r);  // step 2: R = [r]([b]P + Z)
  SecretBytes mask = Mask(PfpPow(ps, ps.g, r));            // step 3: g^r, no pairing needed
  Bytes sed = ps.curve.Encode(rb);
  for (size_t i = 0; i < kSsvBytes; ++i) sed.push_back(ssv[i] ^ mask[i]);  // H = SSV XOR mask
  return sed;
}

Result<ReceiverKey> ReceiverKey::Create(const PublicKey& kms, ByteView identifier, ByteView rsk,
                                        bool validate) {
  auto pt = Ps().curve.Decode(rsk);
  if (!pt) return pt.error();
  auto impl = std::make_shared<Impl>(
      Impl{kms, identifier.ToBytes(), std::move(pt).value(), BpPlusZ(kms, identifier)});
  if (validate) {
    // RFC 6508 6.1.2: <[b]P + Z, RSK> == g.
    auto w = Pairing(Ps(), impl->bp_plus_z, impl->rsk);
    if (!w) return w.error();
    if (!Ps().fp.Equal(*w, Ps().g)) return Error::kInvalidRsk;
  }
  return ReceiverKey(std::move(impl));
}

Result<SecretBytes> ReceiverKey::Decapsulate(ByteView sed) const {
  if (sed.size() != kSedBytes) return Error::kBadLength;
  const ParameterSet& ps = Ps();
  auto rb = ps.curve.Decode(sed.Sub(0, kPointBytes));
  if (!rb) return rb.error();
  // RFC 6508 6.2.2 step 1: w = <Rb, RSK>.
  auto w = Pairing(ps, *rb, impl_->rsk);
  if (!w) return Error::kSakkeIntegrityFailed;  // Rb outside E[q]: cannot be a valid SED
  // Step 2: SSV = H XOR HashToIntegerRange(w, 2^n).
  SecretBytes ssv = Mask(*w);
  ByteView h = sed.Sub(kPointBytes, kSsvBytes);
  for (size_t i = 0; i < kSsvBytes; ++i) ssv[i] ^= h[i];
  // Steps 3-4: r = HashToIntegerRange(SSV || b, q); TEST = [r]([b]P + Z); TEST == Rb.
  BigInt r = DeriveR(ssv, impl_->identifier);
  if (!ps.curve.Equal(ps.curve.Mul(impl_->bp_plus_z, r), *rb)) return Error::kSakkeIntegrityFailed;
  return ssv;
}

Result<SecretBytes> Decapsulate(const PublicKey& kms, ByteView identifier, ByteView rsk,
                                ByteView sed) {
  auto key = ReceiverKey::Create(kms, identifier, rsk, /*validate=*/false);
  if (!key) return key.error();
  return key->Decapsulate(sed);
}

}  // namespace mcx::crypto::sakke
