#include "mcx/crypto/bytes.h"

#include <openssl/crypto.h>

#include <cstring>

namespace mcx::crypto {

ByteView ByteView::Sub(size_t offset, size_t count) const {
  if (offset > size_) offset = size_;
  size_t rest = size_ - offset;
  if (count > rest) count = rest;
  return ByteView(data_ + offset, count);
}

bool operator==(ByteView a, ByteView b) {
  return a.size() == b.size() && (a.size() == 0 || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

std::string ToHex(ByteView b) {
  static const char* kDigits = "0123456789abcdef";
  std::string s;
  s.reserve(b.size() * 2);
  for (uint8_t c : b) {
    s.push_back(kDigits[c >> 4]);
    s.push_back(kDigits[c & 15]);
  }
  return s;
}

std::string ToHex32(uint32_t v) {
  uint8_t b[4];
  StoreU32(b, v);
  return ToHex(ByteView(b, 4));
}

static int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Bytes> FromHex(std::string_view hex) {
  if (hex.size() % 2 != 0) return std::nullopt;
  Bytes out(hex.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

void SecureWipe(void* p, size_t n) {
  if (p != nullptr && n > 0) OPENSSL_cleanse(p, n);
}

bool ConstantTimeEqual(ByteView a, ByteView b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

SecretBytes& SecretBytes::operator=(const SecretBytes& o) {
  if (this != &o) {
    Wipe();
    b_ = o.b_;
  }
  return *this;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& o) noexcept {
  if (this != &o) {
    Wipe();
    b_ = std::move(o.b_);
    o.b_.clear();
  }
  return *this;
}

void SecretBytes::Wipe() {
  SecureWipe(b_.data(), b_.size());
  b_.clear();
}

void AppendU8(Bytes& out, uint8_t v) { out.push_back(v); }
void AppendU16(Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}
void AppendU32(Bytes& out, uint32_t v) {
  AppendU16(out, static_cast<uint16_t>(v >> 16));
  AppendU16(out, static_cast<uint16_t>(v));
}
void AppendU64(Bytes& out, uint64_t v) {
  AppendU32(out, static_cast<uint32_t>(v >> 32));
  AppendU32(out, static_cast<uint32_t>(v));
}
void Append(Bytes& out, ByteView v) { out.insert(out.end(), v.begin(), v.end()); }

uint32_t LoadU32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | uint32_t{p[3]};
}
void StoreU32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace mcx::crypto
