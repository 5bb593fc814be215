// Fuzz target: the off-network SDP (codec/offnet_sdp.h). Property (the parser's promise): what
// parses is written back by Text() to text that parses to the same address, ports and MIKEY.
#include "mcx/codec/offnet_sdp.h"
#include "tests/fuzz/fuzz_support.h"

using namespace mcx::codec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sdp = OffnetSdp::Parse(text);
  if (!sdp) return 0;
  const std::string written = sdp->Text();
  auto again = OffnetSdp::Parse(written);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->address == sdp->address);
  FUZZ_CHECK(again->media_port == sdp->media_port);
  FUZZ_CHECK(again->floor_port == sdp->floor_port);
  FUZZ_CHECK(again->mikey == sdp->mikey);
  FUZZ_CHECK(again->Text() == written);
  return 0;
}
