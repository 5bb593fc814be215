// Fuzz target: the TS 33.180 E.6 key parameters and the protected payload that carries them
// (security/key_params.h). The input is tried as both: as key parameters in the clear
// (keyparams::Decode; a legacy Streamwide GE type 7 is this), and as a protected payload
// (DecodePayload), opened with a fixed DPPK, whose plaintext is decoded in turn.
//
// Properties: what decodes re-encodes to what decodes to the same (key parameters: byte-exact
// where the encoding is canonical), a protected payload re-encodes to exactly its input.
//
// Structure-aware: the custom mutator opens a protected payload under the fixed DPPK, mutates
// the plaintext and seals it again, so inputs get past the AES-GCM tag to the key parameter
// decoder, as a sender that holds the key could.
#include <cstring>

#include "mcx/crypto/rng.h"
#include "mcx/security/key_params.h"
#include "tests/fuzz/fuzz_support.h"

using namespace mcx;
using crypto::Bytes;
using crypto::ByteView;
namespace keyparams = security::keyparams;

namespace {

// The DPPK every seed is sealed under (the Streamwide test1 GMK, tests/data/streamwide-v5.json).
const Bytes kDppk = {0x07, 0xd1, 0xa1, 0x67, 0x7a, 0xc3, 0x6d, 0x8e, 0x81, 0x62, 0x04, 0x84, 0x68, 0x9b, 0x3c, 0x2d};

bool SameParams(const keyparams::KeyParameters& a, const keyparams::KeyParameters& b) {
  return a.key_type == b.key_type && a.status == b.status && a.activation_time == b.activation_time &&
         a.expiry_time == b.expiry_time && a.text == b.text && a.group_ids == b.group_ids &&
         a.algorithms.has_value() == b.algorithms.has_value() &&
         (!a.algorithms || (a.algorithms->supported == b.algorithms->supported &&
                            a.algorithms->selected == b.algorithms->selected));
}

void CheckParams(ByteView plain) {
  auto kp = keyparams::Decode(plain);
  if (!kp) return;
  const Bytes again = keyparams::Encode(*kp);
  auto kp2 = keyparams::Decode(again);
  FUZZ_CHECK(kp2.ok());
  FUZZ_CHECK(SameParams(*kp, *kp2));
  // Byte-exact unless a group-carrying key omitted its Group IDs element (re-encoded as empty).
  if (!kp->group_ids_absent) FUZZ_CHECK(ByteView(again) == plain);
  (void)keyparams::IsRevoked(kp->status, keyparams::StatusConvention::kBit0InUse);
  (void)keyparams::IsRevoked(kp->status, keyparams::StatusConvention::kBit0Revoked);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);
  CheckParams(in);
  auto pp = keyparams::DecodePayload(in);
  if (!pp) return 0;
  FUZZ_CHECK(ByteView(keyparams::EncodePayload(*pp)) == in);
  FUZZ_CHECK(pp->Aad().size() == 32);
  auto plain = keyparams::Unprotect(*pp, kDppk);
  if (plain) CheckParams(plain->view());
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  fuzz::Prng r(seed);
  auto pp = keyparams::DecodePayload(ByteView(data, size));
  if (!pp || r.OneIn(3)) return LLVMFuzzerMutate(data, size, max_size);
  auto plain = keyparams::Unprotect(*pp, kDppk);
  if (!plain) return LLVMFuzzerMutate(data, size, max_size);
  Bytes p = plain->Expose();
  fuzz::MutateBytes(p, 32);
  keyparams::PayloadHeader h{pp->message_type, pp->date_time, pp->payload_id, pp->payload_seq};
  if (r.OneIn(8)) pp->dppk_id = static_cast<uint32_t>(r.Next());
  Bytes seed_bytes = {uint8_t(seed >> 24), uint8_t(seed >> 16), uint8_t(seed >> 8), uint8_t(seed)};
  crypto::HmacDrbg rng(ByteView(seed_bytes), ByteView("key-params"));
  auto sealed = keyparams::ProtectPayload(kDppk, pp->dppk_id, h, p, rng);
  if (!sealed) return LLVMFuzzerMutate(data, size, max_size);
  const Bytes out = keyparams::EncodePayload(*sealed);
  if (out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, out.data(), out.size());
  return out.size();
}
