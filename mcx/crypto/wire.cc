#include "mcx/crypto/wire.h"

namespace mcx::crypto {

bool ByteReader::Need(size_t n) {
  if (!ok_ || data_.size() - pos_ < n) {
    ok_ = false;
    return false;
  }
  return true;
}

uint8_t ByteReader::U8() { return Need(1) ? data_[pos_++] : 0; }

uint16_t ByteReader::U16() {
  if (!Need(2)) return 0;
  uint16_t v = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
  pos_ += 2;
  return v;
}

uint32_t ByteReader::U24() {
  if (!Need(3)) return 0;
  uint32_t v = uint32_t{data_[pos_]} << 16 | uint32_t{data_[pos_ + 1]} << 8 | data_[pos_ + 2];
  pos_ += 3;
  return v;
}

uint32_t ByteReader::U32() {
  if (!Need(4)) return 0;
  uint32_t v = LoadU32(data_.data() + pos_);
  pos_ += 4;
  return v;
}

uint64_t ByteReader::U40() {
  if (!Need(5)) return 0;
  uint64_t v = uint64_t{data_[pos_]} << 32 | LoadU32(data_.data() + pos_ + 1);
  pos_ += 5;
  return v;
}

uint64_t ByteReader::U64() {
  if (!Need(8)) return 0;
  uint64_t v = uint64_t{LoadU32(data_.data() + pos_)} << 32 | LoadU32(data_.data() + pos_ + 4);
  pos_ += 8;
  return v;
}

ByteView ByteReader::Take(size_t n) {
  if (!Need(n)) return ByteView();
  ByteView v = data_.Sub(pos_, n);
  pos_ += n;
  return v;
}

Status ByteReader::Finish() const {
  if (!ok_) return Error::kTruncated;
  if (pos_ != data_.size()) return Error::kTrailingBytes;
  return Status::Ok();
}

}  // namespace mcx::crypto
