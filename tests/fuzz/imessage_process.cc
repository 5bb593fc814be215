// Fuzz target: an I_MESSAGE through every receiver check of TS 33.180 5.2.2
// (mikey_sakke::ProcessIMessage), with real receiver keys (fuzz_world.h), then the sender's
// SAKKE-to-self recovery (5.2.5).
//
// The input is the I_MESSAGE itself. The receiver is the identity it names (IDRr or IDRuidr;
// else ue1), the procedure follows from its CS map (World::DistributionFor), and the receiver's
// own options apply (expected group, clock skew, legacy key parameters, status convention).
//
// Structure-aware: a random byte flip breaks the ECCSI signature, so libFuzzer alone never gets
// past it. The custom mutator decodes the message, changes it where it means something (header
// and CS map, any payload's fields, payloads added, dropped, duplicated or reordered, the
// timestamp, the key parameters in the clear before they are encrypted again under the key, a new
// key or key ID encapsulated again to the receiver, another receiver, sender or identity style),
// and signs the result with the sender's real key. So inputs reach SAKKE decapsulation, the key
// ID and CS map checks, the key parameters and the group check.
//
// Properties checked on every accepted message: a 16-byte key, the RAND and CSB-ID as sent, the
// key ID consistent with the CSB-ID (GUK-ID for a GMK), an authorised sender, key parameters of
// the key's type and not expired, the receiver's group only; a message that does not decode is
// refused with the codec's error. MCX_FUZZ_VERBOSE=1 prints each input's receiver, procedure and
// outcome.
#include <algorithm>
#include <cstdlib>
#include <cstring>

#include "mcx/crypto/kdf.h"
#include "mcx/crypto/rng.h"
#include "mcx/crypto/sakke.h"
#include "mcx/security/key_params.h"
#include "mcx/security/key_store.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/fuzz_world.h"

using namespace mcx;
using crypto::Bytes;
using crypto::ByteView;
using crypto::SecretBytes;
namespace keyparams = security::keyparams;
namespace ms = security::mikey_sakke;
namespace mikey = security::mikey;
using fuzz::Party;
using fuzz::Prng;
using fuzz::World;
using mikey::IdRole;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  World::Get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const World& w = World::Get();
  const ByteView bytes(data, size);
  auto m = mikey::Decode(bytes);
  const Party* rx = m ? w.ReceiverOf(*m) : nullptr;
  if (rx == nullptr) rx = w.Named("ue1");
  const ms::Distribution d = m ? w.DistributionFor(*m, *rx) : ms::Distribution::kGmk;
  const ms::ReceiveContext ctx = w.Context(*rx, d);
  auto r = ms::ProcessIMessage(bytes, *rx->id, ctx);
  static const bool verbose = std::getenv("MCX_FUZZ_VERBOSE") != nullptr;
  if (verbose)
    std::fprintf(stderr, "imessage_process: %zu bytes, receiver %s, %s: %s\n", size, rx->name.c_str(),
                 ms::DistributionName(d), r ? "accepted" : crypto::ErrorName(r.error()));
  if (!m) {
    FUZZ_CHECK(!r && r.error() == m.error());
    return 0;
  }
  if (r) {
    FUZZ_CHECK(r->key.size() == 16);
    FUZZ_CHECK(m->Find<mikey::Rand>() && r->rand == m->Find<mikey::Rand>()->value);
    FUZZ_CHECK(r->csb_id == m->hdr.csb_id);
    FUZZ_CHECK(r->kind == d);
    if (d == ms::Distribution::kGmk)
      FUZZ_CHECK(crypto::kdf::GukId(r->key, r->key_id, rx->uri()) == r->csb_id);
    else
      FUZZ_CHECK(r->key_id == r->csb_id);
    if (!ctx.authorised_senders.empty())
      FUZZ_CHECK(std::find(ctx.authorised_senders.begin(), ctx.authorised_senders.end(), r->sender_uri) !=
                 ctx.authorised_senders.end());
    if (r->params && !r->legacy_params) {
      FUZZ_CHECK(r->params->key_type == r->purpose);
      const uint64_t unix_now = security::NtpToUnixSeconds(ctx.ntp_now);
      FUZZ_CHECK(r->params->expiry_time == 0 || r->params->expiry_time > unix_now);
    }
    if (ctx.expected_group && keyparams::CarriesGroupIds(r->purpose)) {
      FUZZ_CHECK(r->params && !r->params->group_ids.empty());
      for (const auto& g : r->params->group_ids) FUZZ_CHECK(g == *ctx.expected_group);
    }
    // The T payload, read here from the decoded message: within the receiver's clock window.
    const auto* t = m->Find<mikey::Timestamp>();
    FUZZ_CHECK(t != nullptr);
    if (ctx.max_clock_skew_seconds) {  // a COUNTER has no NTP seconds (0): never in the window
      const uint64_t ts = t->NtpSeconds();
      FUZZ_CHECK((ts > ctx.ntp_now ? ts - ctx.ntp_now : ctx.ntp_now - ts) <= *ctx.max_clock_skew_seconds);
    }
    // The key store's rules on what was accepted (5.7.2 step 2's last step): a new key is stored
    // unless it arrives revoked; the same key again changes nothing; another key under the same
    // ID is refused and the first one kept.
    security::KeyStore store;
    const crypto::Status first = store.Accept(*r);
    FUZZ_CHECK(first.ok() == !r->revoked);
    FUZZ_CHECK(r->revoked ? first.error() == crypto::Error::kKeyRevoked : store.FindByKeyId(r->key_id) != nullptr);
    if (first.ok()) {
      FUZZ_CHECK(store.Accept(*r).ok());
      ms::ReceivedKey other = *r;
      other.key = SecretBytes(Bytes(16, static_cast<uint8_t>(r->key.view()[0] ^ 0xff)));
      const crypto::Status dup = store.Accept(other);
      FUZZ_CHECK(!dup.ok() && dup.error() == crypto::Error::kDuplicateKeyId);
      FUZZ_CHECK(store.FindByKeyId(r->key_id)->key.view() == r->key.view());
      FUZZ_CHECK(store.KeyCount() == 1);
    }
  }
  // SAKKE-to-self (5.2.5): the sender gets its own key back from GE type 6.
  if (m->FindGeneralExtension(mikey::kGeSakkeToSelf))
    if (const Party* tx = w.SenderOf(*m)) (void)ms::RecoverFromSakkeToSelf(bytes, *tx->id);
  return 0;
}

// ---- the structure-aware mutator ----

namespace {

using Msg = mikey::Message;

template <class T>
T* FindMut(Msg& m) {
  for (auto& p : m.payloads)
    if (auto* v = std::get_if<T>(&p)) return v;
  return nullptr;
}

mikey::GeneralExtension* FindGe(Msg& m, uint8_t type) {
  for (auto& p : m.payloads)
    if (auto* g = std::get_if<mikey::GeneralExtension>(&p); g && g->type == type) return g;
  return nullptr;
}

Bytes U32Bytes(uint32_t v) { return Bytes{uint8_t(v >> 24), uint8_t(v >> 16), uint8_t(v >> 8), uint8_t(v)}; }

Bytes RandomBytes(Prng& r, size_t n) {
  Bytes b(n);
  for (auto& x : b) x = static_cast<uint8_t>(r.Next());
  return b;
}

class Mutator {
 public:
  Mutator(Msg m, unsigned seed)
      : m_(std::move(m)), r_(seed), rng_(ByteView(U32Bytes(seed)), ByteView("imessage-mutator")), w_(World::Get()) {
    signer_ = w_.SenderOf(m_);
  }

  /// One mutation; false when it did not apply (the caller falls back to byte mutation).
  bool Mutate() {
    switch (r_.Below(9)) {
      case 0: return Header();
      case 1:
      case 2: return PayloadField();
      case 3: return Structure();
      case 4:
      case 5: return KeyParameters();
      case 6: {
        auto key = Key();
        auto plain = PlainParams(key);
        if (r_.OneIn(2)) key.reset();  // a new key, else a new key ID only
        return NewKey(std::move(key), std::move(plain));
      }
      case 7: return Retarget();
      default: return Time();
    }
  }

  /// The message signed by the party it names as sender (else the one that signed it before).
  Bytes Signed() {
    const Party* s = w_.SenderOf(m_);
    if (s == nullptr) s = signer_;
    if (s == nullptr) s = &w_.parties[r_.Below(static_cast<uint32_t>(w_.parties.size()))];
    if (!m_.sign) m_.sign = mikey::Sign{};
    if (r_.OneIn(64)) m_.sign->s_type = static_cast<uint8_t>(r_.Below(16));
    auto sig = s->id->signer().Sign(mikey::EncodeSignedPart(m_, crypto::eccsi::kSignatureBytes), rng_);
    if (sig) m_.sign->signature = std::move(sig).value();
    return mikey::Encode(m_);
  }

  /// Bytes before the SIGN payload's signature, mutated by libFuzzer, then signed again.
  static Bytes SignedBytes(const Msg& m, unsigned seed) {
    Bytes part = mikey::EncodeSignedPart(m, crypto::eccsi::kSignatureBytes);
    fuzz::MutateBytes(part, 64);
    Bytes whole = part;
    whole.resize(part.size() + crypto::eccsi::kSignatureBytes);
    auto d = mikey::Decode(whole);
    if (!d || !d->sign) return whole;
    const World& w = World::Get();
    const Party* s = w.SenderOf(*d);
    if (s == nullptr) s = w.SenderOf(m);
    if (s == nullptr) return whole;
    crypto::HmacDrbg rng(ByteView(U32Bytes(seed)), ByteView("imessage-bytes"));
    auto sig = s->id->signer().Sign(ByteView(part), rng);
    if (sig) std::copy(sig->begin(), sig->end(), whole.begin() + static_cast<std::ptrdiff_t>(part.size()));
    return whole;
  }

 private:
  const Party* RandomParty() { return &w_.parties[r_.Below(static_cast<uint32_t>(w_.parties.size()))]; }

  /// The key the receiver named in the message would decapsulate, if any.
  std::optional<SecretBytes> Key() {
    const Party* rx = w_.ReceiverOf(m_);
    const auto* s = m_.Find<mikey::SakkePayload>();
    if (!rx || !s) return std::nullopt;
    auto k = rx->id->receiver().Decapsulate(s->sed);
    if (!k) return std::nullopt;
    return std::move(k).value();
  }

  /// The key parameters in the clear (decrypted under `key`, or legacy plaintext).
  std::optional<Bytes> PlainParams(const std::optional<SecretBytes>& key) {
    const auto* ge = m_.FindGeneralExtension(mikey::kGeKeyParameters);
    if (!ge) return std::nullopt;
    if (!ge->data.empty() && !(ge->data[0] & keyparams::kMessageTypeEncrypted)) return ge->data;
    if (!key) return std::nullopt;
    auto pp = keyparams::DecodePayload(ge->data);
    if (!pp) return std::nullopt;
    auto open = keyparams::Unprotect(*pp, *key);
    if (!open) return std::nullopt;
    return open->Expose();
  }

  /// Fresh key parameters for a key ID (a GMK for our group).
  Bytes DefaultParams(uint32_t key_id) {
    keyparams::KeyParameters kp;
    kp.key_type = security::PurposeOfKeyId(key_id);
    kp.text = "fuzz";
    if (keyparams::CarriesGroupIds(kp.key_type)) kp.group_ids = {World::Group()};
    return keyparams::Encode(kp);
  }

  void PutParams(ByteView key, uint32_t dppk_id, ByteView plain, const keyparams::PayloadHeader& h) {
    auto pp = keyparams::ProtectPayload(key, dppk_id, h, plain, rng_);
    if (!pp) return;
    Bytes enc = keyparams::EncodePayload(*pp);
    if (auto* ge = FindGe(m_, mikey::kGeKeyParameters))
      ge->data = std::move(enc);
    else
      m_.payloads.emplace_back(mikey::GeneralExtension{mikey::kGeKeyParameters, std::move(enc)});
  }

  bool Header() {
    auto& h = m_.hdr;
    switch (r_.Below(9)) {
      case 0: h.csb_id ^= 1u << r_.Below(32); break;
      case 1: h.csb_id = (h.csb_id & 0x0fffffffu) | r_.Below(16) << 28; break;
      case 2: h.data_type = r_.OneIn(2) ? mikey::kDataTypeSakkeResponse : static_cast<uint8_t>(r_.Next()); break;
      case 3: h.prf = static_cast<uint8_t>(r_.Below(128)); h.v_bit = r_.OneIn(2); break;
      case 4: {  // another CS ID map type
        h.cs_map_type = static_cast<uint8_t>(r_.Below(3));
        if (h.cs_map_type == mikey::kCsMapSrtpId && h.srtp_map.empty())
          h.srtp_map.push_back({0, static_cast<uint32_t>(r_.Next()), 0});
        if (h.cs_map_type == mikey::kCsMapGenericId && h.generic_map.empty()) {
          mikey::GenericCsEntry e;
          e.cs_id = static_cast<uint8_t>(r_.Below(10));
          e.policies = {0};
          e.spi = U32Bytes(h.csb_id);
          h.generic_map.push_back(e);
        }
        break;
      }
      case 5:
        if (h.generic_map.empty()) return false;
        h.generic_map.front().cs_id = static_cast<uint8_t>(r_.OneIn(2) ? r_.Below(10) : r_.Next());
        break;
      case 6: {
        if (h.generic_map.empty()) return false;
        auto& e = h.generic_map[r_.Below(static_cast<uint32_t>(h.generic_map.size()))];
        switch (r_.Below(5)) {
          case 0: fuzz::MutateBytes(e.spi, 8); break;
          case 1: fuzz::MutateBytes(e.policies, 4); break;
          case 2: fuzz::MutateBytes(e.session_data, 16); break;
          case 3: e.prot_type = static_cast<uint8_t>(r_.Next()); e.s_bit = r_.OneIn(2); break;
          default: e.spi.clear(); break;
        }
        break;
      }
      case 7:  // a second (or no) crypto session
        if (h.generic_map.empty() || r_.OneIn(2))
          h.generic_map.push_back(h.generic_map.empty() ? mikey::GenericCsEntry{} : h.generic_map.front());
        else
          h.generic_map.erase(h.generic_map.begin());
        break;
      default:
        if (h.srtp_map.empty()) return false;
        h.srtp_map.front().ssrc = static_cast<uint32_t>(r_.Next());
        h.srtp_map.front().roc = static_cast<uint32_t>(r_.Next());
        break;
    }
    return true;
  }

  bool PayloadField() {
    if (m_.payloads.empty()) return false;
    auto& p = m_.payloads[r_.Below(static_cast<uint32_t>(m_.payloads.size()))];
    if (auto* t = std::get_if<mikey::Timestamp>(&p)) {
      if (r_.OneIn(3)) t->ts_type = static_cast<uint8_t>(r_.Below(3));
      fuzz::MutateBytes(t->value, 4);
    } else if (auto* rd = std::get_if<mikey::Rand>(&p)) {
      fuzz::MutateBytes(rd->value, 32);
    } else if (auto* i = std::get_if<mikey::Idr>(&p)) {
      switch (r_.Below(5)) {
        case 0: i->role = static_cast<IdRole>(r_.OneIn(2) ? 1 + r_.Below(9) : r_.Next() & 0xff); break;
        case 1: i->id_type = static_cast<uint8_t>(r_.Below(4)); break;
        case 2: {  // another known name: a user URI or UID, or a KMS URI
          const Party* q = RandomParty();
          if (r_.OneIn(3)) {
            const auto& k = w_.universes[q->universe].kms.kms_uri;
            i->data.assign(k.begin(), k.end());
          } else if (r_.OneIn(2)) {
            i->data.assign(q->uri().begin(), q->uri().end());
          } else {
            i->data = q->uid();
          }
          break;
        }
        default: fuzz::MutateBytes(i->data, 32); break;
      }
    } else if (auto* sp = std::get_if<mikey::SecurityPolicy>(&p)) {
      if (sp->params.empty() || r_.OneIn(4)) {
        sp->policy_no = static_cast<uint8_t>(r_.Below(4));
        sp->prot_type = static_cast<uint8_t>(r_.Below(3));
        sp->params.push_back({static_cast<uint8_t>(r_.Below(24)), RandomBytes(r_, r_.Below(4))});
      } else {
        auto& param = sp->params[r_.Below(static_cast<uint32_t>(sp->params.size()))];
        if (r_.OneIn(2)) param.type = static_cast<uint8_t>(r_.Below(24));
        fuzz::MutateBytes(param.value, 4);
      }
    } else if (auto* s = std::get_if<mikey::SakkePayload>(&p)) {
      switch (r_.Below(3)) {
        case 0: s->params = static_cast<uint8_t>(r_.Below(3)); break;
        case 1: s->id_scheme = static_cast<uint8_t>(r_.Below(4)); break;
        default: fuzz::MutateBytes(s->sed, 8); break;
      }
    } else if (auto* g = std::get_if<mikey::GeneralExtension>(&p)) {
      if (r_.OneIn(4)) g->type = static_cast<uint8_t>(r_.Below(10));
      else fuzz::MutateBytes(g->data, 32);
    }
    return true;
  }

  bool Structure() {
    auto& ps = m_.payloads;
    const uint32_t n = static_cast<uint32_t>(ps.size());
    switch (r_.Below(5)) {
      case 0:
        if (n == 0) return false;
        ps.erase(ps.begin() + r_.Below(n));
        break;
      case 1:
        if (n == 0) return false;
        ps.insert(ps.begin() + r_.Below(n + 1), ps[r_.Below(n)]);
        break;
      case 2:
        if (n < 2) return false;
        std::swap(ps[r_.Below(n)], ps[r_.Below(n)]);
        break;
      case 3: {  // a new payload somewhere
        mikey::Payload np;
        switch (r_.Below(5)) {
          case 0: np = mikey::Timestamp::FromNtpSeconds(w_.universes[RandomParty()->universe].ntp_now); break;
          case 1: np = mikey::Rand{RandomBytes(r_, 16)}; break;
          case 2: {
            const Party* q = RandomParty();
            np = mikey::Idr{static_cast<IdRole>(1 + r_.Below(9)), mikey::kIdTypeUri, Bytes(q->uri().begin(), q->uri().end())};
            break;
          }
          case 3: np = ms::GroupSecurityPolicy(); break;
          default: np = mikey::GeneralExtension{static_cast<uint8_t>(r_.Below(10)), RandomBytes(r_, r_.Below(40))}; break;
        }
        ps.insert(ps.begin() + r_.Below(n + 1), std::move(np));
        break;
      }
      default:  // SAKKE-to-self: the key again, to the sender
        return SakkeToSelf();
    }
    return true;
  }

  bool SakkeToSelf() {
    auto key = Key();
    const Party* tx = w_.SenderOf(m_);
    if (!key || !tx) return false;
    auto sed = crypto::sakke::Encapsulate(w_.universes[tx->universe].kms.z, tx->uid(), *key);
    if (!sed) return false;
    Msg inner;
    inner.payloads.emplace_back(mikey::SakkePayload{1, mikey::kSakkeIdSchemeUid, std::move(sed).value()});
    Bytes enc = mikey::Encode(inner);
    Bytes ge(enc.begin() + 10, enc.end());
    if (auto* g = FindGe(m_, mikey::kGeSakkeToSelf)) g->data = std::move(ge);
    else m_.payloads.emplace_back(mikey::GeneralExtension{mikey::kGeSakkeToSelf, std::move(ge)});
    return true;
  }

  bool KeyParameters() {
    auto key = Key();
    if (!key) return false;
    const uint32_t dppk_id = r_.OneIn(16) ? static_cast<uint32_t>(r_.Next()) : m_.hdr.csb_id;
    Bytes plain = PlainParams(key).value_or(Bytes());
    if (plain.empty()) plain = DefaultParams(m_.hdr.csb_id);
    keyparams::PayloadHeader h;
    h.date_time = security::NtpToUnixSeconds(w_.universes[0].ntp_now);
    switch (r_.Below(6)) {
      case 0:
      case 1: fuzz::MutateBytes(plain, 32); break;
      case 2: {  // one field of the decoded parameters
        auto kp = keyparams::Decode(plain);
        keyparams::KeyParameters v = kp ? *kp : keyparams::KeyParameters{};
        const uint64_t unix_now = security::NtpToUnixSeconds(w_.universes[w_.ReceiverOf(m_)->universe].ntp_now);
        switch (r_.Below(7)) {
          case 0: v.key_type = static_cast<security::KeyPurpose>(r_.Below(8)); break;
          case 1: v.status = r_.OneIn(2) ? r_.Below(4) : static_cast<uint32_t>(r_.Next()); break;
          case 2: v.activation_time = r_.OneIn(2) ? unix_now + r_.Below(1000) - 500 : r_.Next() & 0xffffffffffULL; break;
          case 3: {
            const uint64_t choices[] = {0, unix_now, unix_now - 1, unix_now + 1, 0xffffffffffULL, r_.Next() & 0xffffffffffULL};
            v.expiry_time = choices[r_.Below(6)];
            break;
          }
          case 4: {
            const std::string groups[] = {World::Group(), security::naming::GroupUri(2), "", std::string(300, 'g')};
            if (r_.OneIn(3)) v.group_ids.clear();
            else v.group_ids.push_back(groups[r_.Below(4)]);
            break;
          }
          case 5:
            if (v.algorithms && r_.OneIn(2)) v.algorithms.reset();
            else v.algorithms = keyparams::AlgorithmChoice{RandomBytes(r_, r_.Below(4)), static_cast<uint8_t>(r_.Below(3))};
            break;
          default: v.text = std::string(r_.Below(40), 't'); break;
        }
        plain = keyparams::Encode(v);
        break;
      }
      case 3: {  // the protected payload's clear header
        h.message_type = static_cast<uint8_t>(r_.OneIn(2) ? keyparams::kMessageTypeEncrypted | r_.Below(64) : r_.Next());
        h.payload_id = static_cast<uint32_t>(r_.Next());
        h.payload_seq = static_cast<uint8_t>(r_.Next());
        h.date_time = r_.Next() & 0xffffffffffULL;
        break;
      }
      case 4: {  // legacy: in the clear
        if (auto* ge = FindGe(m_, mikey::kGeKeyParameters)) ge->data = plain;
        else m_.payloads.emplace_back(mikey::GeneralExtension{mikey::kGeKeyParameters, plain});
        if (!plain.empty() && (plain[0] & keyparams::kMessageTypeEncrypted)) FindGe(m_, mikey::kGeKeyParameters)->data[0] &= 0x3f;
        return true;
      }
      default: {  // none at all
        auto& ps = m_.payloads;
        ps.erase(std::remove_if(ps.begin(), ps.end(),
                                [](const mikey::Payload& p) {
                                  auto* g = std::get_if<mikey::GeneralExtension>(&p);
                                  return g && g->type == mikey::kGeKeyParameters;
                                }),
                 ps.end());
        return true;
      }
    }
    PutParams(*key, dppk_id, plain, h);
    return true;
  }

  /// A new key and/or key ID for the receiver the message names: CSB-ID, SPI, SAKKE, the key
  /// parameters (and SAKKE-to-self) made again under it.
  bool NewKey(std::optional<SecretBytes> keep, std::optional<Bytes> old_plain) {
    const Party* rx = w_.ReceiverOf(m_);
    if (!rx) return false;
    SecretBytes key = keep ? *keep : SecretBytes(RandomBytes(r_, 16));
    const ms::Distribution d = w_.DistributionFor(m_, *rx);
    static const uint8_t kPurposes[] = {0, 1, 2, 6, 4};
    uint8_t purpose;
    switch (d) {
      case ms::Distribution::kGmk: purpose = 0; break;
      case ms::Distribution::kPck: purpose = 1; break;
      case ms::Distribution::kCskUpload: purpose = 2; break;
      default: purpose = r_.OneIn(2) ? 2 : 6; break;
    }
    if (r_.OneIn(4)) purpose = r_.OneIn(2) ? kPurposes[r_.Below(5)] : static_cast<uint8_t>(r_.Below(16));
    const uint32_t key_id = static_cast<uint32_t>(purpose) << 28 | (static_cast<uint32_t>(r_.Next()) & 0x0fffffffu);
    const bool gmk = d == ms::Distribution::kGmk;
    m_.hdr.csb_id = gmk ? crypto::kdf::GukId(key, key_id, rx->uri()) : key_id;
    if (!m_.hdr.generic_map.empty()) {
      Bytes spi = U32Bytes(key_id);
      if (gmk) crypto::Append(spi, U32Bytes(m_.hdr.csb_id));
      m_.hdr.generic_map.front().spi = spi;
    }
    auto sed = crypto::sakke::Encapsulate(w_.universes[rx->universe].kms.z, rx->uid(), key);
    if (!sed) return false;
    if (auto* s = FindMut<mikey::SakkePayload>(m_)) s->sed = std::move(sed).value();
    else m_.payloads.emplace_back(mikey::SakkePayload{1, mikey::kSakkeIdSchemeUid, std::move(sed).value()});
    if (m_.FindGeneralExtension(mikey::kGeKeyParameters) || r_.OneIn(2)) {
      Bytes plain = old_plain.value_or(DefaultParams(key_id));
      if (auto kp = keyparams::Decode(plain); kp && r_.OneIn(2)) {  // the type follows the key
        kp->key_type = security::PurposeOfKeyId(key_id);
        plain = keyparams::Encode(*kp);
      }
      keyparams::PayloadHeader h;
      h.date_time = security::NtpToUnixSeconds(w_.universes[rx->universe].ntp_now);
      PutParams(key, m_.hdr.csb_id, plain, h);
    }
    if (m_.FindGeneralExtension(mikey::kGeSakkeToSelf)) SakkeToSelf();
    return true;
  }

  /// Another receiver (and maybe sender, and the other identity style): the IDRs and the
  /// timestamp made for them, the key encapsulated again to the new receiver.
  bool Retarget() {
    const Party* rx = RandomParty();
    const Party* tx = r_.OneIn(2) ? w_.SenderOf(m_) : nullptr;
    if (tx == nullptr) tx = RandomParty();
    const bool hidden = m_.FindIdr(IdRole::kUidResponder) ? !r_.OneIn(4) : r_.OneIn(4);
    std::optional<SecretBytes> key = Key();
    const std::optional<Bytes> plain = PlainParams(key);
    auto& ps = m_.payloads;
    size_t at = ps.size();
    for (size_t i = ps.size(); i-- > 0;) {
      auto* idr = std::get_if<mikey::Idr>(&ps[i]);
      if (!idr) continue;
      const auto role = idr->role;
      if (role == IdRole::kInitiator || role == IdRole::kResponder || role == IdRole::kUidInitiator ||
          role == IdRole::kUidResponder || role == IdRole::kKmsInitiator || role == IdRole::kKmsResponder) {
        ps.erase(ps.begin() + static_cast<std::ptrdiff_t>(i));
        at = i;
      }
    }
    auto idr = [](IdRole role, ByteView data) { return mikey::Idr{role, mikey::kIdTypeUri, data.ToBytes()}; };
    std::vector<mikey::Payload> ids;
    if (hidden) {
      ids.emplace_back(idr(IdRole::kUidInitiator, tx->uid()));
      ids.emplace_back(idr(IdRole::kUidResponder, rx->uid()));
    } else {
      ids.emplace_back(idr(IdRole::kInitiator, ByteView(tx->uri())));
      ids.emplace_back(idr(IdRole::kResponder, ByteView(rx->uri())));
    }
    ids.emplace_back(idr(IdRole::kKmsInitiator, ByteView(w_.universes[tx->universe].kms.kms_uri)));
    ids.emplace_back(idr(IdRole::kKmsResponder, ByteView(w_.universes[rx->universe].kms.kms_uri)));
    ps.insert(ps.begin() + static_cast<std::ptrdiff_t>(std::min(at, ps.size())), ids.begin(), ids.end());
    if (auto* t = FindMut<mikey::Timestamp>(m_)) *t = mikey::Timestamp::FromNtpSeconds(w_.universes[rx->universe].ntp_now);
    signer_ = tx;
    // The same key to the new receiver (its parameters kept), or a new one.
    if (r_.OneIn(3)) key.reset();
    return NewKey(std::move(key), plain);
  }

  bool Time() {
    auto* t = FindMut<mikey::Timestamp>(m_);
    if (!t) return false;
    const Party* rx = w_.ReceiverOf(m_);
    const auto& u = w_.universes[rx ? rx->universe : 0];
    const int64_t period = static_cast<int64_t>(u.kms.period.period_seconds);
    const int64_t deltas[] = {0, 1, -1, 299, 301, -301, 86400, period, -period, static_cast<int64_t>(r_.Next() % 100000) - 50000};
    const int64_t delta = deltas[r_.Below(10)];
    if (r_.OneIn(8)) {
      t->ts_type = static_cast<uint8_t>(r_.Below(3));
      t->value = RandomBytes(r_, t->ts_type == mikey::kTsCounter ? 4 : 8);
    } else {
      *t = mikey::Timestamp::FromNtpSeconds(static_cast<uint64_t>(static_cast<int64_t>(u.ntp_now) + delta));
    }
    return true;
  }

  Msg m_;
  Prng r_;
  crypto::HmacDrbg rng_;
  const World& w_;
  const Party* signer_ = nullptr;
};

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  Prng r(seed);
  auto m = mikey::Decode(ByteView(data, size));
  // Plain byte mutation now and then (and for what does not decode): the codec's own paths.
  if (!m || r.OneIn(10)) return LLVMFuzzerMutate(data, size, max_size);
  Bytes out;
  if (r.OneIn(5)) {
    out = Mutator::SignedBytes(*m, seed);
  } else {
    Mutator mut(std::move(m).value(), seed);
    if (!mut.Mutate()) return LLVMFuzzerMutate(data, size, max_size);
    out = mut.Signed();
  }
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
