// Fuzz target: the group documents of TS 24.481 (procedures/onnet/group_document.h): the group
// document with its GKTPs, the xcap-diff body of a NOTIFY and the affiliation command, all from
// the same input. Properties: a group document that parses, built again from what was read,
// parses to the same GKTPs and group URI; an xcap-diff selector written back reads back.
#include "mcx/procedures/onnet/group_document.h"
#include "tests/fuzz/fuzz_support.h"

using namespace mcx::procedures;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string xml(reinterpret_cast<const char*>(data), size);
  std::string group;
  if (auto g = ParseGroupDocument(xml, &group)) {
    const std::string built = BuildGroupDocument(group, {"sip:a@x"}, *g);
    std::string group2;
    auto again = ParseGroupDocument(built, &group2);
    FUZZ_CHECK(again.has_value());
    FUZZ_CHECK(group2 == group);
    FUZZ_CHECK(again->size() == g->size());
    for (size_t i = 0; i < g->size(); ++i) {
      FUZZ_CHECK((*again)[i].id == (*g)[i].id);
      FUZZ_CHECK((*again)[i].activation_time == (*g)[i].activation_time);
      FUZZ_CHECK((*again)[i].i_message == (*g)[i].i_message);
    }
  }
  if (auto sel = ParseXcapDiff(xml)) {
    auto back = ParseXcapDiff(BuildXcapDiff("https://x/xcap-root", *sel, "e1"));
    FUZZ_CHECK(back && *back == *sel);
  }
  const auto groups = ParseAffiliation(xml);
  if (!groups.empty()) (void)BuildAffiliation(groups);
  return 0;
}
