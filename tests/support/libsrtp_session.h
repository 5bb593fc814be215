// libsrtp2 (Debian's, tests only) as an independent SRTP/SRTCP implementation: one session over
// one master key, AEAD_AES_128_GCM (RFC 7714) with the MKI, to check our bytes both ways.
#pragma once

#include <srtp2/srtp.h>

#include <cstring>
#include <optional>

#include "mcx/crypto/bytes.h"

namespace mcx::test {

class LibsrtpSession {
 public:
  /// key: 16 bytes, salt: 12 bytes, mki: 0 to 8 bytes.
  LibsrtpSession(crypto::ByteView key, crypto::ByteView salt, crypto::ByteView mki, bool inbound) {
    static const bool init = srtp_init() == srtp_err_status_ok;
    ok_ = init && key.size() == 16 && salt.size() == 12 && mki.size() <= sizeof mki_;
    if (!ok_) return;
    std::memcpy(key_, key.data(), 16);
    std::memcpy(key_ + 16, salt.data(), 12);
    // Without an MKI, mki.data() may be null, and memcpy from null is undefined even for 0 bytes.
    if (!mki.empty()) std::memcpy(mki_, mki.data(), mki.size());
    mk_.key = key_;
    mk_.mki_id = mki_;
    mk_.mki_size = static_cast<unsigned>(mki.size());
    keys_[0] = &mk_;
    srtp_policy_t p;
    std::memset(&p, 0, sizeof p);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
    srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtcp);
    p.ssrc.type = inbound ? ssrc_any_inbound : ssrc_any_outbound;
    p.keys = keys_;
    p.num_master_keys = 1;
    p.window_size = 128;
    use_mki_ = !mki.empty();
    ok_ = srtp_create(&s_, &p) == srtp_err_status_ok;
  }
  ~LibsrtpSession() {
    if (s_) srtp_dealloc(s_);
  }
  LibsrtpSession(const LibsrtpSession&) = delete;
  LibsrtpSession& operator=(const LibsrtpSession&) = delete;

  bool ok() const { return ok_; }

  std::optional<crypto::Bytes> Protect(crypto::ByteView pkt, bool rtcp) {
    crypto::Bytes buf(pkt.begin(), pkt.end());
    buf.resize(pkt.size() + 64);
    int len = static_cast<int>(pkt.size());
    auto st = rtcp ? srtp_protect_rtcp_mki(s_, buf.data(), &len, use_mki_, 0)
                   : srtp_protect_mki(s_, buf.data(), &len, use_mki_, 0);
    if (st != srtp_err_status_ok) return std::nullopt;
    buf.resize(static_cast<size_t>(len));
    return buf;
  }
  std::optional<crypto::Bytes> Unprotect(crypto::ByteView pkt, bool rtcp) {
    crypto::Bytes buf(pkt.begin(), pkt.end());
    int len = static_cast<int>(pkt.size());
    auto st = rtcp ? srtp_unprotect_rtcp_mki(s_, buf.data(), &len, use_mki_)
                   : srtp_unprotect_mki(s_, buf.data(), &len, use_mki_);
    if (st != srtp_err_status_ok) return std::nullopt;
    buf.resize(static_cast<size_t>(len));
    return buf;
  }

 private:
  bool ok_ = false;
  srtp_t s_ = nullptr;
  unsigned char key_[28];
  unsigned char mki_[8];
  srtp_master_key_t mk_;
  srtp_master_key_t* keys_[1];
  bool use_mki_ = false;
};

}  // namespace mcx::test
