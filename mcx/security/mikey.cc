#include "mcx/security/mikey.h"

#include "mcx/crypto/wire.h"

namespace mcx::security::mikey {

using crypto::ByteReader;
using crypto::LoadU32;
using crypto::Append;
using crypto::AppendU16;
using crypto::AppendU32;
using crypto::AppendU8;

namespace {

// Field widths (RFC 3830 6.x).
constexpr size_t kNtpBytes = 8;
constexpr size_t kCounterBytes = 4;

size_t TimestampBytes(uint8_t ts_type) { return ts_type == kTsCounter ? kCounterBytes : kNtpBytes; }

uint8_t NextOf(const Message& m, size_t index) {
  if (index + 1 < m.payloads.size()) return static_cast<uint8_t>(TypeOf(m.payloads[index + 1]));
  return m.sign ? static_cast<uint8_t>(PayloadType::kSign) : static_cast<uint8_t>(PayloadType::kLast);
}

void EncodeHeader(Bytes& out, const Header& h, uint8_t next) {
  AppendU8(out, h.version);
  AppendU8(out, h.data_type);
  AppendU8(out, next);
  AppendU8(out, static_cast<uint8_t>((h.v_bit ? 0x80 : 0) | (h.prf & 0x7f)));
  AppendU32(out, h.csb_id);
  const size_t n = h.cs_map_type == kCsMapSrtpId ? h.srtp_map.size() : h.generic_map.size();
  AppendU8(out, static_cast<uint8_t>(h.cs_map_type == kCsMapEmpty ? 0 : n));
  AppendU8(out, h.cs_map_type);
  if (h.cs_map_type == kCsMapSrtpId) {
    for (const auto& e : h.srtp_map) {
      AppendU8(out, e.policy_no);
      AppendU32(out, e.ssrc);
      AppendU32(out, e.roc);
    }
  } else if (h.cs_map_type == kCsMapGenericId) {
    for (const auto& e : h.generic_map) {
      AppendU8(out, e.cs_id);
      AppendU8(out, e.prot_type);
      AppendU8(out, static_cast<uint8_t>((e.s_bit ? 0x80 : 0) | (e.policies.size() & 0x7f)));
      Append(out, e.policies);
      AppendU16(out, static_cast<uint16_t>(e.session_data.size()));
      Append(out, e.session_data);
      AppendU8(out, static_cast<uint8_t>(e.spi.size()));
      Append(out, e.spi);
    }
  }
}

struct PayloadEncoder {
  Bytes& out;
  uint8_t next;
  void operator()(const Timestamp& t) const {
    AppendU8(out, next);
    AppendU8(out, t.ts_type);
    Append(out, t.value);
  }
  void operator()(const Rand& r) const {
    AppendU8(out, next);
    AppendU8(out, static_cast<uint8_t>(r.value.size()));
    Append(out, r.value);
  }
  void operator()(const Idr& i) const {
    AppendU8(out, next);
    AppendU8(out, static_cast<uint8_t>(i.role));
    AppendU8(out, i.id_type);
    AppendU16(out, static_cast<uint16_t>(i.data.size()));
    Append(out, i.data);
  }
  void operator()(const SecurityPolicy& sp) const {
    AppendU8(out, next);
    AppendU8(out, sp.policy_no);
    AppendU8(out, sp.prot_type);
    size_t len = 0;
    for (const auto& p : sp.params) len += 2 + p.value.size();
    AppendU16(out, static_cast<uint16_t>(len));
    for (const auto& p : sp.params) {
      AppendU8(out, p.type);
      AppendU8(out, static_cast<uint8_t>(p.value.size()));
      Append(out, p.value);
    }
  }
  void operator()(const SakkePayload& s) const {
    AppendU8(out, next);
    AppendU8(out, s.params);
    AppendU8(out, s.id_scheme);
    AppendU16(out, static_cast<uint16_t>(s.sed.size()));
    Append(out, s.sed);
  }
  void operator()(const GeneralExtension& g) const {
    AppendU8(out, next);
    AppendU8(out, g.type);
    AppendU16(out, static_cast<uint16_t>(g.data.size()));
    Append(out, g.data);
  }
};

Bytes EncodeBody(const Message& m) {
  Bytes out;
  const uint8_t first =
      !m.payloads.empty() ? static_cast<uint8_t>(TypeOf(m.payloads[0]))
      : m.sign            ? static_cast<uint8_t>(PayloadType::kSign)
                          : static_cast<uint8_t>(PayloadType::kLast);
  EncodeHeader(out, m.hdr, first);
  for (size_t i = 0; i < m.payloads.size(); ++i) std::visit(PayloadEncoder{out, NextOf(m, i)}, m.payloads[i]);
  return out;
}

void AppendSignHeader(Bytes& out, uint8_t s_type, size_t sig_len) {
  AppendU16(out, static_cast<uint16_t>((s_type & 0x0f) << 12 | (sig_len & 0x0fff)));
}

Status DecodeHeader(ByteReader& r, Header& h, uint8_t& next) {
  h.version = r.U8();
  h.data_type = r.U8();
  next = r.U8();
  const uint8_t vp = r.U8();
  h.v_bit = (vp & 0x80) != 0;
  h.prf = vp & 0x7f;
  h.csb_id = r.U32();
  const uint8_t n_cs = r.U8();
  h.cs_map_type = r.U8();
  MCX_TRY(r.status());
  if (h.version != kVersion) return Error::kUnsupportedValue;
  if (h.cs_map_type == kCsMapSrtpId) {
    for (uint8_t i = 0; i < n_cs; ++i) {
      SrtpCsEntry e;
      e.policy_no = r.U8();
      e.ssrc = r.U32();
      e.roc = r.U32();
      h.srtp_map.push_back(e);
    }
  } else if (h.cs_map_type == kCsMapGenericId) {
    for (uint8_t i = 0; i < n_cs; ++i) {
      GenericCsEntry e;
      e.cs_id = r.U8();
      e.prot_type = r.U8();
      const uint8_t sp = r.U8();
      e.s_bit = (sp & 0x80) != 0;
      e.policies = r.Take(sp & 0x7f).ToBytes();
      e.session_data = r.Take(r.U16()).ToBytes();
      e.spi = r.Take(r.U8()).ToBytes();
      h.generic_map.push_back(std::move(e));
    }
  } else if (h.cs_map_type == kCsMapEmpty) {
    if (n_cs != 0) return Error::kUnsupportedValue;  // RFC 4563: the empty map has #CS = 0
  } else {
    return Error::kUnsupportedValue;
  }
  return r.status();
}

}  // namespace

uint64_t Timestamp::NtpSeconds() const {
  if (value.size() != kNtpBytes) return 0;
  return LoadU32(value.data());
}

Timestamp Timestamp::FromNtpSeconds(uint64_t seconds) {
  Timestamp t;
  t.ts_type = kTsNtpUtc;
  AppendU32(t.value, static_cast<uint32_t>(seconds));
  AppendU32(t.value, 0);
  return t;
}

std::optional<Bytes> SecurityPolicy::Param(uint8_t type) const {
  for (const auto& p : params)
    if (p.type == type) return p.value;
  return std::nullopt;
}

PayloadType TypeOf(const Payload& p) {
  struct V {
    PayloadType operator()(const Timestamp&) const { return PayloadType::kT; }
    PayloadType operator()(const Rand&) const { return PayloadType::kRand; }
    PayloadType operator()(const Idr&) const { return PayloadType::kIdr; }
    PayloadType operator()(const SecurityPolicy&) const { return PayloadType::kSp; }
    PayloadType operator()(const SakkePayload&) const { return PayloadType::kSakke; }
    PayloadType operator()(const GeneralExtension&) const { return PayloadType::kGeneralExtension; }
  };
  return std::visit(V{}, p);
}

const Idr* Message::FindIdr(IdRole role) const {
  for (const auto& p : payloads)
    if (auto* i = std::get_if<Idr>(&p); i && i->role == role) return i;
  return nullptr;
}

const GeneralExtension* Message::FindGeneralExtension(uint8_t type) const {
  for (const auto& p : payloads)
    if (auto* g = std::get_if<GeneralExtension>(&p); g && g->type == type) return g;
  return nullptr;
}

Bytes Encode(const Message& m) {
  Bytes out = EncodeBody(m);
  if (m.sign) {
    AppendSignHeader(out, m.sign->s_type, m.sign->signature.size());
    Append(out, m.sign->signature);
  }
  return out;
}

Bytes EncodeSignedPart(const Message& m, size_t sig_len) {
  Message copy = m;
  if (!copy.sign) copy.sign = Sign{};
  Bytes out = EncodeBody(copy);
  AppendSignHeader(out, copy.sign->s_type, sig_len);
  return out;
}

size_t SignedPartLength(const Message& m) {
  if (!m.sign) return 0;
  return Encode(m).size() - m.sign->signature.size();
}

Result<Message> Decode(ByteView bytes) {
  ByteReader r(bytes);
  Message m;
  uint8_t next = 0;
  MCX_TRY(DecodeHeader(r, m.hdr, next));
  while (next != static_cast<uint8_t>(PayloadType::kLast) &&
         next != static_cast<uint8_t>(PayloadType::kSign)) {
    const auto type = static_cast<PayloadType>(next);
    next = r.U8();
    switch (type) {
      case PayloadType::kT: {
        Timestamp t;
        t.ts_type = r.U8();
        if (r.ok() && t.ts_type > kTsCounter) return Error::kUnsupportedValue;
        t.value = r.Take(TimestampBytes(t.ts_type)).ToBytes();
        m.payloads.emplace_back(std::move(t));
        break;
      }
      case PayloadType::kRand: {
        Rand rd;
        rd.value = r.Take(r.U8()).ToBytes();
        m.payloads.emplace_back(std::move(rd));
        break;
      }
      case PayloadType::kIdr: {
        Idr i;
        i.role = static_cast<IdRole>(r.U8());
        i.id_type = r.U8();
        i.data = r.Take(r.U16()).ToBytes();
        m.payloads.emplace_back(std::move(i));
        break;
      }
      case PayloadType::kSp: {
        SecurityPolicy sp;
        sp.policy_no = r.U8();
        sp.prot_type = r.U8();
        ByteReader pr(r.Take(r.U16()));
        while (r.ok() && !pr.AtEnd()) {
          SpParam p;
          p.type = pr.U8();
          p.value = pr.Take(pr.U8()).ToBytes();
          MCX_TRY(pr.status());
          sp.params.push_back(std::move(p));
        }
        m.payloads.emplace_back(std::move(sp));
        break;
      }
      case PayloadType::kSakke: {
        SakkePayload s;
        s.params = r.U8();
        s.id_scheme = r.U8();
        s.sed = r.Take(r.U16()).ToBytes();
        m.payloads.emplace_back(std::move(s));
        break;
      }
      case PayloadType::kGeneralExtension: {
        GeneralExtension g;
        g.type = r.U8();
        g.data = r.Take(r.U16()).ToBytes();
        m.payloads.emplace_back(std::move(g));
        break;
      }
      default:
        return Error::kUnknownPayload;
    }
    MCX_TRY(r.status());
  }
  if (next == static_cast<uint8_t>(PayloadType::kSign)) {
    const uint16_t th = r.U16();
    Sign s;
    s.s_type = static_cast<uint8_t>(th >> 12);
    s.signature = r.Take(th & 0x0fff).ToBytes();
    m.sign = std::move(s);
  }
  MCX_TRY(r.Finish());
  return m;
}

}  // namespace mcx::security::mikey
