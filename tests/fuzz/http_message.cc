// Fuzz target: HTTP/1.1 messages (procedures/transport/http_message.h) and the stream framer of
// HTTP and SIP over TCP. The first input byte seeds how the rest, a byte stream, is cut into
// chunks; the stream is framed once fed whole and once fed in those chunks, and each message
// (and the whole stream) is parsed as a request and as a response.
//
// Properties: the framer gives the same messages, error and leftover whichever way the stream is
// cut, every message it gives is non-empty and ends its header block with CRLF CRLF; a request
// or response that parses, serialised again, parses to the same start line, headers and body.
#include <strings.h>

#include <algorithm>
#include <vector>

#include "mcx/procedures/transport/http_message.h"
#include "tests/fuzz/fuzz_support.h"

using namespace mcx::procedures;
using mcx::crypto::Bytes;
using mcx::crypto::ByteView;

namespace {

struct Framed {
  std::vector<Bytes> messages;
  std::optional<mcx::crypto::Error> error;
  size_t buffered = 0;
};

Framed Frame(ByteView stream, mcx::fuzz::Prng* chunks) {
  HttpStreamFramer f;
  Framed out;
  size_t at = 0;
  while (at < stream.size()) {
    size_t n = stream.size() - at;
    if (chunks) {
      const uint32_t pick = chunks->Below(4);
      n = std::min<size_t>(n, pick == 0 ? 1 : pick == 1 ? 1 + chunks->Below(8) : 1 + chunks->Below(256));
    }
    f.Feed(stream.Sub(at, n));
    at += n;
    while (auto m = f.Next()) {
      FUZZ_CHECK(!m->empty());
      out.messages.push_back(std::move(*m));
    }
  }
  out.error = f.error();
  out.buffered = f.buffered();
  FUZZ_CHECK(f.failed() == out.error.has_value());
  if (f.failed()) FUZZ_CHECK(f.buffered() == 0);
  return out;
}

bool HasTransferEncoding(const std::map<std::string, std::string>& h) {
  for (const auto& [k, v] : h)
    if (k.size() == 17 && strncasecmp(k.c_str(), "Transfer-Encoding", 17) == 0) return true;
  return false;
}

std::map<std::string, std::string> WithoutLength(std::map<std::string, std::string> h) {
  for (auto it = h.begin(); it != h.end();)
    it = strcasecmp(it->first.c_str(), "Content-Length") == 0 ? h.erase(it) : std::next(it);
  return h;
}

void ParseBoth(ByteView msg) {
  if (auto q = ParseHttpRequest(msg); q && !HasTransferEncoding(q->headers)) {
    auto again = ParseHttpRequest(q->Serialize());
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->method == q->method && again->target == q->target && again->body == q->body);
    FUZZ_CHECK(WithoutLength(again->headers) == WithoutLength(q->headers));
  }
  // Finding http-status-code (fixed; corpus/http_message/finding-status-044): a status code of
  // three digits below 100 ("044") parsed, and Serialize() wrote it with two ("44").
  if (auto p = ParseHttpResponse(msg); p && !HasTransferEncoding(p->headers)) {
    auto again = ParseHttpResponse(p->Serialize());
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(again->status == p->status && again->reason == p->reason && again->body == p->body);
    FUZZ_CHECK(WithoutLength(again->headers) == WithoutLength(p->headers));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  mcx::fuzz::Prng chunks(data[0]);
  const ByteView stream(data + 1, size - 1);
  const Framed whole = Frame(stream, nullptr);
  const Framed cut = Frame(stream, &chunks);
  FUZZ_CHECK(whole.messages == cut.messages);
  FUZZ_CHECK(whole.error == cut.error);
  FUZZ_CHECK(whole.buffered == cut.buffered);
  for (const auto& m : whole.messages) {
    static const uint8_t kEnd[] = {'\r', '\n', '\r', '\n'};
    FUZZ_CHECK(std::search(m.begin(), m.end(), kEnd, kEnd + 4) != m.end());
    ParseBoth(m);
  }
  ParseBoth(stream);
  return 0;
}
