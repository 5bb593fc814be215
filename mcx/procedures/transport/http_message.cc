#include "mcx/procedures/transport/http_message.h"

#include <boost/beast/http.hpp>

#include <cstring>

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
  http::request_parser<http::string_body> p;
  p.body_limit(64 * 1024 * 1024);
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
  http::response_parser<http::string_body> p;
  p.body_limit(64 * 1024 * 1024);
  if (!Feed(p, bytes)) return crypto::Error::kUnsupportedValue;
  const auto& m = p.get();
  HttpResponse r;
  r.status = static_cast<int>(m.result_int());
  r.reason = std::string(m.reason());
  Headers(m, r.headers);
  r.body = m.body();
  return r;
}

std::optional<Bytes> HttpStreamFramer::Next() {
  static const char kEnd[] = "\r\n\r\n";
  auto it = std::search(buffer_.begin(), buffer_.end(), kEnd, kEnd + 4);
  if (it == buffer_.end()) return std::nullopt;
  const size_t header_len = static_cast<size_t>(it - buffer_.begin()) + 4;
  std::string head(buffer_.begin(), buffer_.begin() + static_cast<long>(header_len));
  size_t body_len = 0;
  for (const char* name : {"\r\nContent-Length:", "\r\ncontent-length:"}) {
    auto pos = head.find(name);
    if (pos != std::string::npos) body_len = std::strtoul(head.c_str() + pos + std::strlen(name), nullptr, 10);
  }
  if (buffer_.size() < header_len + body_len) return std::nullopt;
  Bytes msg(buffer_.begin(), buffer_.begin() + static_cast<long>(header_len + body_len));
  buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<long>(header_len + body_len));
  return msg;
}

}  // namespace mcx::procedures
