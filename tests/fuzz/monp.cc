// Fuzz target: TS 24.379 MONP messages (codec/monp.h), private call and group call. Properties:
// what decodes re-encodes to exactly the input.
#include "mcx/codec/monp.h"
#include "tests/fuzz/fuzz_support.h"

using namespace mcx::codec;
using mcx::crypto::ByteView;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);
  if (auto m = DecodeMonp(in)) FUZZ_CHECK(ByteView(Encode(*m)) == in);
  if (auto g = DecodeMonpGroupCall(in)) FUZZ_CHECK(ByteView(Encode(*g)) == in);
  return 0;
}
