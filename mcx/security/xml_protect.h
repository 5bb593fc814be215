// Application-plane signalling protection (TS 33.180 9.3, TS 24.379 F.1 / F.6): confidentiality of
// XML elements in SIP bodies (xenc:EncryptedData, AES-128-GCM under the FC 0x51 key) and integrity
// of whole MIME bodies (an application/vnd.3gpp.mcptt-signed+xml body of HMAC-SHA-256 signatures
// under the FC 0x52 key). The keys come from the CSK (client-server) or the SPK (between servers).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "mcx/security/types.h"


namespace mcx::security::xmlsec {

inline constexpr const char* kXencNs = "http://www.w3.org/2001/04/xmlenc#";
inline constexpr const char* kDsNs = "http://www.w3.org/2000/09/xmldsig#";
inline constexpr const char* kSignedDocNs = "urn:3gpp:ns:mcpttSignedDoc:1.0";
inline constexpr const char* kSignedContentType = "application/vnd.3gpp.mcptt-signed+xml";
// Algorithm URIs: the W3C names for the algorithms TS 33.180 prescribes (not spelled out in the
// sources we hold; see docs/decisions.md).
inline constexpr const char* kAes128GcmUri = "http://www.w3.org/2009/xmlenc11#aes128-gcm";
inline constexpr const char* kContentTypeUri = "http://www.w3.org/2001/04/xmlenc#Content";
inline constexpr const char* kHmacSha256Uri = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256";
inline constexpr const char* kSha256Uri = "http://www.w3.org/2001/04/xmlenc#sha256";
inline constexpr const char* kC14nUri = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315";

/// The signalling keys of one XPK (TS 33.180 F.1.4), named by the XPK-ID.
struct SignallingKeys {
  SecretBytes confidentiality;  ///< KDF(XPK, 0x51, user ID, XPK-ID)
  SecretBytes integrity;        ///< KDF(XPK, 0x52, user ID, XPK-ID)
  uint32_t xpk_id = 0;
};
SignallingKeys DeriveSignallingKeys(ByteView xpk, uint32_t xpk_id, std::string_view user_id);

/// Finds the keys for an XPK-ID (KeyName), nullptr if unknown.
using KeyLookup = std::function<const SignallingKeys*(uint32_t xpk_id)>;

/// Encrypts the content of each element whose local name is in `elements` and whose attribute
/// type is "Normal" (a TS 24.379 contentType element): the content becomes an
/// xenc:EncryptedData (Type Content, AES-128-GCM, KeyName = base64 XPK-ID, CipherValue =
/// base64(IV(12) || ciphertext || tag)) and type becomes "Encrypted".
/// Returns the new document; `encrypted` (optional) counts the elements.
/// Errors: kXmlMalformed.
Result<std::string> EncryptElements(std::string_view xml, const std::vector<std::string>& elements,
                                    const SignallingKeys& keys, Rng& rng, size_t* encrypted = nullptr);

/// Decrypts every element with type="Encrypted". Errors: kXmlMalformed, kXmlBadValue (bad
/// base64 or algorithm), kUnknownMki (no key for the KeyName), kAuthenticationFailed.
Result<std::string> DecryptElements(std::string_view xml, const KeyLookup& keys);

/// A MIME body to sign, named by its Content-ID (the Reference URI is "cid:" + content_id).
struct MimeBody {
  std::string content_id;
  std::string content;
};

/// The mcptt-signed+xml document: one ds:Signature per body (HMAC-SHA-256 over the canonical
/// SignedInfo, whose Reference digests the body octets with SHA-256).
std::string SignBodies(const std::vector<MimeBody>& bodies, const SignallingKeys& keys);

/// Checks that every body has a valid signature. Errors: kXmlMalformed, kMissingPayload (a body
/// has no signature), kUnknownMki, kSignatureInvalid (digest or HMAC mismatch).
Status VerifyBodies(std::string_view signatures_xml, const std::vector<MimeBody>& bodies, const KeyLookup& keys);

}  // namespace mcx::security::xmlsec
