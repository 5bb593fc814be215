// The stream framer of SIP and HTTP over TCP (RFC 3261 18.3, RFC 7230 3.3): messages cut by
// Content-Length, and a stream that cannot be framed (a Content-Length that wraps the length
// arithmetic, is negative, is not a number, is too large) failing for good instead of looping.
#include "mcx/procedures/transport/http_message.h"

#include <gtest/gtest.h>

#include <string>

namespace mcx::procedures {
namespace {

using crypto::Error;

Bytes B(const std::string& s) { return Bytes(s.begin(), s.end()); }

/// A header block whose Content-Length is 2^64 - (the block's own length): header_len +
/// Content-Length wraps to 0 in 64-bit arithmetic (56 bytes with this start line).
std::string WrappingHead() {
  const std::string start = "SIP/2.0 200 OK\r\nContent-Length: ";
  const size_t len = start.size() + 20 + 4;  // 2^64 - len has 20 digits
  const std::string head = start + std::to_string(uint64_t{0} - len) + "\r\n\r\n";
  EXPECT_EQ(head.size(), len);
  return head;
}

TEST(HttpStreamFramer, CutsPipelinedMessagesFedInPieces) {
  const std::string a = "POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello";
  const std::string b = "SIP/2.0 200 OK\r\ncontent-length:3\r\n\r\nabc";
  const std::string c = "NOTIFY sip:u SIP/2.0\r\nl: 2\r\nCall-ID: 1\r\n\r\nxy";  // SIP compact form
  const std::string d = "GET / HTTP/1.1\r\nHost: h\r\n\r\n";                  // no body
  const std::string all = a + b + c + d;
  HttpStreamFramer f;
  std::vector<std::string> got;
  for (char ch : all) {  // one byte at a time
    f.Feed(B(std::string(1, ch)));
    while (auto m = f.Next()) got.emplace_back(m->begin(), m->end());
  }
  EXPECT_EQ(got, (std::vector<std::string>{a, b, c, d}));
  EXPECT_FALSE(f.failed());
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(HttpStreamFramer, ContentLengthThatWrapsTheSumFailsTheStream) {
  // Before: header_len + Content-Length = 0, so Next() returned an empty message without
  // consuming anything, for ever (the connection handler's while loop never ended).
  const std::string head = WrappingHead();
  ASSERT_EQ(head.size(), 56u);
  HttpStreamFramer f;
  f.Feed(B(head + "trailing bytes"));
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(f.Next().has_value()) << i;
  ASSERT_TRUE(f.failed());
  EXPECT_EQ(*f.error(), Error::kMessageTooLarge);
  EXPECT_EQ(f.buffered(), 0u);
  // Failed for good: nothing more is buffered or framed.
  f.Feed(B("SIP/2.0 200 OK\r\nl: 0\r\n\r\n"));
  EXPECT_FALSE(f.Next().has_value());
  EXPECT_EQ(f.buffered(), 0u);
  // The same with the compact form (RFC 3261 7.3.3), and with every length near the wrap.
  const std::string start = "SIP/2.0 200 OK\r\nl: ";
  const uint64_t head_len = start.size() + 24;  // 20 digits and CRLF CRLF
  for (uint64_t back = 1; back <= head_len; ++back) {  // header_len + value wraps to back - 1
    const std::string h = start + std::to_string(uint64_t{0} - head_len + back - 1) + "\r\n\r\n";
    HttpStreamFramer g;
    g.Feed(B(h + std::string(100, 'x')));
    EXPECT_FALSE(g.Next().has_value()) << back;
    EXPECT_EQ(g.error(), std::optional<Error>(Error::kMessageTooLarge)) << back;
  }
}

TEST(HttpStreamFramer, NegativeOrMalformedContentLengthFailsTheStream) {
  // Before: strtoul("-1") is ULONG_MAX, so the message came out one byte short and the stream
  // lost its framing.
  for (const std::string& v : {"-1", "-5", "+5", "5x", "0x10", "", " ", "1 2", "1e3"}) {
    HttpStreamFramer f;
    f.Feed(B("SIP/2.0 200 OK\r\nContent-Length: " + v + "\r\n\r\nabcdefgh"));
    EXPECT_FALSE(f.Next().has_value()) << v;
    EXPECT_EQ(f.error(), std::optional<Error>(Error::kUnsupportedValue)) << v;
  }
  // Two Content-Lengths that differ (RFC 7230 3.3.2); the same one twice is fine.
  HttpStreamFramer two;
  two.Feed(B("SIP/2.0 200 OK\r\nContent-Length: 2\r\nl: 3\r\n\r\nabc"));
  EXPECT_FALSE(two.Next().has_value());
  EXPECT_EQ(two.error(), std::optional<Error>(Error::kUnsupportedValue));
  HttpStreamFramer same;
  same.Feed(B("SIP/2.0 200 OK\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc"));
  EXPECT_TRUE(same.Next().has_value());
}

TEST(HttpStreamFramer, LengthsAreBounded) {
  const size_t max = HttpStreamFramer::kMaxBodyBytes;
  HttpStreamFramer at;  // at the bound: waits for the body
  at.Feed(B("POST / HTTP/1.1\r\nContent-Length: " + std::to_string(max) + "\r\n\r\n"));
  EXPECT_FALSE(at.Next().has_value());
  EXPECT_FALSE(at.failed());
  HttpStreamFramer over;
  over.Feed(B("POST / HTTP/1.1\r\nContent-Length: " + std::to_string(max + 1) + "\r\n\r\n"));
  EXPECT_FALSE(over.Next().has_value());
  EXPECT_EQ(over.error(), std::optional<Error>(Error::kMessageTooLarge));
  HttpStreamFramer digits;  // a number far beyond 64 bits, and one padded with zeros
  digits.Feed(B("POST / HTTP/1.1\r\nContent-Length: " + std::string(400, '9') + "\r\n\r\n"));
  EXPECT_FALSE(digits.Next().has_value());
  EXPECT_EQ(digits.error(), std::optional<Error>(Error::kMessageTooLarge));
  HttpStreamFramer zeros;
  zeros.Feed(B("POST / HTTP/1.1\r\nContent-Length: " + std::string(400, '0') + "2\r\n\r\nok"));
  auto m = zeros.Next();
  ASSERT_TRUE(m.has_value());
  EXPECT_EQ(std::string(m->end() - 2, m->end()), "ok");
  // A header block that never ends.
  HttpStreamFramer endless;
  endless.Feed(B("POST / HTTP/1.1\r\n"));
  for (size_t i = 0; i * 1000 <= HttpStreamFramer::kMaxHeaderBytes; ++i) {
    endless.Feed(B("X-Filler: " + std::string(988, 'a') + "\r\n"));
    (void)endless.Next();
  }
  EXPECT_EQ(endless.error(), std::optional<Error>(Error::kMessageTooLarge));
  EXPECT_EQ(endless.buffered(), 0u);
}

TEST(HttpMessage, StatusCodesOutside100To599AreRefused) {
  // Found by tests/fuzz/http_message (corpus finding-status-044-*): "044" parsed, and was written
  // back as "44", which no parser reads. RFC 9110 15: three digits, 100 to 599.
  for (const char* status : {"044", "099", "600", "999"}) {
    const std::string m = std::string("HTTP/1.1 ") + status + " Odd\r\nContent-Length: 0\r\n\r\n";
    auto r = ParseHttpResponse(B(m));
    ASSERT_FALSE(r.ok()) << status;
    EXPECT_EQ(r.error(), Error::kUnsupportedValue);
  }
  for (const char* status : {"100", "599"}) {
    const std::string m = std::string("HTTP/1.1 ") + status + " Odd\r\nContent-Length: 0\r\n\r\n";
    auto r = ParseHttpResponse(B(m));
    ASSERT_TRUE(r.ok()) << status;
    EXPECT_EQ(r->Serialize(), B(m));
  }
}

TEST(HttpMessage, AContentLengthBeyondTheMessageIsRefusedBeforeAnyAllocation) {
  // Found by tests/fuzz/http_message (corpus finding-oom-content-length): Beast reserved the
  // announced 9 GB for the body of a message of a few hundred bytes (libFuzzer: out-of-memory).
  const std::string huge = "HTTP/1.1 200 OK\r\nContent-Length: 9416777216\r\n\r\n<abc>";
  auto r = ParseHttpResponse(B(huge));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), Error::kMessageTooLarge);
  const std::string within = "HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n<abc>";  // under the bound
  ASSERT_FALSE(ParseHttpResponse(B(within)).ok());
  EXPECT_EQ(ParseHttpResponse(B(within)).error(), Error::kTruncated);
  auto q = ParseHttpRequest(B("POST /k HTTP/1.1\r\nContent-Length: 6\r\n\r\nabcde"));  // one byte short
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error(), Error::kTruncated);
  // Two lengths that differ, and one that is no number, are refused too (RFC 9112 6.3).
  EXPECT_FALSE(ParseHttpResponse(B("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\na")).ok());
  EXPECT_FALSE(ParseHttpResponse(B("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")).ok());
  // The exact length still parses.
  auto ok = ParseHttpRequest(B("POST /k HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde"));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->body, "abcde");
}

}  // namespace
}  // namespace mcx::procedures
