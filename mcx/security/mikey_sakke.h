// TS 33.180 key distribution with MIKEY-SAKKE I_MESSAGEs (clause 5.2.2 and its extensions
// 5.2.3 end-point diversity, 5.2.4 key parameters, 5.2.5 SAKKE-to-self, 5.2.6 identity hiding)
// for every key type: GMK (GMS -> member, 5.7), PCK (caller -> callee), CSK upload
// (client -> MCX server MDSI, 5.4), key download of CSK or MuSiK (MCX server -> client, 5.8).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mcx/crypto/eccsi.h"
#include "mcx/security/identity.h"
#include "mcx/security/key_params.h"
#include "mcx/security/mikey.h"
#include "mcx/crypto/sakke.h"
#include "mcx/security/types.h"

namespace mcx::security::mikey_sakke {

/// The public part of a KMS certificate: URI, key period rule, Z (PubEncKey), KPAK (PubAuthKey).
struct KmsPublicInfo {
  std::string kms_uri;
  KeyPeriod period;
  sakke::PublicKey z;
  Bytes kpak;

  /// Checks Z (on curve, order q) and KPAK (on P-256).
  static Result<KmsPublicInfo> Create(std::string kms_uri, KeyPeriod period, ByteView z, ByteView kpak);
  /// UID of a user of this KMS for the key period containing ntp_seconds.
  Result<Bytes> UidAt(std::string_view user_uri, uint64_t ntp_seconds) const;
};

/// A user's key set for one key period, as a KMS provisions it (KmsKeySet).
struct IdentityKeys {
  std::string uri;
  std::string kms_uri;
  uint64_t period_no = 0;
  Bytes uid;
  SecretBytes rsk;   ///< RFC 6508 RSK (UserDecryptKey): secret, wiped when destroyed
  SecretBytes ssk;
  Bytes pvt;
  bool revoked = false;  ///< the KMS marked the key set <Revoked>true</Revoked> (D.3.3)
};

/// One's own identity, validated once (RSK and SSK checks) and ready to sign and decapsulate.
class LocalIdentity {
 public:
  /// Errors: kKeySetRevoked (the KMS revoked the key set, TS 33.180 D.3.3: it must not be used),
  /// kUnknownKms (kms is not the key set's KMS), kWrongReceiver (UID does not match the
  /// URI and period), kInvalidRsk, kInvalidSsk and the point/length errors of the two checks.
  static Result<LocalIdentity> Create(IdentityKeys keys, const KmsPublicInfo& kms);
  const IdentityKeys& keys() const { return keys_; }
  const eccsi::Signer& signer() const { return signer_; }
  const sakke::ReceiverKey& receiver() const { return receiver_; }

 private:
  LocalIdentity(IdentityKeys k, eccsi::Signer s, sakke::ReceiverKey r)
      : keys_(std::move(k)), signer_(std::move(s)), receiver_(std::move(r)) {}
  IdentityKeys keys_;
  eccsi::Signer signer_;
  sakke::ReceiverKey receiver_;
};

/// Which procedure a message belongs to; fixes the key purpose, CSB-ID rule and default CS-ID.
enum class Distribution {
  kGmk,          ///< 5.7: GMS -> member; CSB-ID = GUK-ID; CS-ID 4
  kPck,          ///< private call: caller -> callee; CSB-ID = PCK-ID; no CS map
  kCskUpload,    ///< 5.4: client -> MCX server (MDSI); CSB-ID = CSK-ID; CS-ID 6
  kKeyDownload,  ///< 5.8: MCX server -> client, a CSK (CS-ID 6) or a MuSiK (CS-ID 7)
};
const char* DistributionName(Distribution d);

/// SRTP security policy profiles (TS 33.180 E.2): the group profile (with the RCCm3 fields) and
/// the PCK/CSK profile, as the Streamwide and Alea messages carry them.
mikey::SecurityPolicy GroupSecurityPolicy();
mikey::SecurityPolicy UnicastSecurityPolicy();

struct SendOptions {
  bool hide_identities = false;  ///< 5.2.6: IDRuidi/IDRuidr (UIDs) instead of IDRi/IDRr (URIs)
  bool sakke_to_self = false;    ///< 5.2.5: GE type 6 with the key encapsulated to the sender
  bool key_parameters = true;    ///< 5.2.4: GE type 7 (mandatory content for a GMK)
  std::optional<uint8_t> cs_id;  ///< override the default CS-ID (e.g. 5/8/9 for MCVideo)
  std::string group_uri;         ///< GMK: the group the key belongs to
  uint64_t activation_time = 0;  ///< Unix seconds; 0 = at once
  uint64_t expiry_time = 0;      ///< Unix seconds; 0 = none
  std::string text;
  bool revoked = false;          ///< status "revoked" (5.7.2.x: revocation repeats the message)
  std::optional<keyparams::AlgorithmChoice> algorithms;  ///< CSK algorithm negotiation
  /// RAND to send (16 bytes); default a fresh one. A GMS sends one RAND in every member's
  /// message of a GMK, so each member derives each sender's SRTP master key (7.4.2).
  std::optional<Bytes> rand;
  keyparams::StatusConvention status_convention = keyparams::kDefaultStatusConvention;
};

struct Created {
  Bytes message;    ///< the signed I_MESSAGE
  Bytes rand;       ///< RAND (16 bytes), input to the SRTP master key derivation
  uint32_t csb_id;  ///< CSB-ID (GUK-ID for a GMK)
  uint8_t cs_id;    ///< CS-ID of the crypto session (default per distribution)
};

/// Builds and signs an I_MESSAGE carrying `key` (with ID `key_id`) from `sender` to
/// `receiver_uri` of `receiver_kms` at time ntp_now.
/// Errors: kKeyTypeMismatch (key ID purpose tag not the distribution's), kBadLength (key not
/// 16 bytes), kKeyPeriodNotCurrent (the sender's key set is not for ntp_now), kRandomFailure.
Result<Created> CreateIMessage(Distribution kind, const LocalIdentity& sender,
                               const KmsPublicInfo& sender_kms, std::string_view receiver_uri,
                               const KmsPublicInfo& receiver_kms, uint32_t key_id, ByteView key,
                               const SendOptions& options, uint64_t ntp_now, Rng& rng);

/// Submits the SAKKE encapsulation of CreateIMessage(..., receiver_uri, receiver_kms, ..., key,
/// ..., ntp_now, ...) to be computed ahead (crypto/ahead.h), for a sender about to key many
/// receivers. Changes no result; a no-op without workers.
void CreateIMessageAhead(std::string_view receiver_uri, const KmsPublicInfo& receiver_kms, ByteView key,
                         uint64_t ntp_now);

struct ReceiveContext {
  Distribution expected = Distribution::kGmk;
  uint64_t ntp_now = 0;
  /// KMS certificates the receiver holds: its own domain and external ones (KmsCertCache).
  std::vector<KmsPublicInfo> kms;
  /// Identities allowed to send this kind of key (e.g. the GMS identities authorised to create
  /// groups; the MCX server identities for key download). Empty = any identity whose signature
  /// verifies under a known KMS (e.g. any caller for a PCK).
  std::vector<std::string> authorised_senders;
  /// If set, reject a T payload further than this from ntp_now (RFC 3830 5.4 replay window).
  std::optional<uint64_t> max_clock_skew_seconds;
  keyparams::StatusConvention status_convention = keyparams::kDefaultStatusConvention;
  /// Accept Streamwide's legacy (v1.1.x, pre-Rel-15) unencrypted GE type 7 content.
  bool accept_legacy_key_parameters = false;
  /// The group the key is being accepted for, when the receiver knows it (TS 33.180 5.7: a GMK
  /// belongs to one group; E.6: its key parameters carry the Group IDs). On-network it is the
  /// group the GMS's group document names; off-network the group the key was provisioned for.
  /// If set, a GMK, MKFC or MuSiK whose key parameters name any other group, name no group or
  /// are absent is refused with kGroupMismatch. Unset: no group check (the receiver has no
  /// group to compare with, e.g. a bare I_MESSAGE).
  std::optional<std::string> expected_group;
};

struct ReceivedKey {
  Distribution kind;
  KeyPurpose purpose;
  uint32_t key_id;        ///< GMK-ID, PCK-ID, CSK-ID or MuSiK-ID
  uint32_t csb_id;        ///< as carried (the GUK-ID for a GMK)
  SecretBytes key;
  Bytes rand;
  uint8_t cs_id;          ///< from the CS map, else the distribution's default
  std::string sender_uri;  ///< empty if the sender hid its URI and no authorised URI matched
  Bytes sender_uid;
  std::string sender_kms_uri;
  uint64_t timestamp_ntp;
  std::optional<keyparams::KeyParameters> params;
  bool legacy_params = false;
  bool revoked = false;   ///< the key parameters mark the key revoked
  bool identities_hidden = false;
  bool sakke_to_self = false;
};

/// Runs every receiver check of TS 33.180 5.2.2 / 5.7.2 step 2 and returns the key.
/// Nothing is stored here (see KeyStore::Accept). Errors, in the order checked:
///  codec errors (kTruncated, kTrailingBytes, kUnknownPayload, kUnsupportedValue),
///  kMissingPayload / kDuplicatePayload (T, RAND, SAKKE, SIGN, identities),
///  kUnknownKms (sender or receiver KMS not held; answer with a KMS Redirect Response),
///  kTimestampOutOfWindow, kKeyPeriodNotCurrent, kWrongReceiver,
///  kSignatureInvalid (or a point error of the PVT), kSenderNotAuthorised,
///  kSakkeIntegrityFailed, kKeyTypeMismatch, kKeyParametersUndecryptable, kKeyExpired,
///  kGroupMismatch (ctx.expected_group set and the key parameters do not name only that group).
Result<ReceivedKey> ProcessIMessage(ByteView message, const LocalIdentity& me,
                                    const ReceiveContext& ctx);

/// SAKKE-to-self (5.2.5): the initiator recovers the key from its own message's GE type 6.
/// Errors: kMissingPayload (no GE 6), kSakkeIntegrityFailed, codec errors.
Result<SecretBytes> RecoverFromSakkeToSelf(ByteView message, const LocalIdentity& me);

}  // namespace mcx::security::mikey_sakke
