#include "mcx/security/mikey_sakke.h"

#include <algorithm>

#include "mcx/crypto/ahead.h"
#include "mcx/crypto/kdf.h"
#include "mcx/crypto/op_count.h"

namespace mcx::security::mikey_sakke {
using crypto::Append;
using crypto::AppendU32;
using crypto::SecureWipe;

using mikey::IdRole;

namespace {

constexpr size_t kRandBytes = 16;
constexpr size_t kKeyBytes = 16;

// CS-IDs of TS 33.180 E.1.3 (digest §7).
constexpr uint8_t kCsIdPrivateInitiator = 0;
constexpr uint8_t kCsIdMcpttGroup = 4;
constexpr uint8_t kCsIdCskMcptt = 6;
constexpr uint8_t kCsIdMusikMcptt = 7;

bool PurposeFits(Distribution d, KeyPurpose p) {
  switch (d) {
    case Distribution::kGmk: return p == KeyPurpose::kGmk;
    case Distribution::kPck: return p == KeyPurpose::kPck;
    case Distribution::kCskUpload: return p == KeyPurpose::kCsk;
    case Distribution::kKeyDownload: return p == KeyPurpose::kCsk || p == KeyPurpose::kMusik;
  }
  return false;
}

uint8_t DefaultCsId(Distribution d, KeyPurpose p) {
  switch (d) {
    case Distribution::kGmk: return kCsIdMcpttGroup;
    case Distribution::kPck: return kCsIdPrivateInitiator;
    case Distribution::kCskUpload: return kCsIdCskMcptt;
    case Distribution::kKeyDownload: return p == KeyPurpose::kMusik ? kCsIdMusikMcptt : kCsIdCskMcptt;
  }
  return 0;
}

Bytes U32Bytes(uint32_t v) {
  Bytes b;
  AppendU32(b, v);
  return b;
}

mikey::Idr MakeIdr(IdRole role, ByteView data) { return mikey::Idr{role, mikey::kIdTypeUri, data.ToBytes()}; }

std::string AsString(const Bytes& b) { return std::string(b.begin(), b.end()); }

const KmsPublicInfo* FindKms(const std::vector<KmsPublicInfo>& kms, std::string_view uri) {
  for (const auto& k : kms)
    if (k.kms_uri == uri) return &k;
  return nullptr;
}

mikey::SakkePayload MakeSakke(const KmsPublicInfo& kms, ByteView uid, ByteView key, Status& st) {
  mikey::SakkePayload s;
  auto sed = sakke::Encapsulate(kms.z, uid, key);
  if (!sed) {
    st = sed.error();
    return s;
  }
  s.sed = std::move(sed).value();
  return s;
}

}  // namespace

const char* DistributionName(Distribution d) {
  switch (d) {
    case Distribution::kGmk: return "gmk";
    case Distribution::kPck: return "pck";
    case Distribution::kCskUpload: return "csk-upload";
    case Distribution::kKeyDownload: return "key-download";
  }
  return "unknown";
}

Result<KmsPublicInfo> KmsPublicInfo::Create(std::string kms_uri, KeyPeriod period, ByteView z, ByteView kpak) {
  auto pub = sakke::PublicKey::Decode(z);
  if (!pub) return pub.error();
  MCX_TRY(eccsi::ValidatePublicKey(kpak));
  if (period.period_seconds == 0) return Error::kKeyPeriodInvalid;
  return KmsPublicInfo{std::move(kms_uri), period, std::move(pub).value(), kpak.ToBytes()};
}

Result<Bytes> KmsPublicInfo::UidAt(std::string_view user_uri, uint64_t ntp_seconds) const {
  auto no = period.Number(ntp_seconds);
  if (!no) return no.error();
  return Uid(user_uri, kms_uri, period, *no);
}

Result<LocalIdentity> LocalIdentity::Create(IdentityKeys keys, const KmsPublicInfo& kms) {
  // TS 33.180 5.3 / D.3.3: a key set the KMS marked revoked is not to be used.
  if (keys.revoked) return Error::kKeySetRevoked;
  if (keys.kms_uri != kms.kms_uri) return Error::kUnknownKms;
  if (Uid(keys.uri, kms.kms_uri, kms.period, keys.period_no) != keys.uid) return Error::kWrongReceiver;
  auto signer = eccsi::Signer::Create(kms.kpak, keys.uid, keys.ssk, keys.pvt);
  if (!signer) return signer.error();
  auto receiver = sakke::ReceiverKey::Create(kms.z, keys.uid, keys.rsk);
  if (!receiver) return receiver.error();
  return LocalIdentity(std::move(keys), std::move(signer).value(), std::move(receiver).value());
}

mikey::SecurityPolicy GroupSecurityPolicy() {
  // TS 33.180 E.2 group profile: AES-GCM, 16-byte key, RCCm3, 12-byte salt, AES-CM PRF, KDR 0,
  // SRTP tag 4 (the ROC), SRTCP tag 0, AEAD tag 16.
  return mikey::SecurityPolicy{0, mikey::kProtTypeSrtp,
                               {{0, {6}}, {1, {16}}, {2, {4}}, {4, {12}}, {5, {0}}, {6, {0}},
                                {18, {4}}, {19, {0}}, {20, {16}}}};
}

mikey::SecurityPolicy UnicastSecurityPolicy() {
  return mikey::SecurityPolicy{0, mikey::kProtTypeSrtp,
                               {{0, {6}}, {1, {16}}, {4, {12}}, {5, {0}}, {6, {0}}, {20, {16}}}};
}

void CreateIMessageAhead(std::string_view receiver_uri, const KmsPublicInfo& receiver_kms, ByteView key,
                         uint64_t ntp_now) {
  if (!crypto::ahead::Enabled() || key.size() != kKeyBytes) return;
  auto uid = receiver_kms.UidAt(receiver_uri, ntp_now);
  if (uid) sakke::EncapsulateAhead(receiver_kms.z, *uid, key);
}

Result<Created> CreateIMessage(Distribution kind, const LocalIdentity& sender,
                               const KmsPublicInfo& sender_kms, std::string_view receiver_uri,
                               const KmsPublicInfo& receiver_kms, uint32_t key_id, ByteView key,
                               const SendOptions& options, uint64_t ntp_now, Rng& rng) {
  const KeyPurpose purpose = PurposeOfKeyId(key_id);
  if (!PurposeFits(kind, purpose)) return Error::kKeyTypeMismatch;
  if (key.size() != kKeyBytes) return Error::kBadLength;
  auto sender_period = sender_kms.period.Number(ntp_now);
  if (!sender_period) return sender_period.error();
  if (*sender_period != sender.keys().period_no) return Error::kKeyPeriodNotCurrent;
  auto receiver_uid = receiver_kms.UidAt(receiver_uri, ntp_now);
  if (!receiver_uid) return receiver_uid.error();

  Created out;
  // 5.2.3: a GMK is sent under the receiver's GUK-ID; other keys under their own ID.
  out.csb_id = key_id;
  if (kind == Distribution::kGmk) {
    crypto::CountOp(crypto::Op::kSymmetric);
    out.csb_id = kdf::GukId(key, key_id, receiver_uri);
  }
  out.cs_id = options.cs_id.value_or(DefaultCsId(kind, purpose));

  mikey::Message m;
  m.hdr.csb_id = out.csb_id;
  if (kind == Distribution::kPck) {
    m.hdr.cs_map_type = mikey::kCsMapEmpty;  // #CS = 0: default profile (E.3.1)
  } else {
    mikey::GenericCsEntry e;
    e.cs_id = out.cs_id;
    e.policies = {0};
    e.spi = U32Bytes(key_id);
    if (kind == Distribution::kGmk) Append(e.spi, U32Bytes(out.csb_id));  // MKI = GMK-ID || GUK-ID
    m.hdr.cs_map_type = mikey::kCsMapGenericId;
    m.hdr.generic_map.push_back(std::move(e));
  }
  m.payloads.emplace_back(mikey::Timestamp::FromNtpSeconds(ntp_now));
  if (options.rand) {
    if (options.rand->size() != kRandBytes) return Error::kBadLength;
    out.rand = *options.rand;
  } else {
    out.rand.resize(kRandBytes);
    MCX_TRY(rng.Fill(out.rand.data(), out.rand.size()));
  }
  m.payloads.emplace_back(mikey::Rand{out.rand});
  if (options.hide_identities) {  // 5.2.6
    m.payloads.emplace_back(MakeIdr(IdRole::kUidInitiator, sender.keys().uid));
    m.payloads.emplace_back(MakeIdr(IdRole::kUidResponder, *receiver_uid));
  } else {
    m.payloads.emplace_back(MakeIdr(IdRole::kInitiator, ByteView(sender.keys().uri)));
    m.payloads.emplace_back(MakeIdr(IdRole::kResponder, ByteView(receiver_uri)));
  }
  m.payloads.emplace_back(MakeIdr(IdRole::kKmsInitiator, ByteView(sender_kms.kms_uri)));
  m.payloads.emplace_back(MakeIdr(IdRole::kKmsResponder, ByteView(receiver_kms.kms_uri)));
  m.payloads.emplace_back(kind == Distribution::kGmk ? GroupSecurityPolicy() : UnicastSecurityPolicy());
  Status st;
  m.payloads.emplace_back(MakeSakke(receiver_kms, *receiver_uid, key, st));
  MCX_TRY(st);
  if (options.sakke_to_self) {  // 5.2.5: the same key encapsulated to the sender's own UID
    mikey::Message self;
    self.payloads.emplace_back(MakeSakke(sender_kms, sender.keys().uid, key, st));
    MCX_TRY(st);
    Bytes enc = mikey::Encode(self);
    // The GE data is a SAKKE payload (its next-payload byte 0): skip the 10-byte empty HDR.
    m.payloads.emplace_back(mikey::GeneralExtension{mikey::kGeSakkeToSelf, Bytes(enc.begin() + 10, enc.end())});
  }
  if (options.key_parameters) {  // 5.2.4 / E.6: encrypted under the key, DPPK-ID = CSB-ID
    keyparams::KeyParameters kp;
    kp.key_type = purpose;
    kp.status = keyparams::StatusWord(options.revoked, options.status_convention);
    kp.activation_time = options.activation_time;
    kp.expiry_time = options.expiry_time;
    kp.text = options.text;
    if (!options.group_uri.empty()) kp.group_ids.push_back(options.group_uri);
    kp.algorithms = options.algorithms;
    auto pp = keyparams::Protect(key, out.csb_id, keyparams::Encode(kp), NtpToUnixSeconds(ntp_now), rng);
    if (!pp) return pp.error();
    m.payloads.emplace_back(mikey::GeneralExtension{mikey::kGeKeyParameters, keyparams::EncodePayload(*pp)});
  }
  // RFC 6509 / TS 33.180: ECCSI over everything up to and including the SIGN header.
  auto sig = sender.signer().Sign(mikey::EncodeSignedPart(m, eccsi::kSignatureBytes), rng);
  if (!sig) return sig.error();
  m.sign = mikey::Sign{mikey::kSignTypeEccsi, std::move(sig).value()};
  out.message = mikey::Encode(m);
  return out;
}

Result<ReceivedKey> ProcessIMessage(ByteView bytes, const LocalIdentity& me, const ReceiveContext& ctx) {
  auto decoded = mikey::Decode(bytes);
  if (!decoded) return decoded.error();
  const mikey::Message& m = *decoded;

  // Structure (RFC 6509 3.2): SAKKE I_MESSAGE, PRF-HMAC-SHA-256, T, RAND, SAKKE, ECCSI SIGN.
  if (m.hdr.data_type != mikey::kDataTypeSakkeIMessage || m.hdr.prf != mikey::kPrfHmacSha256)
    return Error::kUnsupportedValue;
  for (size_t n : {m.Count<mikey::Timestamp>(), m.Count<mikey::Rand>(), m.Count<mikey::SakkePayload>()}) {
    if (n == 0) return Error::kMissingPayload;
    if (n > 1) return Error::kDuplicatePayload;
  }
  if (!m.sign) return Error::kMissingPayload;
  if (m.sign->s_type != mikey::kSignTypeEccsi) return Error::kUnsupportedValue;
  const auto* t = m.Find<mikey::Timestamp>();
  const auto* rand = m.Find<mikey::Rand>();
  const auto* sk = m.Find<mikey::SakkePayload>();
  if (t->ts_type == mikey::kTsCounter || sk->params != sakke::kParameterSet1) return Error::kUnsupportedValue;

  // KMSs: the sender's must be one we hold a certificate for; the receiver's must be ours.
  const auto* kmsi = m.FindIdr(IdRole::kKmsInitiator);
  const auto* kmsr = m.FindIdr(IdRole::kKmsResponder);
  const std::string sender_kms_uri = kmsi ? AsString(kmsi->data) : me.keys().kms_uri;
  const KmsPublicInfo* sender_kms = FindKms(ctx.kms, sender_kms_uri);
  const KmsPublicInfo* own_kms = FindKms(ctx.kms, me.keys().kms_uri);
  if (sender_kms == nullptr || own_kms == nullptr) return Error::kUnknownKms;
  if (kmsr && AsString(kmsr->data) != me.keys().kms_uri) return Error::kUnknownKms;

  // Time and key period: the message must be made for the receiver's current key set.
  const uint64_t ts = t->NtpSeconds();
  if (ctx.max_clock_skew_seconds) {
    const uint64_t skew = ts > ctx.ntp_now ? ts - ctx.ntp_now : ctx.ntp_now - ts;
    if (skew > *ctx.max_clock_skew_seconds) return Error::kTimestampOutOfWindow;
  }
  auto now_period = own_kms->period.Number(ctx.ntp_now);
  auto msg_period = own_kms->period.Number(ts);
  if (!now_period || !msg_period || *now_period != me.keys().period_no || *msg_period != *now_period)
    return Error::kKeyPeriodNotCurrent;

  // Receiver: IDRr (URI) or IDRuidr (UID, identity hiding) must name us.
  ReceivedKey out{};
  const auto* idr_r = m.FindIdr(IdRole::kResponder);
  const auto* uid_r = m.FindIdr(IdRole::kUidResponder);
  if (!idr_r && !uid_r) return Error::kMissingPayload;
  if ((idr_r && AsString(idr_r->data) != me.keys().uri) || (uid_r && uid_r->data != me.keys().uid))
    return Error::kWrongReceiver;
  out.identities_hidden = uid_r != nullptr;

  // Sender: IDRi (URI, UID computed) or IDRuidi (UID as sent).
  const auto* idr_i = m.FindIdr(IdRole::kInitiator);
  const auto* uid_i = m.FindIdr(IdRole::kUidInitiator);
  if (!idr_i && !uid_i) return Error::kMissingPayload;
  if (idr_i) {
    out.sender_uri = AsString(idr_i->data);
    auto uid = sender_kms->UidAt(out.sender_uri, ts);
    if (!uid) return uid.error();
    out.sender_uid = std::move(uid).value();
  } else {
    out.sender_uid = uid_i->data;
  }
  out.sender_kms_uri = sender_kms_uri;

  // Signature (RFC 6509, RFC 3830 5.2): over all bytes before the signature.
  const size_t signed_len = bytes.size() - m.sign->signature.size();
  MCX_TRY(eccsi::Verify(sender_kms->kpak, out.sender_uid, bytes.Sub(0, signed_len), m.sign->signature));

  // Authorisation (5.7.2 step 2: "verify that the GMS is authorised to create groups").
  if (!ctx.authorised_senders.empty()) {
    bool ok = false;
    for (const auto& uri : ctx.authorised_senders) {
      if (idr_i) {
        ok = uri == out.sender_uri;
      } else {
        auto uid = sender_kms->UidAt(uri, ts);
        ok = uid.ok() && *uid == out.sender_uid;
        if (ok) out.sender_uri = uri;
      }
      if (ok) break;
    }
    if (!ok) return Error::kSenderNotAuthorised;
  }

  // Key: SAKKE decapsulation with our RSK (RFC 6508 6.2.2, integrity check included).
  auto key = me.receiver().Decapsulate(sk->sed);
  if (!key) return key.error();
  out.key = std::move(key).value();
  out.rand = rand->value;
  out.timestamp_ntp = ts;
  out.kind = ctx.expected;
  out.csb_id = m.hdr.csb_id;
  out.sakke_to_self = m.FindGeneralExtension(mikey::kGeSakkeToSelf) != nullptr;

  // Key ID and purpose (5.2.2; 5.2.3: a GMK's CSB-ID is the GUK-ID of the receiver).
  out.key_id = m.hdr.csb_id;
  if (ctx.expected == Distribution::kGmk) {
    crypto::CountOp(crypto::Op::kSymmetric);
    out.key_id = kdf::GmkIdFromGukId(out.key, m.hdr.csb_id, me.keys().uri);
  }
  out.purpose = PurposeOfKeyId(out.key_id);
  if (!PurposeFits(ctx.expected, out.purpose)) return Error::kKeyTypeMismatch;
  out.cs_id = DefaultCsId(ctx.expected, out.purpose);
  if (!m.hdr.generic_map.empty()) {
    const auto& e = m.hdr.generic_map.front();
    out.cs_id = e.cs_id;
    Bytes expect_spi = U32Bytes(out.key_id);
    if (ctx.expected == Distribution::kGmk) Append(expect_spi, U32Bytes(m.hdr.csb_id));
    if (!e.spi.empty() && e.spi != expect_spi) return Error::kKeyTypeMismatch;
  }

  // Key parameters (5.2.4, E.6): decrypt under the key; type must agree; not expired.
  if (const auto* ge = m.FindGeneralExtension(mikey::kGeKeyParameters)) {
    Bytes plain;
    if (!ge->data.empty() && (ge->data[0] & keyparams::kMessageTypeEncrypted)) {
      auto pp = keyparams::DecodePayload(ge->data);
      if (!pp || pp->dppk_id != m.hdr.csb_id) return Error::kKeyParametersUndecryptable;
      auto opened = keyparams::Unprotect(*pp, out.key);
      if (!opened) return Error::kKeyParametersUndecryptable;
      plain = opened->Expose();
    } else if (ctx.accept_legacy_key_parameters) {
      plain = ge->data;  // Streamwide v1.1.x: plaintext, semantics not those of E.6
      out.legacy_params = true;
    } else {
      return Error::kKeyParametersUndecryptable;
    }
    auto kp = keyparams::Decode(plain);
    SecureWipe(plain.data(), plain.size());
    if (!kp) return Error::kKeyParametersUndecryptable;
    if (!out.legacy_params) {
      if (kp->key_type != out.purpose) return Error::kKeyTypeMismatch;
      out.revoked = keyparams::IsRevoked(kp->status, ctx.status_convention);
      const uint64_t unix_now = NtpToUnixSeconds(ctx.ntp_now);
      if (kp->expiry_time != 0 && kp->expiry_time <= unix_now) return Error::kKeyExpired;
    }
    out.params = std::move(kp).value();
  }

  // Group (TS 33.180 5.7, E.6): a GMK is accepted for one group only. When the receiver knows
  // which group it is accepting the key for, the Group IDs of the key parameters must name that
  // group and no other; a key that does not say (no or legacy parameters) cannot be bound to it.
  if (ctx.expected_group && keyparams::CarriesGroupIds(out.purpose)) {
    if (!out.params || out.legacy_params || out.params->group_ids.empty()) return Error::kGroupMismatch;
    for (const auto& g : out.params->group_ids)
      if (g != *ctx.expected_group) return Error::kGroupMismatch;
  }
  return out;
}

Result<SecretBytes> RecoverFromSakkeToSelf(ByteView bytes, const LocalIdentity& me) {
  auto decoded = mikey::Decode(bytes);
  if (!decoded) return decoded.error();
  const auto* ge = decoded->FindGeneralExtension(mikey::kGeSakkeToSelf);
  if (ge == nullptr) return Error::kMissingPayload;
  // The GE data is a SAKKE payload: next(1) params(1) scheme(1) length(2) SED.
  Bytes wrapped = {mikey::kVersion, mikey::kDataTypeSakkeIMessage, static_cast<uint8_t>(mikey::PayloadType::kSakke),
                   mikey::kPrfHmacSha256, 0, 0, 0, 0, 0, mikey::kCsMapEmpty};
  Append(wrapped, ge->data);
  if (!ge->data.empty()) wrapped[10] = 0;  // the inner next-payload byte is ignored (E.5)
  auto inner = mikey::Decode(wrapped);
  if (!inner) return inner.error();
  const auto* s = inner->Find<mikey::SakkePayload>();
  if (s == nullptr) return Error::kMissingPayload;
  return me.receiver().Decapsulate(s->sed);
}

}  // namespace mcx::security::mikey_sakke
