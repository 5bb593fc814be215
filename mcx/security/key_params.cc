#include "mcx/security/key_params.h"

#include "mcx/crypto/aead.h"
#include "mcx/crypto/kdf.h"
#include "mcx/crypto/op_count.h"
#include "mcx/crypto/wire.h"

namespace mcx::security::keyparams {
using crypto::Append;
using crypto::AppendU16;
using crypto::AppendU32;
using crypto::AppendU8;
using crypto::ByteReader;

uint32_t StatusWord(bool revoked, StatusConvention c) {
  const bool bit0 = c == StatusConvention::kBit0InUse ? !revoked : revoked;
  return bit0 ? 1u : 0u;
}

bool IsRevoked(uint32_t status, StatusConvention c) {
  const bool bit0 = (status & 1u) != 0;
  return c == StatusConvention::kBit0InUse ? !bit0 : bit0;
}

bool CarriesGroupIds(KeyPurpose t) {
  return t == KeyPurpose::kGmk || t == KeyPurpose::kMkfc || t == KeyPurpose::kMusik;
}

Bytes Encode(const KeyParameters& kp) {
  Bytes out;
  AppendU8(out, static_cast<uint8_t>(kp.key_type));
  AppendU32(out, kp.status);
  AppendU8(out, static_cast<uint8_t>(kp.activation_time >> 32));
  AppendU32(out, static_cast<uint32_t>(kp.activation_time));
  AppendU8(out, static_cast<uint8_t>(kp.expiry_time >> 32));
  AppendU32(out, static_cast<uint32_t>(kp.expiry_time));
  AppendU16(out, static_cast<uint16_t>(kp.text.size()));
  Append(out, ByteView(kp.text));
  if (CarriesGroupIds(kp.key_type)) {
    Bytes list;
    AppendU8(list, static_cast<uint8_t>(kp.group_ids.size()));
    for (const auto& g : kp.group_ids) {
      AppendU8(list, kGroupIdIei);
      AppendU16(list, static_cast<uint16_t>(g.size()));
      Append(list, ByteView(g));
    }
    AppendU16(out, static_cast<uint16_t>(list.size()));
    Append(out, list);
  }
  if (kp.algorithms) {
    AppendU8(out, kAlgorithmListIei);
    AppendU16(out, static_cast<uint16_t>(2 + kp.algorithms->supported.size()));
    AppendU8(out, static_cast<uint8_t>(kp.algorithms->supported.size()));
    Append(out, kp.algorithms->supported);
    AppendU8(out, kp.algorithms->selected);
  }
  return out;
}

Result<KeyParameters> Decode(ByteView bytes) {
  ByteReader r(bytes);
  KeyParameters kp;
  const uint8_t type = r.U8();
  kp.status = r.U32();
  kp.activation_time = r.U40();
  kp.expiry_time = r.U40();
  ByteView text = r.Take(r.U16());
  MCX_TRY(r.status());
  if (type > static_cast<uint8_t>(KeyPurpose::kMusik)) return Error::kUnsupportedValue;
  kp.key_type = static_cast<KeyPurpose>(type);
  kp.text.assign(text.begin(), text.end());
  if (CarriesGroupIds(kp.key_type)) {
    if (r.AtEnd()) {
      kp.group_ids_absent = true;
    } else {
      ByteReader lr(r.Take(r.U16()));
      MCX_TRY(r.status());
      const uint8_t count = lr.U8();
      for (uint8_t i = 0; i < count; ++i) {
        if (lr.U8() != kGroupIdIei && lr.ok()) return Error::kUnsupportedValue;
        ByteView g = lr.Take(lr.U16());
        MCX_TRY(lr.status());
        kp.group_ids.emplace_back(g.begin(), g.end());
      }
      MCX_TRY(lr.Finish());
    }
  }
  if (!r.AtEnd()) {
    if (r.U8() != kAlgorithmListIei) return Error::kUnsupportedValue;
    ByteReader ar(r.Take(r.U16()));
    MCX_TRY(r.status());
    AlgorithmChoice a;
    a.supported = ar.Take(ar.U8()).ToBytes();
    a.selected = ar.U8();
    MCX_TRY(ar.Finish());
    kp.algorithms = std::move(a);
  }
  MCX_TRY(r.Finish());
  return kp;
}

Bytes ProtectedPayload::Aad() const {
  Bytes out;
  AppendU8(out, message_type);
  AppendU8(out, static_cast<uint8_t>(date_time >> 32));
  AppendU32(out, static_cast<uint32_t>(date_time));
  AppendU32(out, payload_id);
  AppendU8(out, payload_seq);
  AppendU8(out, algorithm);
  Append(out, iv);
  AppendU32(out, dppk_id);
  return out;
}

Bytes EncodePayload(const ProtectedPayload& p) {
  Bytes out = p.Aad();
  AppendU8(out, p.tlv_type);
  AppendU16(out, static_cast<uint16_t>(p.sealed.size()));
  Append(out, p.sealed);
  return out;
}

Result<ProtectedPayload> DecodePayload(ByteView bytes) {
  ByteReader r(bytes);
  ProtectedPayload p;
  p.message_type = r.U8();
  p.date_time = r.U40();
  p.payload_id = r.U32();
  p.payload_seq = r.U8();
  p.algorithm = r.U8();
  p.iv = r.Take(kProtectedIvBytes).ToBytes();
  p.dppk_id = r.U32();
  p.tlv_type = r.U8();
  p.sealed = r.Take(r.U16()).ToBytes();
  MCX_TRY(r.Finish());
  return p;
}

Result<ProtectedPayload> Protect(ByteView dppk, uint32_t dppk_id, ByteView plaintext,
                                 uint64_t date_time, Rng& rng) {
  PayloadHeader h;
  h.date_time = date_time;
  return ProtectPayload(dppk, dppk_id, h, plaintext, rng);
}

Result<ProtectedPayload> ProtectPayload(ByteView dppk, uint32_t dppk_id, const PayloadHeader& header,
                                        ByteView plaintext, Rng& rng) {
  ProtectedPayload p;
  p.message_type = header.message_type;
  p.date_time = header.date_time;
  p.payload_id = header.payload_id;
  p.payload_seq = header.payload_seq;
  p.dppk_id = dppk_id;
  p.iv.resize(kProtectedIvBytes);
  MCX_TRY(rng.Fill(p.iv.data(), p.iv.size()));
  SecretBytes dpck = kdf::Dpck(dppk, dppk_id);  // TS 33.180 F.1.5
  auto sealed = aead::Aes128GcmSeal(dpck, p.iv, p.Aad(), plaintext);
  crypto::CountOp(crypto::Op::kSymmetric);  // the DPCK derivation
  crypto::CountOp(crypto::Op::kSymmetric);  // the AES-GCM payload
  if (!sealed) return sealed.error();
  p.sealed = std::move(sealed).value();
  return p;
}

Result<SecretBytes> Unprotect(const ProtectedPayload& p, ByteView dppk) {
  if ((p.message_type & kMessageTypeEncrypted) == 0 || p.algorithm != kAlgAes128Gcm)
    return Error::kUnsupportedValue;
  SecretBytes dpck = kdf::Dpck(dppk, p.dppk_id);
  crypto::CountOp(crypto::Op::kSymmetric);  // the DPCK derivation
  crypto::CountOp(crypto::Op::kSymmetric);  // the AES-GCM payload
  return aead::Aes128GcmOpen(dpck, p.iv, p.Aad(), p.sealed);
}

}  // namespace mcx::security::keyparams
