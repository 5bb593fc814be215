// Fuzz target: RTP packets (codec/rtp.h) and the SRTP layer's header length
// (srtp::RtpHeaderLength, which also reads CSRCs and extensions). Properties: what decodes
// re-encodes to exactly the input; the header length never exceeds the packet, and is 12 for a
// packet the codec accepts.
#include "mcx/codec/rtp.h"
#include "mcx/security/srtp.h"
#include "tests/fuzz/fuzz_support.h"

using namespace mcx;
using crypto::ByteView;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);
  auto p = codec::DecodeRtp(in);
  if (p) FUZZ_CHECK(ByteView(codec::Encode(*p)) == in);
  auto hl = security::srtp::RtpHeaderLength(in);
  if (hl) {
    FUZZ_CHECK(*hl <= size);
    FUZZ_CHECK(*hl >= codec::kRtpHeaderBytes);
    if (p) FUZZ_CHECK(*hl == codec::kRtpHeaderBytes);
  }
  return 0;
}
