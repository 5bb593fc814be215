#include "mcx/procedures/transport/http_message.h"

#include <boost/beast/http.hpp>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <string_view>

namespace mcx::procedures {

namespace http = boost::beast::http;

namespace {

template <class Parser>
bool Feed(Parser& p, ByteView bytes) {
  boost::beast::error_code ec;
  p.eager(true);
  size_t used = p.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec || used != bytes.size()) return false;
  if (!p.is_done()) {
    p.put_eof(ec);
    if (ec) return false;
  }
  return p.is_done();
}

crypto::Result<size_t> ContentLength(std::string_view head, size_t limit, bool compact_form = true);

// A whole message cannot announce more body than it holds (kTruncated). Checked before Beast
// sees it: Beast reserves an announced Content-Length for the body up front, so 9 GB announced in
// a few hundred bytes was a 9 GB allocation (fuzz finding, http_message). Malformed or
// conflicting lengths are kUnsupportedValue, one over the framer's bound kMessageTooLarge.
crypto::Status CheckContentLength(ByteView bytes) {
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  const size_t end = text.find("\r\n\r\n");
  if (end == std::string_view::npos) return crypto::Status::Ok();  // no header block: Beast refuses it
  // HTTP has no compact form: an "l" header is no length here (Beast ignores it too).
  auto length = ContentLength(text.substr(0, end + 4), HttpStreamFramer::kMaxBodyBytes, /*compact_form=*/false);
  if (!length) return length.error();
  if (*length > text.size() - (end + 4)) return crypto::Error::kTruncated;
  return crypto::Status::Ok();
}

template <class Msg>
void Headers(const Msg& m, std::map<std::string, std::string>& out) {
  for (const auto& f : m) out[std::string(f.name_string())] = std::string(f.value());
}

void WriteHeaders(std::string& s, const std::map<std::string, std::string>& h, size_t body_len) {
  for (const auto& [k, v] : h)
    if (k != "Content-Length") s += k + ": " + v + "\r\n";
  s += "Content-Length: " + std::to_string(body_len) + "\r\n\r\n";
}

}  // namespace

Bytes HttpRequest::Serialize() const {
  std::string s = method + " " + target + " HTTP/1.1\r\n";
  WriteHeaders(s, headers, body.size());
  s += body;
  return Bytes(s.begin(), s.end());
}

Bytes HttpResponse::Serialize() const {
  std::string s = "HTTP/1.1 " + std::to_string(status) + " " + reason + "\r\n";
  WriteHeaders(s, headers, body.size());
  s += body;
  return Bytes(s.begin(), s.end());
}

Result<HttpRequest> ParseHttpRequest(ByteView bytes) {
  MCX_TRY(CheckContentLength(bytes));
  http::request_parser<http::string_body> p;
  p.body_limit(HttpStreamFramer::kMaxBodyBytes);
  if (!Feed(p, bytes)) return crypto::Error::kUnsupportedValue;
  const auto& m = p.get();
  HttpRequest r;
  r.method = std::string(m.method_string());
  r.target = std::string(m.target());
  Headers(m, r.headers);
  r.body = m.body();
  return r;
}

Result<HttpResponse> ParseHttpResponse(ByteView bytes) {
  MCX_TRY(CheckContentLength(bytes));
  http::response_parser<http::string_body> p;
  p.body_limit(HttpStreamFramer::kMaxBodyBytes);
  if (!Feed(p, bytes)) return crypto::Error::kUnsupportedValue;
  const auto& m = p.get();
  // RFC 9110 15: a status code is three digits from 100 to 599. Beast reads any three digits
  // ("044"), which we would write back with two.
  if (m.result_int() < 100 || m.result_int() > 599) return crypto::Error::kUnsupportedValue;
  HttpResponse r;
  r.status = static_cast<int>(m.result_int());
  r.reason = std::string(m.reason());
  Headers(m, r.headers);
  r.body = m.body();
  return r;
}

namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

/// The body length a header block announces: 0 without Content-Length (our peers send one with
/// every body). Content-Length (RFC 7230 3.3.2; RFC 3261 20.14, compact form "l") must be one
/// decimal number, the same in every occurrence, and at most `limit`: a sign, a bad digit or a
/// value that differs is kUnsupportedValue (RFC 7230 3.3.3 item 4: unrecoverable), a value
/// above the limit kMessageTooLarge. The value is compared with the limit digit by digit, so it
/// never overflows however long it is.
crypto::Result<size_t> ContentLength(std::string_view head, size_t limit, bool compact_form) {
  std::optional<size_t> found;
  size_t pos = head.find("\r\n");  // skip the start line
  while (pos != std::string_view::npos && pos + 2 < head.size()) {
    const size_t start = pos + 2;
    const size_t end = head.find("\r\n", start);
    const std::string_view line = head.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    pos = end;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && IsSpace(name.back())) name.remove_suffix(1);
    if (!IEquals(name, "Content-Length") && !(compact_form && IEquals(name, "l"))) continue;
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && IsSpace(value.front())) value.remove_prefix(1);
    while (!value.empty() && IsSpace(value.back())) value.remove_suffix(1);
    if (value.empty()) return crypto::Error::kUnsupportedValue;
    size_t n = 0;
    for (char c : value) {
      if (c < '0' || c > '9') return crypto::Error::kUnsupportedValue;  // "-1", "+5", "1e9", "0x10"
      n = n * 10 + static_cast<size_t>(c - '0');
      if (n > limit) return crypto::Error::kMessageTooLarge;
    }
    if (found && *found != n) return crypto::Error::kUnsupportedValue;
    found = n;
  }
  return found.value_or(0);
}

}  // namespace

void HttpStreamFramer::Fail(crypto::Error e) {
  error_ = e;
  buffer_.clear();
  buffer_.shrink_to_fit();
}

void HttpStreamFramer::Feed(ByteView data) {
  if (!error_) crypto::Append(buffer_, data);
}

std::optional<Bytes> HttpStreamFramer::Next() {
  if (error_) return std::nullopt;
  static const char kEnd[] = "\r\n\r\n";
  auto it = std::search(buffer_.begin(), buffer_.end(), kEnd, kEnd + 4);
  if (it == buffer_.end()) {
    // Still no end of the header block: a peer that sends more than any header block we accept
    // is not going to send a message we can frame.
    if (buffer_.size() > kMaxHeaderBytes) Fail(crypto::Error::kMessageTooLarge);
    return std::nullopt;
  }
  const size_t header_len = static_cast<size_t>(it - buffer_.begin()) + 4;
  if (header_len > kMaxHeaderBytes) {
    Fail(crypto::Error::kMessageTooLarge);
    return std::nullopt;
  }
  const std::string_view head(reinterpret_cast<const char*>(buffer_.data()), header_len);
  auto body_len = ContentLength(head, kMaxBodyBytes);
  if (!body_len) {
    Fail(body_len.error());
    return std::nullopt;
  }
  // header_len <= kMaxHeaderBytes and *body_len <= kMaxBodyBytes: the sum cannot wrap, and a
  // message is never shorter than its header block, so every message consumes input.
  const size_t total = header_len + *body_len;
  if (buffer_.size() < total) return std::nullopt;
  Bytes msg(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(total));
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(total));
  return msg;
}

}  // namespace mcx::procedures
