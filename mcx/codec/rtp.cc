#include "mcx/codec/rtp.h"

#include "mcx/crypto/wire.h"

namespace mcx::codec {

crypto::Bytes Encode(const RtpPacket& p) {
  crypto::Bytes b;
  b.reserve(kRtpHeaderBytes + p.payload.size());
  crypto::AppendU8(b, 0x80);  // V = 2, P = 0, X = 0, CC = 0
  crypto::AppendU8(b, static_cast<uint8_t>((p.marker ? 0x80 : 0) | (p.payload_type & 0x7f)));
  crypto::AppendU16(b, p.sequence);
  crypto::AppendU32(b, p.timestamp);
  crypto::AppendU32(b, p.ssrc);
  crypto::Append(b, p.payload);
  return b;
}

crypto::Result<RtpPacket> DecodeRtp(crypto::ByteView b) {
  crypto::ByteReader r(b);
  const uint8_t first = r.U8();
  const uint8_t second = r.U8();
  RtpPacket p;
  p.sequence = r.U16();
  p.timestamp = r.U32();
  p.ssrc = r.U32();
  MCX_TRY(r.status());
  if ((first >> 6) != 2 || (first & 0x3f) != 0) return crypto::Error::kUnsupportedValue;
  p.marker = (second & 0x80) != 0;
  p.payload_type = second & 0x7f;
  p.payload = r.Rest().ToBytes();
  return p;
}

}  // namespace mcx::codec
