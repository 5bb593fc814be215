#include "mcx/crypto/sakke.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <vector>

#include "mcx/crypto/ahead.h"
#include "mcx/crypto/internal/sakke_fast.h"
#include "mcx/crypto/internal/sakke_params.h"
#include "mcx/crypto/op_count.h"

namespace mcx::crypto::sakke {

using fast::Affine;
using fast::Fe;

namespace {

const ParameterSet& Ps() { return ParameterSet::Set1(); }

/// Process-wide fast-path data of the parameter set: the table of P and of g.
struct FastParams {
  fast::FixedBaseTable p_table{fast::FromEcPoint(Ps().curve, Ps().curve.Generator())};
  fast::GPowTable g_table{fast::Fp::Sakke().FromBigInt(Ps().fp.ToInt(Ps().g))};
  Fe g{fast::Fp::Sakke().FromBigInt(Ps().fp.ToInt(Ps().g))};
  BigInt q_minus_1{BigInt::Sub(Ps().q, BigInt(1))};
};
const FastParams& Fast() {
  static const FastParams f;
  return f;
}

}  // namespace

struct PublicKey::Impl {
  Bytes encoded;
  Affine z;
  /// The fixed-base table of Z, built on first use (1.2 MB) and shared by all copies.
  const fast::FixedBaseTable& ZTable() const {
    std::call_once(table_once, [this] { table = std::make_unique<fast::FixedBaseTable>(z); });
    return *table;
  }
  /// The Miller-loop lines of Z (RSK validation), built on first use (343 kB), shared likewise.
  const fast::LineTable& ZLines() const {
    std::call_once(lines_once, [this] { lines = std::make_unique<fast::LineTable>(z, Fast().q_minus_1); });
    return *lines;
  }
  mutable std::once_flag table_once, lines_once;
  mutable std::unique_ptr<fast::FixedBaseTable> table;
  mutable std::unique_ptr<fast::LineTable> lines;
};

struct ReceiverKey::Impl {
  Impl(PublicKey k, Bytes id, BigInt b_in, Affine r, Affine q)
      : kms(std::move(k)), identifier(std::move(id)), b(std::move(b_in)), rsk(r), bp_plus_z(q) {}
  /// Tells keys apart in ahead::Key for the life of the process (an address can be reused).
  const uint64_t serial = NextSerial();
  static uint64_t NextSerial() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
  }
  /// The RSK is the receiver's secret (RFC 6508 6.1.1): wiped with its key (the line table,
  /// derived from it, wipes itself).
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  PublicKey kms;
  Bytes identifier;
  BigInt b;           ///< the identifier as an integer mod q
  Affine rsk;
  Affine bp_plus_z;   ///< [b]P + Z, fixed for this identity and KMS
  std::unique_ptr<fast::LineTable> lines;  ///< the RSK's Miller-loop lines (precompute)
  /// Optional: a fixed-base table of [b]P + Z for the integrity check of each decapsulation
  /// (RFC 6508 6.2.2 step 4).
  std::unique_ptr<fast::FixedBaseTable> check_table;
};

namespace {

// SetLineTablePolicy: the policy, its budget and the bytes of the line tables alive.
std::atomic<int> g_table_policy{static_cast<int>(LineTables::kOn)};
std::atomic<size_t> g_table_budget{0}, g_table_bytes{0}, g_table_peak{0};

void AddTableBytes(size_t n) {
  const size_t now = g_table_bytes += n;
  size_t peak = g_table_peak.load();
  while (now > peak && !g_table_peak.compare_exchange_weak(peak, now)) {
  }
}

/// Whether a receiver key created now keeps its line table.
bool MayKeepLineTable() {
  switch (static_cast<LineTables>(g_table_policy.load(std::memory_order_relaxed))) {
    case LineTables::kOn: return true;
    case LineTables::kOff: return false;
    case LineTables::kAuto: return g_table_bytes.load() < g_table_budget.load(std::memory_order_relaxed);
  }
  return true;
}

}  // namespace

ReceiverKey::Impl::~Impl() {
  SecureWipe(&rsk, sizeof rsk);
  if (lines) g_table_bytes -= lines->Bytes();
}

void SetLineTablePolicy(LineTables policy, size_t budget_bytes) {
  g_table_budget = budget_bytes;
  g_table_policy = static_cast<int>(policy);
  g_table_peak = g_table_bytes.load();
}

size_t LineTableBytesAlive() { return g_table_bytes.load(); }
size_t LineTableBytesPeak() { return g_table_peak.load(); }

namespace {

BigInt IdentifierScalar(ByteView identifier) { return BigInt::Mod(BigInt::FromBytes(identifier), Ps().q); }

/// [b]P + Z, with b the identifier read as a big-endian integer (RFC 6508 6.2.1 step 2). b and
/// Z are public: Z is added once rather than through its table.
Result<Affine> BpPlusZ(const PublicKey& kms, const BigInt& b) {
  Affine out;
  if (!fast::MulFixedPlus(Fast().p_table, b, kms.impl().z, out)) return Error::kPointAtInfinity;
  return out;
}

/// [k1]P + [k2]Z on the fixed-base tables (constant time in the scalars).
Result<Affine> MulPZ(const PublicKey& kms, const BigInt& k1, const BigInt& k2) {
  Affine out;
  if (!fast::MulFixed2(Fast().p_table, k1, kms.impl().ZTable(), k2, out)) return Error::kPointAtInfinity;
  return out;
}

Result<Affine> DecodePoint(ByteView bytes, bool check_order) {
  auto pt = Ps().curve.Decode(bytes, check_order);
  if (!pt) return pt.error();
  return fast::FromEcPoint(Ps().curve, *pt);
}

/// HashToIntegerRange(g^r or w as 128 bytes, 2^n) as 16 bytes: the SSV mask.
SecretBytes Mask(const Fe& w) {
  Bytes wb(crypto::fast::kFeBytes);
  fast::Fp::Sakke().ToBytes(w, wb.data());
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

namespace {

// ---- Computing ahead (ahead.h): every operation here is pure. ----

/// The receiver keys alive in this process by (Z, identifier): an SED made for an identifier is
/// opened ahead with the keys that may be asked to open it.
class LiveReceivers {
 public:
  void Add(const std::shared_ptr<const ReceiverKey::Impl>& k, ByteView z, ByteView identifier) {
    std::lock_guard<std::mutex> lock(mu_);
    if (by_identity_.size() >= 2 * swept_at_ + 64) {  // identities whose keys all died go
      for (auto it = by_identity_.begin(); it != by_identity_.end();) {
        Prune(it->second);
        it = it->second.empty() ? by_identity_.erase(it) : std::next(it);
      }
      swept_at_ = by_identity_.size();
    }
    auto& keys = by_identity_[Identity(z, identifier)];
    Prune(keys);
    if (keys.size() >= 2) keys.erase(keys.begin());  // the newest two: a new period's key and the last one
    keys.push_back(k);
  }
  std::vector<std::shared_ptr<const ReceiverKey::Impl>> Find(ByteView z, ByteView identifier) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::shared_ptr<const ReceiverKey::Impl>> live;
    auto it = by_identity_.find(Identity(z, identifier));
    if (it == by_identity_.end()) return live;
    Prune(it->second);
    for (const auto& w : it->second)
      if (auto k = w.lock()) live.push_back(std::move(k));
    return live;
  }

 private:
  static Bytes Identity(ByteView z, ByteView identifier) {
    Bytes id = z.ToBytes();
    Append(id, identifier);
    return id;
  }
  static void Prune(std::vector<std::weak_ptr<const ReceiverKey::Impl>>& keys) {
    keys.erase(std::remove_if(keys.begin(), keys.end(), [](const auto& w) { return w.expired(); }), keys.end());
  }
  std::mutex mu_;
  std::map<Bytes, std::vector<std::weak_ptr<const ReceiverKey::Impl>>> by_identity_;
  size_t swept_at_ = 0;
};
LiveReceivers& Receivers() {
  static LiveReceivers* r = new LiveReceivers;  // never destroyed: workers may still read it at exit
  return *r;
}

ahead::Key EncapsulationKey(const PublicKey& kms, ByteView identifier, ByteView ssv) {
  return ahead::Key("sakke-encapsulate", {kms.Encoded(), identifier, ssv});
}
ahead::Key DecapsulationKey(const ReceiverKey::Impl& k, ByteView sed) {
  Bytes serial;
  AppendU64(serial, k.serial);
  return ahead::Key("sakke-decapsulate", {serial, sed});
}
ahead::Key ReceiverKeyKey(const PublicKey& kms, ByteView identifier, ByteView rsk, bool validate, bool precompute,
                          bool check_table) {
  const uint8_t flags = static_cast<uint8_t>(validate | precompute << 1 | check_table << 2);
  return ahead::Key("sakke-receiver-key", {kms.Encoded(), identifier, rsk, ByteView(&flags, 1)});
}
// What a submission holds until it is asked for (the budget in ahead::SetWorkers): its inputs,
// its result, the table entry; a receiver key with its line table.
constexpr size_t kSedWeight = 1024, kDecapsulationWeight = 768, kReceiverKeyWeight = 360 << 10;

Result<SecretBytes> DecapsulateWith(const ReceiverKey::Impl& k, ByteView sed);

/// Opens a fresh SED ahead with each live key of its receiver (the GMK a GMS sends a member, the
/// PCK of a call, a CSK to a server).
void OpenAhead(const PublicKey& kms, ByteView identifier, const Bytes& sed) {
  if (!ahead::Enabled()) return;
  // The task holds the key weakly: a key its owner dropped (a past period's) is not kept alive
  // by an SED nobody will open with it, and its result could not be asked for anyway.
  for (auto& k : Receivers().Find(kms.Encoded(), identifier))
    ahead::Submit<Result<SecretBytes>>(DecapsulationKey(*k, sed), kDecapsulationWeight,
                                       [weak = std::weak_ptr<const ReceiverKey::Impl>(k), sed]() -> Result<SecretBytes> {
                                         if (auto key = weak.lock()) return DecapsulateWith(*key, sed);
                                         return Error::kSakkeIntegrityFailed;  // never asked for
                                       });
}

}  // namespace

Result<PublicKey> PublicKey::Decode(ByteView z) {
  // One decoded key (and its fixed-base table) per distinct Z in the process: the many users of
  // one KMS domain in a simulation share it.
  static std::mutex mu;
  static std::map<Bytes, std::weak_ptr<const Impl>> cache;
  const Bytes key = z.ToBytes();
  {
    std::lock_guard<std::mutex> lock(mu);
    auto it = cache.find(key);
    if (it != cache.end())
      if (auto live = it->second.lock()) return PublicKey(std::move(live));
  }
  auto pt = DecodePoint(z, /*check_order=*/true);
  if (!pt) return pt.error();
  auto impl = std::make_shared<Impl>();
  impl->encoded = key;
  impl->z = *pt;
  std::lock_guard<std::mutex> lock(mu);
  cache[key] = impl;
  return PublicKey(std::move(impl));
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
  Affine zp;  // Z = [z]P (RFC 6508 2.2), on the table of P
  if (!fast::MulFixed(Fast().p_table, *z, zp)) return Error::kScalarOutOfRange;
  auto impl = std::make_shared<PublicKey::Impl>();
  impl->encoded = fast::Encode(zp);
  impl->z = zp;
  return MasterSecret(SecretBytes(zb), PublicKey(std::move(impl)));
}

SecretBytes MasterSecret::Encode() const { return z_; }

Result<Bytes> MasterSecret::IssueRsk(ByteView identifier) const {
  const BigInt& q = Ps().q;
  BigInt z = BigInt::FromBytes(z_);
  z.SetConstTime();
  BigInt sum = BigInt::ModAdd(BigInt::FromBytes(identifier), z, q);
  if (sum.IsZero()) return Error::kScalarOutOfRange;
  BigInt inv = BigInt::ModInverse(sum, q);
  inv.SetConstTime();
  Affine rsk;
  if (!fast::MulFixed(Fast().p_table, inv, rsk)) return Error::kScalarOutOfRange;
  return fast::Encode(rsk);
}

namespace {
/// RFC 6508 6.1.2: <[b]P + Z, RSK> == g. By bilinearity the left side is <P, RSK>^b <Z, RSK>,
/// and P and Z are fixed: their Miller-loop line tables (one per process, one per KMS key) turn
/// the check into two table evaluations at RSK and one exponentiation by the public b.
Status CheckRsk(const PublicKey& kms, const BigInt& b, const Affine& rsk) {
  static const fast::LineTable p_lines(fast::FromEcPoint(Ps().curve, Ps().curve.Generator()), Fast().q_minus_1);
  Fe with_p, with_z;
  if (!p_lines.Evaluate(rsk, with_p) || !kms.impl().ZLines().Evaluate(rsk, with_z)) return Error::kPointAtInfinity;
  if (!fast::Fp::Sakke().Equal(fast::PfPowMul(with_p, b, with_z), Fast().g)) return Error::kInvalidRsk;
  return Status::Ok();
}
}  // namespace

Status ValidateRsk(const PublicKey& kms, ByteView identifier, ByteView rsk) {
  CountOp(Op::kSakkeRskValidate);
  auto r = DecodePoint(rsk, false);
  if (!r) return r.error();
  return CheckRsk(kms, IdentifierScalar(identifier), *r);
}

namespace {
/// RFC 6508 6.2.1 steps 2-4 with R = [k1]B1 (+ [k2]B2) on fixed-base tables: SED = R || (SSV XOR
/// HashToIntegerRange(g^r)), R and g^r (no pairing needed) sharing one inversion.
Result<Bytes> Seal(const fast::FixedBaseTable& t1, const BigInt& k1, const fast::FixedBaseTable* t2, const BigInt& k2,
                   const BigInt& r, ByteView ssv) {
  Affine big_r;
  Fe g_r;
  if (!fast::EncapsulationValues(t1, k1, t2, k2, Fast().g_table, r, big_r, g_r)) return Error::kPointAtInfinity;
  SecretBytes mask = Mask(g_r);
  Bytes sed = fast::Encode(big_r);
  for (size_t i = 0; i < kSsvBytes; ++i) sed.push_back(ssv[i] ^ mask[i]);  // H = SSV XOR mask
  return sed;
}
}  // namespace

namespace {
Result<Bytes> EncapsulateNow(const PublicKey& kms, ByteView identifier, ByteView ssv) {
  if (ssv.size() != kSsvBytes) return Error::kBadLength;
  const ParameterSet& ps = Ps();
  BigInt r = DeriveR(ssv, identifier);
  // Step 2: R = [r]([b]P + Z) = [r b]P + [r]Z, on the fixed-base tables of P and Z.
  BigInt rb = BigInt::ModMul(r, IdentifierScalar(identifier), ps.q);
  rb.SetConstTime();
  auto sed = Seal(Fast().p_table, rb, &kms.impl().ZTable(), r, r, ssv);
  if (sed) OpenAhead(kms, identifier, *sed);
  return sed;
}
}  // namespace

Result<Bytes> Encapsulate(const PublicKey& kms, ByteView identifier, ByteView ssv) {
  CountOp(Op::kSakkeEncapsulate);
  if (ahead::Enabled())
    if (auto ready = ahead::Take<Result<Bytes>>(EncapsulationKey(kms, identifier, ssv))) return std::move(*ready);
  return EncapsulateNow(kms, identifier, ssv);
}

void EncapsulateAhead(const PublicKey& kms, ByteView identifier, ByteView ssv) {
  if (!ahead::Enabled()) return;
  ahead::Submit<Result<Bytes>>(EncapsulationKey(kms, identifier, ssv), kSedWeight,
                               [kms, id = identifier.ToBytes(), key = SecretBytes(ssv)] {
                                 return EncapsulateNow(kms, id, key);
                               });
}

struct Encapsulator::Impl {
  PublicKey kms;
  Bytes identifier;
  std::unique_ptr<fast::FixedBaseTable> table;  ///< of [b]P + Z
};

Result<Encapsulator> Encapsulator::Create(const PublicKey& kms, ByteView identifier) {
  auto q = BpPlusZ(kms, IdentifierScalar(identifier));
  if (!q) return q.error();
  auto impl = std::make_shared<Impl>(Impl{kms, identifier.ToBytes(), nullptr});
  impl->table = std::make_unique<fast::FixedBaseTable>(*q);
  return Encapsulator(std::move(impl));
}

Result<Bytes> Encapsulator::Encapsulate(ByteView ssv) const {
  CountOp(Op::kSakkeEncapsulate);
  if (ssv.size() != kSsvBytes) return Error::kBadLength;
  BigInt r = DeriveR(ssv, impl_->identifier);
  auto sed = Seal(*impl_->table, r, nullptr, BigInt(0), r, ssv);  // step 2: R = [r]([b]P + Z) on its own table
  if (sed) OpenAhead(impl_->kms, impl_->identifier, *sed);
  return sed;
}

size_t Encapsulator::PrecomputedBytes() const { return impl_->table->Bytes(); }

Result<ReceiverKey> ReceiverKey::Create(const PublicKey& kms, ByteView identifier, ByteView rsk,
                                        bool validate, bool precompute, bool check_table) {
  if (validate) CountOp(Op::kSakkeRskValidate);
  if (ahead::Enabled())
    if (auto ready =
            ahead::Take<Result<ReceiverKey>>(ReceiverKeyKey(kms, identifier, rsk, validate, precompute, check_table)))
      return std::move(*ready);
  return CreateNow(kms, identifier, rsk, validate, precompute, check_table);
}

void ReceiverKey::CreateAhead(const PublicKey& kms, ByteView identifier, ByteView rsk, bool validate, bool precompute,
                              bool check_table) {
  if (!ahead::Enabled()) return;
  ahead::Submit<Result<ReceiverKey>>(
      ReceiverKeyKey(kms, identifier, rsk, validate, precompute, check_table), kReceiverKeyWeight,
      [=, id = identifier.ToBytes(), key = SecretBytes(rsk)] {
        return CreateNow(kms, id, key, validate, precompute, check_table);
      });
}

Result<ReceiverKey> ReceiverKey::CreateNow(const PublicKey& kms, ByteView identifier, ByteView rsk, bool validate,
                                           bool precompute, bool check_table) {
  auto pt = DecodePoint(rsk, false);
  if (!pt) return pt.error();
  const BigInt b = IdentifierScalar(identifier);
  auto q = BpPlusZ(kms, b);
  if (!q) return q.error();
  auto impl = std::make_shared<Impl>(kms, identifier.ToBytes(), b, *pt, *q);
  SecureWipe(&*pt, sizeof *pt);  // the decoded RSK now lives only in impl
  if (precompute && MayKeepLineTable()) {
    impl->lines = std::make_unique<fast::LineTable>(impl->rsk, Fast().q_minus_1);
    AddTableBytes(impl->lines->Bytes());
  }
  if (check_table) impl->check_table = std::make_unique<fast::FixedBaseTable>(impl->bp_plus_z);
  if (validate && impl->lines) {
    // RFC 6508 6.1.2: <[b]P + Z, RSK> == g (the reduced pairing is symmetric on <P>, so the
    // RSK's own line table evaluated at [b]P + Z gives it: one evaluation).
    Fe w;
    if (!impl->lines->Evaluate(impl->bp_plus_z, w)) return Error::kPointAtInfinity;
    if (!fast::Fp::Sakke().Equal(w, Fast().g)) return Error::kInvalidRsk;
  } else if (validate) {
    MCX_TRY(CheckRsk(kms, b, impl->rsk));
  }
  if (ahead::Enabled()) Receivers().Add(impl, kms.Encoded(), impl->identifier);
  return ReceiverKey(std::move(impl));
}

size_t ReceiverKey::PrecomputedBytes() const {
  return (impl_->lines ? impl_->lines->Bytes() : 0) + (impl_->check_table ? impl_->check_table->Bytes() : 0);
}

Result<SecretBytes> ReceiverKey::Decapsulate(ByteView sed) const {
  CountOp(Op::kSakkeDecapsulate);
  if (ahead::Enabled())
    if (auto ready = ahead::Take<Result<SecretBytes>>(DecapsulationKey(*impl_, sed))) return std::move(*ready);
  return DecapsulateWith(*impl_, sed);
}

namespace {
Result<SecretBytes> DecapsulateWith(const ReceiverKey::Impl& key, ByteView sed) {
  const ReceiverKey::Impl* impl_ = &key;
  if (sed.size() != kSedBytes) return Error::kBadLength;
  auto rb = DecodePoint(sed.Sub(0, kPointBytes), false);
  if (!rb) return rb.error();
  // RFC 6508 6.2.2 step 1: w = <Rb, RSK> (= <RSK, Rb> for Rb in <P>; any other Rb fails the
  // integrity check of step 4).
  Fe w;
  const bool ok = impl_->lines ? impl_->lines->Evaluate(*rb, w)
                               : fast::Pairing(*rb, impl_->rsk, Fast().q_minus_1, w);
  if (!ok) return Error::kSakkeIntegrityFailed;
  // Step 2: SSV = H XOR HashToIntegerRange(w, 2^n).
  SecretBytes ssv = Mask(w);
  ByteView h = sed.Sub(kPointBytes, kSsvBytes);
  for (size_t i = 0; i < kSsvBytes; ++i) ssv[i] ^= h[i];
  // Steps 3-4: r = HashToIntegerRange(SSV || b, q); TEST = [r]([b]P + Z) = [r b]P + [r]Z.
  BigInt r = DeriveR(ssv, impl_->identifier);
  Result<Affine> test = Error::kPointAtInfinity;
  if (impl_->check_table) {  // one table of [b]P + Z
    Affine out;
    if (fast::MulFixed(*impl_->check_table, r, out)) test = out;
  } else {  // [r b]P + [r]Z on the shared tables of P and Z
    BigInt rb_scalar = BigInt::ModMul(r, impl_->b, Ps().q);
    rb_scalar.SetConstTime();
    test = MulPZ(impl_->kms, rb_scalar, r);
  }
  if (!test || !fast::Fp::Sakke().Equal(test->x, rb->x) || !fast::Fp::Sakke().Equal(test->y, rb->y))
    return Error::kSakkeIntegrityFailed;
  return ssv;
}
}  // namespace

Result<SecretBytes> Decapsulate(const PublicKey& kms, ByteView identifier, ByteView rsk,
                                ByteView sed) {
  auto key = ReceiverKey::Create(kms, identifier, rsk, /*validate=*/false, /*precompute=*/false);
  if (!key) return key.error();
  return key->Decapsulate(sed);
}

}  // namespace mcx::crypto::sakke
