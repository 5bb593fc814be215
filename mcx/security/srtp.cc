#include "mcx/security/srtp.h"

#include <algorithm>

#include "mcx/crypto/aead.h"

namespace mcx::security::srtp {
using crypto::Append;
using crypto::AppendU16;
using crypto::AppendU32;
using crypto::LoadU32;

namespace {

constexpr uint8_t kLabelRtpEncryption = 0x00;
constexpr uint8_t kLabelRtpSalt = 0x02;
constexpr uint8_t kLabelRtcpEncryption = 0x03;
constexpr uint8_t kLabelRtcpSalt = 0x05;
constexpr uint32_t kEFlag = 0x80000000u;
constexpr uint64_t kReplayWindowSize = 64;

// RFC 3711 4.3.1/4.3.3: x = (label || r) XOR master_salt in a 112-bit field, r = 0 (kdr = 0);
// the PRF output is AES-CM keystream with IV = x * 2^16.
SecretBytes Prf(const MasterKey& mk, uint8_t label, size_t len) {
  Bytes iv(16, 0);
  for (size_t i = 0; i < mk.salt.size() && i < 14; ++i) iv[i] = mk.salt[i];
  iv[7] ^= label;
  auto ks = aead::Aes128CtrKeystream(mk.key, iv, len);
  if (!ks) throw std::bad_alloc();
  return std::move(ks).value();
}

void XorInto(Bytes& iv, ByteView salt) {
  for (size_t i = 0; i < iv.size() && i < salt.size(); ++i) iv[i] ^= salt[i];
}

}  // namespace

SessionKeys DeriveSessionKeys(const MasterKey& mk, bool rtcp) {
  return SessionKeys{Prf(mk, rtcp ? kLabelRtcpEncryption : kLabelRtpEncryption, kMasterKeyBytes),
                     Prf(mk, rtcp ? kLabelRtcpSalt : kLabelRtpSalt, kMasterSaltBytes)};
}

Bytes RtpIv(ByteView session_salt, uint32_t ssrc, uint32_t roc, uint16_t seq) {
  Bytes iv{0, 0};  // RFC 7714 8.1: 00 00 || SSRC || ROC || SEQ, XOR salt
  AppendU32(iv, ssrc);
  AppendU32(iv, roc);
  AppendU16(iv, seq);
  XorInto(iv, session_salt);
  return iv;
}

Bytes RtcpIv(ByteView session_salt, uint32_t ssrc, uint32_t index) {
  Bytes iv{0, 0};  // RFC 7714 9.1: 00 00 || SSRC || 00 00 || 0 || SRTCP index, XOR salt
  AppendU32(iv, ssrc);
  AppendU16(iv, 0);
  AppendU32(iv, index & 0x7fffffffu);
  XorInto(iv, session_salt);
  return iv;
}

Result<size_t> RtpHeaderLength(ByteView rtp) {
  if (rtp.size() < kRtpHeaderBytes) return Error::kTruncated;
  size_t len = kRtpHeaderBytes + 4 * (rtp[0] & 0x0f);  // CSRC list
  if (rtp.size() < len) return Error::kTruncated;
  if (rtp[0] & 0x10) {  // header extension: 16-bit profile, 16-bit length in words
    if (rtp.size() < len + 4) return Error::kTruncated;
    len += 4 + 4 * (size_t{rtp[len + 2]} << 8 | rtp[len + 3]);
    if (rtp.size() < len) return Error::kTruncated;
  }
  return len;
}

Status ReplayWindow::Check(uint64_t index) const {
  if (!init_ || index > top_) return Status::Ok();
  const uint64_t delta = top_ - index;
  if (delta >= kReplayWindowSize) return Error::kReplayTooOld;
  if (mask_ >> delta & 1) return Error::kReplayDetected;
  return Status::Ok();
}

void ReplayWindow::Add(uint64_t index) {
  if (!init_) {
    init_ = true;
    top_ = index;
    mask_ = 1;
  } else if (index > top_) {
    const uint64_t shift = index - top_;
    mask_ = shift >= kReplayWindowSize ? 1 : (mask_ << shift) | 1;
    top_ = index;
  } else {
    mask_ |= uint64_t{1} << (top_ - index);
  }
}

Sender::Sender(MasterKey mk) : Sender(DeriveSessionKeys(mk, false), DeriveSessionKeys(mk, true), mk.mki) {}

Sender::Sender(SessionKeys rtp, SessionKeys rtcp, Bytes mki)
    : rtp_(std::move(rtp)), rtcp_(std::move(rtcp)), mki_(std::move(mki)) {}

Sender Sender::WithSessionKeys(SessionKeys rtp, SessionKeys rtcp, Bytes mki) {
  return Sender(std::move(rtp), std::move(rtcp), std::move(mki));
}

Result<Bytes> Sender::ProtectRtp(ByteView rtp) {
  auto hl = RtpHeaderLength(rtp);
  if (!hl) return hl.error();
  const uint16_t seq = static_cast<uint16_t>(rtp[2] << 8 | rtp[3]);
  if (last_seq_ && seq < *last_seq_ && *last_seq_ - seq > 0x8000) ++roc_;  // wrapped
  last_seq_ = seq;
  const uint32_t ssrc = LoadU32(rtp.data() + 8);
  auto sealed = aead::Aes128GcmSeal(rtp_.key, RtpIv(rtp_.salt, ssrc, roc_, seq), rtp.Sub(0, *hl), rtp.Sub(*hl));
  if (!sealed) return sealed.error();
  Bytes out = rtp.Sub(0, *hl).ToBytes();
  Append(out, *sealed);
  Append(out, mki_);  // libsrtp places the MKI after the AEAD tag
  return out;
}

Result<Bytes> Sender::ProtectRtcp(ByteView rtcp) {
  if (rtcp.size() < kRtcpHeaderBytes) return Error::kTruncated;
  const uint32_t ssrc = LoadU32(rtcp.data() + 4);
  const uint32_t word = kEFlag | srtcp_index_;
  Bytes aad = rtcp.Sub(0, kRtcpHeaderBytes).ToBytes();
  AppendU32(aad, word);
  auto sealed = aead::Aes128GcmSeal(rtcp_.key, RtcpIv(rtcp_.salt, ssrc, srtcp_index_), aad, rtcp.Sub(kRtcpHeaderBytes));
  if (!sealed) return sealed.error();
  srtcp_index_ = (srtcp_index_ + 1) & 0x7fffffffu;
  Bytes out = rtcp.Sub(0, kRtcpHeaderBytes).ToBytes();
  Append(out, *sealed);
  AppendU32(out, word);
  Append(out, mki_);
  return out;
}

Result<Bytes> Sender::AuthenticateRtcp(ByteView rtcp) {
  if (rtcp.size() < kRtcpHeaderBytes) return Error::kTruncated;
  const uint32_t ssrc = LoadU32(rtcp.data() + 4);
  Bytes aad = rtcp.ToBytes();
  AppendU32(aad, srtcp_index_);
  auto tag = aead::Aes128GcmSeal(rtcp_.key, RtcpIv(rtcp_.salt, ssrc, srtcp_index_), aad, ByteView());
  if (!tag) return tag.error();
  Bytes out = rtcp.ToBytes();
  Append(out, *tag);
  AppendU32(out, srtcp_index_);
  Append(out, mki_);
  srtcp_index_ = (srtcp_index_ + 1) & 0x7fffffffu;
  return out;
}

Receiver::Receiver(size_t mki_bytes, KeyLookup lookup, size_t max_senders)
    : mki_bytes_(mki_bytes), lookup_(std::move(lookup)), max_senders_(max_senders == 0 ? 1 : max_senders) {}

Receiver Receiver::WithSessionKeys(SessionKeys rtp, SessionKeys rtcp) {
  Receiver r(0, nullptr);
  r.fixed_ = Keys{std::move(rtp), std::move(rtcp)};
  return r;
}

void Receiver::ForgetMki(ByteView mki) { senders_.erase(mki.ToBytes()); }

size_t Receiver::stream_count() const {
  size_t n = 0;
  for (const auto& [mki, s] : senders_) n += s.rtp.size() + s.rtcp.size();
  return n;
}

const Receiver::Keys* Receiver::KeysFor(ByteView mki, SenderState*& state, std::optional<Keys>& fresh) {
  state = nullptr;
  auto it = senders_.find(mki.ToBytes());
  if (it != senders_.end()) {
    state = &it->second;
    return &it->second.keys;
  }
  if (fixed_) return &*fixed_;
  auto mk = lookup_ ? lookup_(mki) : std::nullopt;
  if (!mk) return nullptr;
  // Derived into a temporary: kept only if the packet authenticates (Keep).
  fresh.emplace(Keys{DeriveSessionKeys(*mk, false), DeriveSessionKeys(*mk, true)});
  return &*fresh;
}

Receiver::SenderState& Receiver::Keep(ByteView mki, SenderState* state, std::optional<Keys>& fresh) {
  if (state == nullptr) {
    if (senders_.size() >= max_senders_) {
      auto lru = std::min_element(senders_.begin(), senders_.end(),
                                  [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
      senders_.erase(lru);
      ++counters_.evicted;
    }
    SenderState s;
    s.keys = fresh ? std::move(*fresh) : *fixed_;
    state = &senders_.emplace(mki.ToBytes(), std::move(s)).first->second;
  }
  state->used = ++tick_;
  return *state;
}

template <class Stream>
Stream& Receiver::StreamOf(std::map<uint32_t, Stream>& streams, uint32_t ssrc) {
  auto it = streams.find(ssrc);
  if (it == streams.end()) {
    if (streams.size() >= kMaxSsrcsPerSender) {
      auto lru = std::min_element(streams.begin(), streams.end(),
                                  [](const auto& a, const auto& b) { return a.second.used < b.second.used; });
      streams.erase(lru);
      ++counters_.evicted;
    }
    it = streams.emplace(ssrc, Stream{}).first;
  }
  it->second.used = tick_;
  return it->second;
}

Result<Bytes> Receiver::Count(Result<Bytes> r) {
  if (r.ok()) {
    ++counters_.ok;
    return r;
  }
  switch (r.error()) {
    case Error::kAuthenticationFailed: ++counters_.auth_failed; break;
    case Error::kReplayDetected:
    case Error::kReplayTooOld: ++counters_.replayed; break;
    case Error::kUnknownMki: ++counters_.unknown_mki; break;
    default: ++counters_.malformed; break;
  }
  return r;
}

Result<Bytes> Receiver::UnprotectRtp(ByteView srtp) {
  return Count([&]() -> Result<Bytes> {
    auto hl = RtpHeaderLength(srtp);
    if (!hl) return hl.error();
    if (srtp.size() < *hl + kTagBytes + mki_bytes_) return Error::kTruncated;
    const ByteView mki = srtp.Sub(srtp.size() - mki_bytes_, mki_bytes_);
    SenderState* state = nullptr;
    std::optional<Keys> fresh;
    const Keys* k = KeysFor(mki, state, fresh);
    if (k == nullptr) return Error::kUnknownMki;
    const uint16_t seq = static_cast<uint16_t>(srtp[2] << 8 | srtp[3]);
    const uint32_t ssrc = LoadU32(srtp.data() + 8);
    // The stream's state if held; a new stream starts from the initial state, kept only once
    // this packet authenticated (RFC 3711 3.3).
    const RtpStream initial;
    const RtpStream* st = &initial;
    if (state != nullptr)
      if (auto it = state->rtp.find(ssrc); it != state->rtp.end()) st = &it->second;
    // RFC 3711 Appendix A: estimate the ROC from the highest sequence number seen.
    uint32_t v = st->roc;
    if (st->s_l) {
      if (*st->s_l < 0x8000) {
        if (seq > *st->s_l && seq - *st->s_l > 0x8000) v = st->roc - 1;
      } else if (*st->s_l - 0x8000 > seq) {
        v = st->roc + 1;
      }
    }
    const uint64_t index = uint64_t{v} << 16 | seq;
    MCX_TRY(st->window.Check(index));
    const ByteView body = srtp.Sub(*hl, srtp.size() - *hl - mki_bytes_);
    auto plain = aead::Aes128GcmOpen(k->rtp.key, RtpIv(k->rtp.salt, ssrc, v, seq), srtp.Sub(0, *hl), body);
    if (!plain) return plain.error();
    // Authentic: now the sender and stream get (or update) their state.
    RtpStream& kept = StreamOf(Keep(mki, state, fresh).rtp, ssrc);
    kept.window.Add(index);
    if (!kept.s_l || v > kept.roc || (v == kept.roc && seq > *kept.s_l)) {
      kept.roc = v;
      kept.s_l = seq;
    }
    Bytes out = srtp.Sub(0, *hl).ToBytes();
    Append(out, *plain);
    return out;
  }());
}

Result<Bytes> Receiver::UnprotectRtcp(ByteView srtcp) {
  return Count([&]() -> Result<Bytes> {
    if (srtcp.size() < kRtcpHeaderBytes + kTagBytes + kSrtcpIndexBytes + mki_bytes_) return Error::kTruncated;
    const size_t end = srtcp.size() - mki_bytes_;
    const ByteView mki = srtcp.Sub(end, mki_bytes_);
    SenderState* state = nullptr;
    std::optional<Keys> fresh;
    const Keys* k = KeysFor(mki, state, fresh);
    if (k == nullptr) return Error::kUnknownMki;
    const uint32_t word = LoadU32(srtcp.data() + end - kSrtcpIndexBytes);
    const uint32_t index = word & 0x7fffffffu;
    const uint32_t ssrc = LoadU32(srtcp.data() + 4);
    const ReplayWindow initial;
    const ReplayWindow* w = &initial;
    if (state != nullptr)
      if (auto it = state->rtcp.find(ssrc); it != state->rtcp.end()) w = &it->second.window;
    MCX_TRY(w->Check(index));
    const Bytes iv = RtcpIv(k->rtcp.salt, ssrc, index);
    const size_t sealed_end = end - kSrtcpIndexBytes;
    Bytes out;
    if (word & kEFlag) {
      Bytes aad = srtcp.Sub(0, kRtcpHeaderBytes).ToBytes();
      AppendU32(aad, word);
      auto plain = aead::Aes128GcmOpen(k->rtcp.key, iv, aad, srtcp.Sub(kRtcpHeaderBytes, sealed_end - kRtcpHeaderBytes));
      if (!plain) return plain.error();
      out = srtcp.Sub(0, kRtcpHeaderBytes).ToBytes();
      Append(out, *plain);
    } else {
      const size_t clear_end = sealed_end - kTagBytes;
      Bytes aad = srtcp.Sub(0, clear_end).ToBytes();
      AppendU32(aad, word);
      auto ok = aead::Aes128GcmOpen(k->rtcp.key, iv, aad, srtcp.Sub(clear_end, kTagBytes));
      if (!ok) return ok.error();
      out = srtcp.Sub(0, clear_end).ToBytes();
    }
    StreamOf(Keep(mki, state, fresh).rtcp, ssrc).window.Add(index);
    return out;
  }());
}

}  // namespace mcx::security::srtp
