// Byte strings, views and secret buffers used across the security library.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mcx::crypto {

using Bytes = std::vector<uint8_t>;

/// A non-owning view of bytes (C++17 has no std::span).
class ByteView {
 public:
  constexpr ByteView() = default;
  constexpr ByteView(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  ByteView(const Bytes& b) : data_(b.data()), size_(b.size()) {}  // NOLINT: implicit by design
  ByteView(std::string_view s)                                     // NOLINT: implicit by design
      : data_(reinterpret_cast<const uint8_t*>(s.data())), size_(s.size()) {}
  ByteView(const std::string& s) : ByteView(std::string_view(s)) {}  // NOLINT: implicit
  ByteView(const char* s) : ByteView(std::string_view(s)) {}         // NOLINT: implicit

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  uint8_t operator[](size_t i) const { return data_[i]; }
  const uint8_t* begin() const { return data_; }
  const uint8_t* end() const { return data_ + size_; }
  /// Bytes [offset, offset+count); clamps to the view's end.
  ByteView Sub(size_t offset, size_t count = SIZE_MAX) const;
  Bytes ToBytes() const { return Bytes(begin(), end()); }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

bool operator==(ByteView a, ByteView b);
inline bool operator!=(ByteView a, ByteView b) { return !(a == b); }

/// Lowercase hex.
std::string ToHex(ByteView b);
/// A 32-bit value (a key ID, a CSB-ID) as 8 lowercase hex digits.
std::string ToHex32(uint32_t v);
/// Accepts upper or lower case, no separators; nullopt on odd length or a non-hex character.
std::optional<Bytes> FromHex(std::string_view hex);

/// Overwrites memory so the compiler cannot elide it (OPENSSL_cleanse).
void SecureWipe(void* p, size_t n);

/// Compares in time independent of the contents (lengths are public).
bool ConstantTimeEqual(ByteView a, ByteView b);

/// Owned key material that is wiped when destroyed or overwritten.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t n) : b_(n, 0) {}
  explicit SecretBytes(ByteView v) : b_(v.begin(), v.end()) {}
  /// Takes over an ordinary buffer that is going away (no copy of the secret stays behind): a key
  /// just issued, decoded or parsed becomes a SecretBytes where it is stored.
  SecretBytes(Bytes&& b) noexcept : b_(std::move(b)) {}  // NOLINT: implicit by design
  SecretBytes(const SecretBytes& o) : b_(o.b_) {}
  SecretBytes(SecretBytes&& o) noexcept : b_(std::move(o.b_)) { o.b_.clear(); }
  SecretBytes& operator=(const SecretBytes& o);
  SecretBytes& operator=(SecretBytes&& o) noexcept;
  ~SecretBytes() { Wipe(); }

  uint8_t* data() { return b_.data(); }
  const uint8_t* data() const { return b_.data(); }
  size_t size() const { return b_.size(); }
  bool empty() const { return b_.empty(); }
  uint8_t& operator[](size_t i) { return b_[i]; }
  uint8_t operator[](size_t i) const { return b_[i]; }
  ByteView view() const { return ByteView(b_.data(), b_.size()); }
  operator ByteView() const { return view(); }  // NOLINT: implicit by design
  /// Copies the secret into an ordinary buffer: only for writing it to a wire format or file.
  Bytes Expose() const { return b_; }
  void Wipe();

 private:
  Bytes b_;
};

/// Big-endian integer append helpers for wire formats.
void AppendU8(Bytes& out, uint8_t v);
void AppendU16(Bytes& out, uint16_t v);
void AppendU32(Bytes& out, uint32_t v);
void AppendU64(Bytes& out, uint64_t v);
void Append(Bytes& out, ByteView v);

uint32_t LoadU32(const uint8_t* p);
void StoreU32(uint8_t* p, uint32_t v);

}  // namespace mcx::crypto
