// Key Management Server (TS 33.180 5.3, Annex D): one security domain's master secrets, its
// certificate, time-limited key sets per key period, external KMS certificates (cert cache),
// and the KMS interface XML in namespace urn:3gpp:ns:mcsecKMSInterface:1.0 (libxml2).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mcx/crypto/eccsi.h"
#include "mcx/security/mikey_sakke.h"
#include "mcx/crypto/sakke.h"
#include "mcx/security/types.h"

namespace mcx::security::kms {

inline constexpr const char* kNamespace = "urn:3gpp:ns:mcsecKMSInterface:1.0";
inline constexpr const char* kKrrNamespace = "urn:3gpp:ns:mcsecKMSKRR:1.0";
inline constexpr const char* kKrrContentType = "application/vnd.3gpp.kmsredirectresponse+xml";
/// HTTP resource paths under the KMS URI (D.2).
inline constexpr const char* kPathInit = "/keymanagement/identity/v1/init";
inline constexpr const char* kPathKeyProv = "/keymanagement/identity/v1/keyprov";
inline constexpr const char* kPathCertCache = "/keymanagement/identity/v1/certcache";

/// KmsCertificate (D.3.2). Optional elements are written only when non-empty.
struct Certificate {
  std::string version = "1.1.0";
  std::string role = "Root";  ///< Root (own domain) or External
  std::string id;
  std::string cert_uri;
  std::string kms_uri;
  std::string issuer;
  std::string valid_from;  ///< xs:dateTime
  std::string valid_to;
  std::optional<bool> revoked;
  std::string user_id_format = "2";  ///< TS 33.180 F.2.1 UID
  uint64_t user_key_period = 0;      ///< seconds
  uint64_t user_key_offset = 0;      ///< seconds
  Bytes pub_enc_key;                 ///< SAKKE Z (257 bytes)
  Bytes pub_auth_key;                ///< ECCSI KPAK (65 bytes)
  std::string parameter_set;
  std::vector<std::string> kms_domains;

  KeyPeriod Period() const { return KeyPeriod{user_key_period, user_key_offset}; }
  /// Errors: those of KmsPublicInfo::Create; kUnsupportedValue (UserIdFormat not 2).
  Result<mikey_sakke::KmsPublicInfo> PublicInfo() const;
};

/// KmsKeySet (D.3.3): one user's keys for one key period.
struct KeySet {
  std::string version = "1.1.0";
  std::string kms_uri;
  std::string cert_uri;
  std::string issuer;
  std::string user_uri;
  Bytes user_id;  ///< the UID (32 bytes)
  std::string valid_from;
  std::string valid_to;
  uint64_t key_period_no = 0;
  std::optional<bool> revoked;
  SecretBytes rsk;   ///< UserDecryptKey (RFC 6508 RSK): secret, wiped when destroyed
  SecretBytes ssk;   ///< UserSigningKeySSK
  Bytes pvt;         ///< UserPubTokenPVT

  /// Carries `revoked`: LocalIdentity::Create refuses a revoked key set (kKeySetRevoked).
  mikey_sakke::IdentityKeys ToIdentityKeys() const;
};

/// The client's checks of a key set before use (5.3): the UID follows from the user URI and
/// the certificate; the RSK (RFC 6508 6.1.2) and SSK (RFC 6507 5.1.2) validate.
/// Errors: kUnknownKms (other KMS), kKeySetRevoked (<Revoked>true</Revoked>), kWrongReceiver (UID mismatch),
/// kInvalidRsk, kInvalidSsk and the point/length errors.
Status ValidateKeySet(const Certificate& cert, const KeySet& ks);

enum class MessageKind { kInit, kKeyProv, kCertCache };

/// KmsResponse (D.3.1).
struct Response {
  std::string id = "kmsresponse";
  std::string user_uri;
  std::string kms_uri;
  std::string time;  ///< xs:dateTime
  std::string kms_id;
  std::string client_req_url;
  MessageKind kind = MessageKind::kInit;
  std::vector<Certificate> certificates;  ///< KmsInit: one; KmsCertCache: any number
  uint64_t cache_num = 0;                 ///< KmsCertCache CacheNum
  std::vector<KeySet> key_sets;           ///< KmsKeyProv
  std::optional<std::pair<std::string, std::string>> error;  ///< KmsError code, message
  /// False for an error response that carries no KmsMessage (the writer then writes none).
  bool has_message = true;
};

/// A client's request body (D.2.2): UserUri, KmsUri, Time, ClientId?, DeviceId?, ClientReqUrl.
struct Request {
  std::string user_uri;
  std::string kms_uri;
  std::string time;  ///< xs:dateTime
  std::string client_id;
  std::string client_req_url;
};
std::string WriteRequest(const Request& r);
/// Errors: kXmlMalformed, kXmlMissingElement.
Result<Request> ParseRequest(std::string_view xml);

std::string WriteResponse(const Response& r);
/// Errors: kXmlMalformed (not XML / wrong root or namespace), kXmlMissingElement,
/// kXmlBadValue (bad hex, number or key length), kUnsupportedValue (encrypted key content:
/// TrK/InK transport keys are not implemented).
Result<Response> ParseResponse(std::string_view xml);

/// KMS Redirect Response (5.2.8, D.4), sent in a SIP 488 when a receiver rejects the KMS of an
/// I_MESSAGE. The element list of D.4.4 was not available to us: this is our reading of it
/// (see docs/decisions.md), with nesting as D.4.3 describes.
struct RedirectResponse {
  std::string id = "krr";
  std::string user_uri;                  ///< the entity that rejected the message
  std::string kms_uri;                   ///< that entity's own KMS
  std::string time;
  std::string rejected_kms_uri;          ///< the KMS URI it would not accept
  std::vector<std::string> proposed_kms_uris;  ///< KMSs the receiver accepts
  std::vector<RedirectResponse> nested;  ///< an earlier KRR this one wraps (D.4.3)
};
std::string WriteRedirect(const RedirectResponse& r);
Result<RedirectResponse> ParseRedirect(std::string_view xml);

/// xs:dateTime (UTC, no fraction) <-> Unix seconds.
std::string XsDateTime(uint64_t unix_seconds);
Result<uint64_t> ParseXsDateTime(std::string_view s);

/// A KMS: the domain's master secrets (SAKKE z, ECCSI KSAK) and what it issues.
class Kms {
 public:
  /// A new domain. Errors: kRandomFailure, kKeyPeriodInvalid.
  static Result<Kms> Create(std::string kms_uri, KeyPeriod period, Rng& rng);
  /// A domain from stored master secrets (128-byte z, 32-byte KSAK).
  static Result<Kms> FromSecrets(std::string kms_uri, KeyPeriod period, ByteView z, ByteView ksak);

  const Certificate& certificate() const { return cert_; }
  SecretBytes MasterSecretZ() const { return z_.Encode(); }
  SecretBytes Ksak() const { return ksak_.Encode(); }

  /// The key set for the key period containing ntp_now. Errors: kKeyPeriodInvalid,
  /// kRandomFailure, kScalarOutOfRange (negligible).
  Result<KeySet> Provision(std::string_view user_uri, uint64_t ntp_now, Rng& rng) const;
  Result<KeySet> ProvisionPeriod(std::string_view user_uri, uint64_t period_no, Rng& rng) const;

  /// Certificates of other KMSs this one vouches for (KmsCertCache), Role External.
  void AddExternalCertificate(Certificate c);
  const std::vector<Certificate>& ExternalCertificates() const { return external_; }

  /// D.3 responses for a client request.
  Response InitResponse(std::string_view user_uri, uint64_t ntp_now) const;
  /// Key sets for the current period and the next `extra_periods` ones.
  Result<Response> KeyProvResponse(std::string_view user_uri, uint64_t ntp_now, Rng& rng,
                                   unsigned extra_periods = 0) const;
  Response CertCacheResponse(std::string_view user_uri, uint64_t ntp_now) const;

 private:
  Kms(Certificate cert, sakke::MasterSecret z, eccsi::KmsSecret ksak)
      : cert_(std::move(cert)), z_(std::move(z)), ksak_(std::move(ksak)) {}
  Response Base(std::string_view user_uri, uint64_t ntp_now, const char* path) const;
  Certificate cert_;
  sakke::MasterSecret z_;
  eccsi::KmsSecret ksak_;
  std::vector<Certificate> external_;
};

}  // namespace mcx::security::kms
