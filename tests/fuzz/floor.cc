// Fuzz target: TS 24.380 floor control messages (codec/floor.h). Properties: what decodes
// re-encodes to exactly the input; the typed accessors and Validate (on- and off-network) never
// read past a field; a message built back from the typed values decodes again.
#include "mcx/codec/floor.h"
#include "tests/fuzz/fuzz_support.h"

using namespace mcx::codec;
using mcx::crypto::ByteView;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ByteView in(data, size);
  auto m = Decode(in);
  if (!m) return 0;
  FUZZ_CHECK(ByteView(Encode(*m)) == in);
  (void)Validate(*m, false);
  (void)Validate(*m, true);
  (void)FloorMsgTypeName(m->type());
  for (uint8_t id = 0; id < 16; ++id) {
    (void)m->U16(static_cast<FieldId>(id));
    (void)m->Text(static_cast<FieldId>(id));
  }
  (void)m->Priority();
  (void)m->RejectCause();
  (void)m->RejectPhrase();
  (void)m->QueueInfo();
  (void)m->GrantedSsrc();
  (void)m->AcknowledgedType();
  // What a receiver reads, written back the way the participant writes it, decodes again.
  FloorMessage echo;
  echo.subtype = m->subtype;
  echo.ssrc = m->ssrc;
  if (auto u = m->Text(FieldId::kUserId)) echo.AddText(FieldId::kUserId, *u);
  if (auto p = m->Priority()) echo.AddPriority(*p);
  if (auto c = m->RejectCause()) echo.AddRejectCause(*c, m->RejectPhrase().value_or(""));
  if (auto q = m->QueueInfo()) echo.AddQueueInfo(q->first, q->second);
  if (auto g = m->GrantedSsrc()) echo.AddGrantedSsrc(*g);
  if (auto t = m->AcknowledgedType()) echo.AddMessageType(*t);
  auto again = Decode(Encode(echo));
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(again->fields.size() == echo.fields.size());
  return 0;
}
