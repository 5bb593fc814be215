// HTTP/1.1 messages for the KMS and GMS interfaces: built here, parsed with Boost.Beast's
// parser; a stream reassembler frames messages out of TCP bytes. No ns-3.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"

namespace mcx::procedures {

using crypto::Bytes;
using crypto::ByteView;
using crypto::Result;

struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  std::map<std::string, std::string> headers;  ///< Host, Content-Type, Authorization...
  std::string body;
  Bytes Serialize() const;
};

struct HttpResponse {
  int status = 200;
  std::string reason = "OK";
  std::map<std::string, std::string> headers;
  std::string body;
  Bytes Serialize() const;
};

/// Parses one complete message. Errors: kUnsupportedValue (not valid HTTP/1.1), kTruncated (a
/// Content-Length beyond the bytes given), kMessageTooLarge (a Content-Length over
/// HttpStreamFramer::kMaxBodyBytes).
Result<HttpRequest> ParseHttpRequest(ByteView bytes);
Result<HttpResponse> ParseHttpResponse(ByteView bytes);

/// Cuts complete HTTP (and SIP over TCP, RFC 3261 18.3) messages out of a byte stream: header
/// block + Content-Length body. A stream it cannot frame is broken for good: Next() yields no
/// more messages, error() says why, and the connection handler must close the connection
/// (RFC 7230 3.3.3 item 4; RFC 3261 18.3). Never loops without consuming input.
class HttpStreamFramer {
 public:
  /// Largest header block and body accepted (a KMS response with a few key sets is ~10 kB).
  static constexpr size_t kMaxHeaderBytes = 64 * 1024;
  static constexpr size_t kMaxBodyBytes = 16 * 1024 * 1024;

  /// Appends bytes (dropped once the stream failed).
  void Feed(ByteView data);
  /// The next complete message, if the buffer holds one; nullopt when it needs more bytes or the
  /// stream failed (then error() is set and stays set).
  std::optional<Bytes> Next();
  /// Why the stream cannot be framed: kUnsupportedValue (a Content-Length that is not one
  /// non-negative decimal number, or several that differ), kMessageTooLarge (a header block over
  /// kMaxHeaderBytes or a Content-Length over kMaxBodyBytes). Empty while the stream is fine.
  std::optional<crypto::Error> error() const { return error_; }
  bool failed() const { return error_.has_value(); }
  size_t buffered() const { return buffer_.size(); }

 private:
  void Fail(crypto::Error e);
  Bytes buffer_;
  std::optional<crypto::Error> error_;
};

}  // namespace mcx::procedures
