// SIP messages (RFC 3261) built and parsed with libosip2; bodies may be multipart/mixed.
// No ns-3: the MCX procedures use this, and the ns-3 applications carry its bytes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"

struct osip_message;

namespace mcx::procedures {

using crypto::Bytes;
using crypto::ByteView;
using crypto::Error;
using crypto::Result;

struct SipBodyPart {
  std::string content_type;
  Bytes data;
  /// The part's Content-ID (RFC 2392, without the angle brackets; multipart bodies only): what
  /// an mcptt-signed+xml signature names the body by (TS 24.379 F.6).
  std::string content_id;
};

class SipMessage {
 public:
  static SipMessage Request(const std::string& method, const std::string& request_uri);
  /// A response to `request`: copies Via, From, To, Call-ID and CSeq (RFC 3261 8.2.6.2) and adds
  /// `to_tag` to To when the request had none.
  static SipMessage Response(int status, const std::string& reason, const SipMessage& request,
                             const std::string& to_tag = "");
  /// Errors: kUnsupportedValue (not a SIP message libosip2 can parse).
  static Result<SipMessage> Parse(ByteView bytes);

  SipMessage(const SipMessage& o);
  SipMessage& operator=(const SipMessage& o);
  SipMessage(SipMessage&&) noexcept;
  SipMessage& operator=(SipMessage&&) noexcept;
  ~SipMessage();

  /// The message as sent (Content-Length computed; several parts become multipart/mixed).
  Bytes Serialize() const;

  bool IsRequest() const;
  std::string Method() const;      ///< request method, or the CSeq method of a response
  int Status() const;              ///< 0 for a request
  std::string Reason() const;
  std::string RequestUri() const;

  void SetFrom(const std::string& v);
  void SetTo(const std::string& v);
  void SetCallId(const std::string& v);
  void SetCSeq(uint32_t number, const std::string& method);
  void AddVia(const std::string& v);  ///< becomes the top Via
  void SetContact(const std::string& v);  ///< replaces any Contact
  /// Any other header (Event, Expires, Subscription-State, Warning, Max-Forwards...).
  void SetHeader(const std::string& name, const std::string& value);

  std::string From() const;
  std::string To() const;
  std::string FromUri() const;
  std::string ToUri() const;
  std::string FromTag() const;
  std::string ToTag() const;
  std::string CallId() const;
  uint32_t CSeqNumber() const;
  std::string CSeqMethod() const;  ///< a request's is its method (Parse checks)
  std::string TopVia() const;
  std::string TopViaBranch() const;
  size_t ViaCount() const;
  /// Removes the top Via (a proxy forwarding a response).
  void PopVia();
  std::string ContactUri() const;
  std::optional<std::string> Header(const std::string& name) const;

  void AddBody(const std::string& content_type, ByteView data, const std::string& content_id = "");
  std::vector<SipBodyPart> Bodies() const;
  /// The first part of this content type, if any.
  std::optional<Bytes> Body(const std::string& content_type) const;

 private:
  explicit SipMessage(osip_message* m);
  std::unique_ptr<osip_message, void (*)(osip_message*)> m_;
  std::vector<SipBodyPart> parts_;  ///< bodies set by this side (serialised at Serialize)
};

/// A fresh token for tags, branches and Call-IDs (from the given 64-bit value).
std::string SipToken(uint64_t v);
inline constexpr const char* kBranchMagic = "z9hG4bK";  ///< RFC 3261 8.1.1.7

}  // namespace mcx::procedures
