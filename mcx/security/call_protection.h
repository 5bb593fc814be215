// The protection of one call's media and control (TS 33.180 7.4, 9.4; TS 24.380 13): the SRTP
// and SRTCP contexts, their keys from the key store, and the MKI that names them.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "mcx/codec/floor.h"
#include "mcx/security/floor_protection.h"
#include "mcx/security/key_store.h"
#include "mcx/security/srtp.h"
#include "mcx/security/types.h"

namespace mcx::security {

/// One call's SRTP/SRTCP contexts. Group calls: per-sender keys from the GMK with the sender's
/// GUK-ID (MKI = GMK-ID || GUK-ID), so a receiver holding the GMK rebuilds any member's key from
/// the MKI. Private calls: the PCK (MKI = PCK-ID), one crypto session per direction. The CS-ID
/// comes from the key policy.
class CallProtection {
 public:
  /// A group call under the GMKs held in `gmks` (TS 33.180 5.7): each message goes out under the
  /// group's GMK active at `unix_now()` (latest activation, 5.2.4); a received one is opened
  /// with whichever held GMK its MKI names, unless that key has expired or was revoked. The
  /// store may gain keys during the call (a rekey before leaving coverage).
  static CallProtection ForGroup(std::shared_ptr<const KeyStore> gmks, std::string group_uri, std::string user_uri,
                                 std::function<uint64_t()> unix_now);
  /// One GMK, active at once and never expiring; `rand` is the RAND of the MIKEY message that
  /// carried it.
  static CallProtection ForGroup(ByteView gmk, uint32_t gmk_id, ByteView rand, const std::string& user_uri);
  static CallProtection ForPrivate(ByteView pck, uint32_t pck_id, ByteView rand, bool initiator);

  /// Errors: kKeyNotFound (no GMK of the group is active now), those of srtp::Sender::ProtectRtcp.
  Result<ProtectedFloorMessage> Protect(const codec::FloorMessage& m);
  /// Errors: kUnknownMki (a key we do not hold), kGroupMismatch, kKeyExpired, kKeyRevoked (group
  /// calls: the GMK the MKI names, which must be of the call's group), kAuthenticationFailed,
  /// replays (counted in counters()), Decode's errors.
  Result<codec::FloorMessage> Unprotect(ByteView wire);
  /// The call's media under the same key (SRTP). Errors: as Protect / Unprotect.
  Result<Bytes> ProtectMedia(ByteView rtp);
  Result<Bytes> UnprotectMedia(ByteView srtp);
  const srtp::Counters& counters() const { return receiver_->counters(); }
  /// Group calls: the GMK-ID messages go out under now (0 = none active). Private calls: 0.
  uint32_t SendingKeyId() const;
  /// Whether a message could be protected now (a private call always; a group call while a GMK
  /// of the group is active).
  bool CanSend() const { return !group_ || SendingKeyId() != 0; }

 private:
  struct GroupKeys {
    std::shared_ptr<const KeyStore> store;
    std::string group_uri, user_uri;
    std::function<uint64_t()> unix_now;
    uint32_t sender_key_id = 0;  ///< the GMK sender_ was made from
    /// The sender context of every GMK used so far, kept when another one becomes active: a GMK
    /// active again (a later one expired) continues its SRTP/SRTCP indices, so no AEAD nonce is
    /// used twice under one key (RFC 7714 8.1) and receivers do not see a replay.
    std::map<uint32_t, std::unique_ptr<srtp::Sender>> used;
  };
  CallProtection() = default;
  /// Group calls: makes sender_ follow the active GMK. Errors: kKeyNotFound.
  Status UseActiveGmk();
  /// Group calls: the GMK the packet's MKI names must be held and usable now.
  Status CheckReceivedKey(ByteView wire) const;
  srtp::Sender* sender_ = nullptr;  ///< group calls: in group_->used; private calls: private_sender_
  std::unique_ptr<srtp::Sender> private_sender_;
  std::unique_ptr<srtp::Receiver> receiver_;
  std::optional<GroupKeys> group_;
};

}  // namespace mcx::security
