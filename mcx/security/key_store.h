// A client's or server's key store (TS 33.180 5.3, 5.7, 7.4): identity key sets per key period,
// and distributed keys (GMK, PCK, CSK, MuSiK, SPK) with their IDs, parameters and status;
// lookups by key ID and by SRTP MKI.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcx/security/mikey_sakke.h"
#include "mcx/security/types.h"

namespace mcx::security {

/// What a key is used for at a given moment (the rule differs, see StoredKey::CheckUsable).
enum class KeyUse { kSend, kReceive };

struct StoredKey {
  KeyPurpose purpose = KeyPurpose::kGmk;
  uint32_t key_id = 0;
  uint32_t csb_id = 0;   ///< CSB-ID of the message it came in (this user's GUK-ID for a GMK)
  SecretBytes key;
  Bytes rand;            ///< RAND of the distributing message (SRTP master key derivation)
  uint8_t cs_id = 0;
  std::string group_uri;  ///< GMK/MuSiK: the group (from the key parameters)
  uint64_t activation_time = 0;  ///< Unix seconds; 0 = at once
  uint64_t expiry_time = 0;      ///< Unix seconds; 0 = none
  bool revoked = false;
  std::string peer_uri;  ///< who sent it (or, for keys we created, who it was for)
  std::string text;

  /// TS 33.180 5.2.4: whether the key may be used at unix_now. To send, it must be activated,
  /// not expired and not revoked. To open what others sent, it must not be expired or revoked;
  /// a key not yet active for us is accepted (the sender's clock may be ahead).
  /// Errors: kKeyRevoked, kKeyExpired, kKeyNotFound (sending: not active yet).
  Status CheckUsable(uint64_t unix_now, KeyUse use) const;
  /// Usable to send at unix_now: CheckUsable(unix_now, KeyUse::kSend) succeeds.
  bool ActiveAt(uint64_t unix_now) const { return CheckUsable(unix_now, KeyUse::kSend).ok(); }
};

/// One device's keys (a UE's, a server's): its validated identities, the KMS certificates it
/// trusts, and the keys distributed to it or made by it. A device has one, shared by everything
/// on it (the on-network client stores a GMK, the off-network client uses it).
class KeyStore {
 public:
  /// A validated identity (one per KMS and key period, TS 33.180 5.3); replaces one of the same
  /// KMS and period.
  void PutIdentity(std::shared_ptr<const mikey_sakke::LocalIdentity> identity);
  const mikey_sakke::LocalIdentity* Identity(std::string_view kms_uri, uint64_t period_no) const;
  /// The identity for the key period containing ntp_now under `kms` (null if none is held).
  std::shared_ptr<const mikey_sakke::LocalIdentity> IdentityAt(const mikey_sakke::KmsPublicInfo& kms,
                                                               uint64_t ntp_now) const;
  /// Drops identities of periods before `period_no` (time-limited keys, 5.3).
  void DropIdentitiesBefore(std::string_view kms_uri, uint64_t period_no);
  size_t IdentityCount() const { return identities_.size(); }

  /// A KMS certificate this device trusts: its own KMS's, or an external one (KmsCertCache,
  /// 5.2.8); replaces one of the same KMS URI.
  void PutKms(mikey_sakke::KmsPublicInfo kms);
  const std::vector<mikey_sakke::KmsPublicInfo>& KmsCertificates() const { return kms_; }

  /// Stores a key received in an I_MESSAGE (the last step of 5.7.2 step 2).
  /// - A new key ID: stored. Errors: kKeyRevoked (it arrives revoked: nothing stored).
  /// - The same key ID and key again: idempotent (a repeated NOTIFY, or push and pull).
  /// - The same key ID and key, now revoked: the stored key is marked revoked; returns
  ///   kKeyRevoked so the caller knows the context ended (5.7.2.x revocation).
  /// - The same key ID with another key: kDuplicateKeyId, nothing changes.
  Status Accept(const mikey_sakke::ReceivedKey& r);
  /// 5.7.2 step 2 whole: every receiver check on an I_MESSAGE (mikey_sakke::ProcessIMessage with
  /// `ctx`), then Accept. The error of the first check that fails, or Accept's. A GMK is accepted
  /// for a group by setting ctx.expected_group (5.7, E.6): one naming another group is refused
  /// with kGroupMismatch and nothing is stored.
  Status AcceptIMessage(crypto::ByteView i_message, const mikey_sakke::LocalIdentity& me,
                        const mikey_sakke::ReceiveContext& ctx);
  /// Stores a key this entity made or was provisioned with (GMS side, SPK manual keying).
  /// Errors: kDuplicateKeyId (ID taken by another key), kKeyTypeMismatch (purpose tag).
  Status Put(StoredKey k);
  /// SPK between MCX servers is keyed manually (TS 33.180 4.3.4.1): key ID with purpose 3.
  Status ProvisionSpk(uint32_t spk_id, ByteView spk, std::string peer_server_uri);

  const StoredKey* FindByKeyId(uint32_t key_id) const;
  /// SRTP/SRTCP MKI (TS 33.180 7.4): 4 bytes = PCK-ID/CSK-ID/MuSiK-ID/SPK-ID; 8 bytes =
  /// GMK-ID || GUK-ID, where the GMK-ID selects the key.
  const StoredKey* FindByMki(ByteView mki) const;
  /// The group's GMK in use at unix_now: active, latest activation time (of equal ones, the one
  /// stored last).
  const StoredKey* ActiveGmk(std::string_view group_uri, uint64_t unix_now) const;
  std::vector<const StoredKey*> Keys(KeyPurpose purpose) const;
  size_t KeyCount() const { return keys_.size(); }
  bool Erase(uint32_t key_id) { return keys_.erase(key_id) > 0; }
  /// Removes keys whose expiry time has passed.
  size_t PurgeExpired(uint64_t unix_now);

  /// Called with every key newly stored (Accept, Put) and with a stored key newly revoked.
  std::function<void(const StoredKey&)> on_stored;

 private:
  void Stored(const StoredKey& k) const {
    if (on_stored) on_stored(k);
  }
  std::map<std::pair<std::string, uint64_t>, std::shared_ptr<const mikey_sakke::LocalIdentity>> identities_;
  std::vector<mikey_sakke::KmsPublicInfo> kms_;
  std::map<uint32_t, StoredKey> keys_;
  std::map<uint32_t, uint64_t> arrival_;  ///< key ID -> order of storing
  uint64_t arrivals_ = 0;
};

}  // namespace mcx::security
