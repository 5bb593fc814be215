// Fuzz target: the MCPTT SDP (codec/mcptt_sdp.h). Properties (the parser's promise): what parses
// is written back by Text() to text that parses to the same address, ports, MIKEY and floor
// parameters; the address is dotted IPv4; an answer to it never grants a higher priority.
#include "mcx/codec/mcptt_sdp.h"
#include "mcx/codec/text_fields.h"
#include "tests/fuzz/fuzz_support.h"

using namespace mcx::codec;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sdp = McpttSdp::Parse(text);
  if (!sdp) return 0;
  const std::string written = sdp->Text();
  auto again = McpttSdp::Parse(written);
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->address == sdp->address);
  FUZZ_CHECK(again->media_port == sdp->media_port);
  FUZZ_CHECK(again->floor_port == sdp->floor_port);
  FUZZ_CHECK(again->mikey == sdp->mikey);
  FUZZ_CHECK(again->floor == sdp->floor);
  FUZZ_CHECK(IsDottedIpv4(sdp->address));
  FloorFmtp server;
  server.priority = static_cast<uint8_t>(size % 255 + 1);
  const FloorFmtp answer = FloorAnswer(sdp->floor, server, true);
  FUZZ_CHECK(!answer.priority || (sdp->floor.priority && *answer.priority <= *sdp->floor.priority));
  FUZZ_CHECK(again->Text() == written);
  return 0;
}
