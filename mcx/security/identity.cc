#include "mcx/security/identity.h"

#include "mcx/crypto/hash.h"

namespace mcx::security {
using crypto::AppendU16;
using crypto::LoadU32;
using crypto::Sha256;

namespace {
Bytes ShortestBigEndian(uint64_t v) {
  Bytes out;
  do {
    out.insert(out.begin(), static_cast<uint8_t>(v & 0xff));
    v >>= 8;
  } while (v != 0);
  return out;
}

void AppendParam(Bytes& s, ByteView p) {
  Append(s, p);
  AppendU16(s, static_cast<uint16_t>(p.size()));
}
}  // namespace

Result<uint64_t> KeyPeriod::Number(uint64_t ntp_seconds) const {
  if (period_seconds == 0 || ntp_seconds < offset_seconds) return Error::kKeyPeriodInvalid;
  return (ntp_seconds - offset_seconds) / period_seconds;
}

Bytes UidHashInput(std::string_view user_uri, std::string_view kms_uri, const KeyPeriod& period,
                   uint64_t period_number) {
  Bytes s{0x00};  // FC: a dummy value, the UID is a plain hash (F.2.1)
  AppendParam(s, ByteView(std::string_view("MIKEY-SAKKE-UID")));
  AppendParam(s, ByteView(user_uri));
  AppendParam(s, ByteView(kms_uri));
  AppendParam(s, ShortestBigEndian(period.period_seconds));
  AppendParam(s, ShortestBigEndian(period.offset_seconds));
  AppendParam(s, ShortestBigEndian(period_number));
  return s;
}

Bytes Uid(std::string_view user_uri, std::string_view kms_uri, const KeyPeriod& period,
          uint64_t period_number) {
  return Sha256(UidHashInput(user_uri, kms_uri, period, period_number));
}

const char* KeyPurposeName(KeyPurpose p) {
  switch (p) {
    case KeyPurpose::kGmk: return "GMK";
    case KeyPurpose::kPck: return "PCK";
    case KeyPurpose::kCsk: return "CSK";
    case KeyPurpose::kSpk: return "SPK";
    case KeyPurpose::kMkfc: return "MKFC";
    case KeyPurpose::kMscck: return "MSCCK";
    case KeyPurpose::kMusik: return "MuSiK";
  }
  return "undefined";
}

Result<uint32_t> NewKeyId(KeyPurpose purpose, Rng& rng) {
  uint8_t b[4];
  MCX_TRY(rng.Fill(b, 4));
  return (LoadU32(b) & 0x0FFFFFFFu) | (uint32_t{static_cast<uint8_t>(purpose)} << 28);
}

}  // namespace mcx::security
