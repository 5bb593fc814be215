// Fuzz target: the MIKEY codec (security/mikey.h). Any input: Decode never crashes; what decodes
// re-encodes to exactly the input (the codec's promise), the signed part is the encoding without
// the signature, and the accessors agree with the payload list.
#include "mcx/security/mikey.h"
#include "tests/fuzz/fuzz_support.h"

using namespace mcx::security::mikey;
using mcx::crypto::ByteView;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);
  auto m = Decode(in);
  if (!m) return 0;
  const auto out = Encode(*m);
  FUZZ_CHECK(ByteView(out) == in);
  if (m->sign) {
    const size_t signed_len = SignedPartLength(*m);
    FUZZ_CHECK(signed_len + m->sign->signature.size() == size);
    FUZZ_CHECK(ByteView(EncodeSignedPart(*m, m->sign->signature.size())) == in.Sub(0, signed_len));
  } else {
    FUZZ_CHECK(SignedPartLength(*m) == 0);
  }
  size_t counted = m->Count<Timestamp>() + m->Count<Rand>() + m->Count<Idr>() + m->Count<SecurityPolicy>() +
                   m->Count<SakkePayload>() + m->Count<GeneralExtension>();
  FUZZ_CHECK(counted == m->payloads.size());
  if (const auto* t = m->Find<Timestamp>()) (void)t->NtpSeconds();
  if (const auto* sp = m->Find<SecurityPolicy>()) (void)sp->Param(0);
  for (uint8_t role = 0; role < 16; ++role) (void)m->FindIdr(static_cast<IdRole>(role));
  for (uint8_t ge : {kGeSakkeToSelf, kGeKeyParameters}) (void)m->FindGeneralExtension(ge);
  return 0;
}
