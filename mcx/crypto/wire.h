// A bounds-checked big-endian reader for wire formats. Reads past the end do not crash: they
// return zero/empty and latch kTruncated, so a decoder reads a whole structure and checks once.
#pragma once

#include "mcx/crypto/bytes.h"
#include "mcx/crypto/error.h"

namespace mcx::crypto {

class ByteReader {
 public:
  explicit ByteReader(ByteView data) : data_(data) {}

  uint8_t U8();
  uint16_t U16();
  uint32_t U24();
  uint32_t U32();
  uint64_t U40();
  uint64_t U64();
  /// The next n bytes; empty (and kTruncated) if fewer remain.
  ByteView Take(size_t n);
  ByteView Rest() { return Take(Remaining()); }
  /// The next byte without consuming it (0 at the end).
  uint8_t Peek() const { return pos_ < data_.size() ? data_[pos_] : 0; }

  size_t Offset() const { return pos_; }
  size_t Remaining() const { return ok_ ? data_.size() - pos_ : 0; }
  bool AtEnd() const { return Remaining() == 0; }
  bool ok() const { return ok_; }
  /// kTruncated after any short read.
  Status status() const { return ok_ ? Status::Ok() : Status(Error::kTruncated); }
  /// As status(), and kTrailingBytes if unread bytes remain.
  Status Finish() const;

 private:
  bool Need(size_t n);
  ByteView data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace mcx::crypto
