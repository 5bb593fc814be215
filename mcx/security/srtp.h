// SRTP and SRTCP with AEAD_AES_128_GCM (RFC 7714), session keys from the RFC 3711 AES-CM key
// derivation (key derivation rate 0), MKI on every packet, ROC tracking and replay windows
// (RFC 3711 3.3). Receivers pick the master key by MKI, so one receiver decrypts many senders
// (TS 33.180 7.4: group members each send under their own GUK-ID-derived key).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>

#include "mcx/security/types.h"


namespace mcx::security::srtp {

inline constexpr size_t kMasterKeyBytes = 16;
inline constexpr size_t kMasterSaltBytes = 12;
inline constexpr size_t kTagBytes = 16;
inline constexpr size_t kSrtcpIndexBytes = 4;
inline constexpr size_t kRtpHeaderBytes = 12;
inline constexpr size_t kRtcpHeaderBytes = 8;

/// A master key, salt and the MKI that names it (TS 33.180 7.4: GMK-ID||GUK-ID, PCK-ID, CSK-ID...).
struct MasterKey {
  SecretBytes key;   ///< 16 bytes
  SecretBytes salt;  ///< 12 bytes
  Bytes mki;         ///< 0, 4 or 8 bytes
};

/// Session encryption key and salt for one direction of RTP or RTCP.
struct SessionKeys {
  SecretBytes key;   ///< 16 bytes
  SecretBytes salt;  ///< 12 bytes
};

/// RFC 3711 4.3 with the AES-CM PRF and kdr = 0: labels 0x00/0x02 (SRTP), 0x03/0x05 (SRTCP).
/// The 96-bit master salt sits left-aligned in the 112-bit field (RFC 7714 11).
SessionKeys DeriveSessionKeys(const MasterKey& mk, bool rtcp);

/// RFC 3711 3.3.2 replay list: a 64-packet sliding window; Check and Add are separate so a
/// packet is only added after it authenticated.
class ReplayWindow {
 public:
  /// Errors: kReplayDetected, kReplayTooOld.
  Status Check(uint64_t index) const;
  void Add(uint64_t index);

 private:
  bool init_ = false;
  uint64_t top_ = 0;
  uint64_t mask_ = 0;  ///< bit i = top_ - i seen
};

/// What a receiver saw, for the simulator's error counters.
struct Counters {
  uint64_t ok = 0;
  uint64_t auth_failed = 0;
  uint64_t replayed = 0;
  uint64_t unknown_mki = 0;
  uint64_t malformed = 0;
  /// Senders (MKIs) or streams (SSRCs of a sender) whose state was dropped, least recently used
  /// first, to keep the receiver within its bounds.
  uint64_t evicted = 0;
};

/// A protected unit's sizes (byte accounting: plaintext packet and what goes on the wire).
struct Sizes {
  size_t plain = 0;
  size_t wire = 0;
  size_t overhead() const { return wire - plain; }
};

/// One sending stream (one SSRC) under one master key.
class Sender {
 public:
  explicit Sender(MasterKey mk);
  /// For known-answer tests: use these session keys directly (no RFC 3711 derivation).
  static Sender WithSessionKeys(SessionKeys rtp, SessionKeys rtcp, Bytes mki);

  /// RTP packet -> SRTP: header || GCM(payload) || tag || MKI. The ROC advances when the
  /// sequence number wraps. Errors: kTruncated (shorter than its header).
  Result<Bytes> ProtectRtp(ByteView rtp);
  /// RTCP packet -> SRTCP: first 8 bytes clear || GCM(rest) || tag || E|index || MKI.
  /// Errors: kTruncated.
  Result<Bytes> ProtectRtcp(ByteView rtcp);
  /// Tagging only (E = 0): the packet stays clear and is authenticated (RFC 7714 17.3).
  Result<Bytes> AuthenticateRtcp(ByteView rtcp);

  uint32_t roc() const { return roc_; }
  void set_roc(uint32_t roc) { roc_ = roc; }
  uint32_t srtcp_index() const { return srtcp_index_; }
  void set_srtcp_index(uint32_t i) { srtcp_index_ = i & 0x7fffffffu; }

 private:
  Sender(SessionKeys rtp, SessionKeys rtcp, Bytes mki);
  SessionKeys rtp_, rtcp_;
  Bytes mki_;
  uint32_t roc_ = 0;
  std::optional<uint16_t> last_seq_;
  uint32_t srtcp_index_ = 0;
};

/// Finds the master key for an MKI (nullptr: unknown). Called for an MKI the receiver holds no
/// state for; the derived session keys are kept once a packet under them authenticated.
using KeyLookup = std::function<std::optional<MasterKey>(ByteView mki)>;

/// Receives SRTP and SRTCP from any number of senders; keys by MKI of a fixed length.
///
/// State (session keys, ROC, replay windows) is kept per MKI and SSRC only for packets that
/// authenticated (RFC 3711 3.3: the replay list is updated only after authentication): a packet
/// under a new MKI has its keys derived into a temporary and checked first, so forged packets
/// (any GUK-ID after a known GMK-ID names a key, TS 33.180 7.4.2) leave nothing behind. The
/// state is bounded: at most `max_senders` MKIs and kMaxSsrcsPerSender SSRCs per MKI, the least
/// recently used one dropped to make room (counted in Counters::evicted; a dropped stream's
/// replay window is gone, so the bounds are set far above any group's senders).
class Receiver {
 public:
  static constexpr size_t kDefaultMaxSenders = 1024;
  static constexpr size_t kMaxSsrcsPerSender = 16;

  Receiver(size_t mki_bytes, KeyLookup lookup, size_t max_senders = kDefaultMaxSenders);
  /// For known-answer tests: one fixed pair of session keys, no MKI.
  static Receiver WithSessionKeys(SessionKeys rtp, SessionKeys rtcp);

  /// Errors (each counted): kTruncated (malformed), kUnknownMki, kAuthenticationFailed,
  /// kReplayDetected / kReplayTooOld. The state changes only for authentic packets.
  Result<Bytes> UnprotectRtp(ByteView srtp);
  Result<Bytes> UnprotectRtcp(ByteView srtcp);
  const Counters& counters() const { return counters_; }
  /// Forgets the state of an MKI (its session keys and streams), e.g. after a rekey or revocation.
  void ForgetMki(ByteView mki);
  /// MKIs the receiver holds state for (each a sender whose packet authenticated).
  size_t sender_count() const { return senders_.size(); }
  /// RTP streams and SRTCP replay windows held, over all senders.
  size_t stream_count() const;

 private:
  struct Keys {
    SessionKeys rtp, rtcp;
  };
  struct RtpStream {
    uint32_t roc = 0;
    std::optional<uint16_t> s_l;  ///< highest sequence number received
    ReplayWindow window;
    uint64_t used = 0;
  };
  struct RtcpStream {
    ReplayWindow window;
    uint64_t used = 0;
  };
  struct SenderState {
    Keys keys;
    std::map<uint32_t, RtpStream> rtp;    ///< by SSRC
    std::map<uint32_t, RtcpStream> rtcp;  ///< by SSRC
    uint64_t used = 0;
  };
  /// The keys for an MKI: a held sender's (`state` set), else derived into `fresh` (nothing is
  /// kept). Null: unknown MKI.
  const Keys* KeysFor(ByteView mki, SenderState*& state, std::optional<Keys>& fresh);
  /// After a packet authenticated: the sender's state, created if new (evicting the least
  /// recently used sender when full).
  SenderState& Keep(ByteView mki, SenderState* state, std::optional<Keys>& fresh);
  template <class Stream>
  Stream& StreamOf(std::map<uint32_t, Stream>& streams, uint32_t ssrc);
  Result<Bytes> Count(Result<Bytes> r);

  size_t mki_bytes_;
  KeyLookup lookup_;
  size_t max_senders_;
  std::optional<Keys> fixed_;
  std::map<Bytes, SenderState> senders_;  ///< by MKI
  uint64_t tick_ = 0;                     ///< use order, for least-recently-used eviction
  Counters counters_;
};

/// RFC 7714 8.1 / 9.1 IVs (exposed for known-answer tests).
Bytes RtpIv(ByteView session_salt, uint32_t ssrc, uint32_t roc, uint16_t seq);
Bytes RtcpIv(ByteView session_salt, uint32_t ssrc, uint32_t index);

/// RTP header length (fixed part, CSRCs, extension). Errors: kTruncated.
Result<size_t> RtpHeaderLength(ByteView rtp);

}  // namespace mcx::security::srtp
