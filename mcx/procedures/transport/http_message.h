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

/// Parses one complete message. Errors: kUnsupportedValue (not valid HTTP/1.1).
Result<HttpRequest> ParseHttpRequest(ByteView bytes);
Result<HttpResponse> ParseHttpResponse(ByteView bytes);

/// Cuts complete HTTP messages out of a byte stream (header block + Content-Length body).
class HttpStreamFramer {
 public:
  void Feed(ByteView data) { crypto::Append(buffer_, data); }
  /// The next complete message, if the buffer holds one. Errors: kUnsupportedValue (a header
  /// block without a valid Content-Length where a body follows is not produced by our peers).
  std::optional<Bytes> Next();

 private:
  Bytes buffer_;
};

}  // namespace mcx::procedures
