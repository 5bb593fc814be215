// Group documents (TS 24.481) as the GMS builds and a member parses them: GKTPs round-trip, and a
// document with a DOCTYPE (entity expansion, external entities) is refused by every parser.
#include "mcx/procedures/onnet/group_document.h"

#include <gtest/gtest.h>

namespace mcx::procedures {
namespace {

TEST(GroupDocument, GktpsAndMembersRoundTrip) {
  const std::string doc = BuildGroupDocument("sip:fire@x", {"sip:a@x", "sip:b@x"},
                                             {Gktp{"0a0b0c0d", "", crypto::Bytes{1, 2, 3, 0xff}}});
  std::string group;
  auto gktps = ParseGroupDocument(doc, &group);
  ASSERT_TRUE(gktps.has_value());
  EXPECT_EQ(group, "sip:fire@x");
  ASSERT_EQ(gktps->size(), 1u);
  EXPECT_EQ((*gktps)[0].id, "0a0b0c0d");
  EXPECT_EQ((*gktps)[0].i_message, (crypto::Bytes{1, 2, 3, 0xff}));
  auto sel = ParseXcapDiff(BuildXcapDiff("https://gms/xcap-root", GroupDocumentSelector("sip:fire@x"), "7"));
  ASSERT_TRUE(sel.has_value());
  EXPECT_EQ(*sel, GroupDocumentSelector("sip:fire@x"));
  EXPECT_EQ(ParseAffiliation(BuildAffiliation({"sip:fire@x", "sip:ems@x"})),
            (std::vector<std::string>{"sip:fire@x", "sip:ems@x"}));
}

TEST(GroupDocument, ADoctypeIsRefusedByEveryParser) {
  const std::string doc = BuildGroupDocument("sip:fire@x", {}, {Gktp{"01", "", crypto::Bytes{1}}});
  const std::string dtd = "<!DOCTYPE x [<!ENTITY e \"y\">]>\n";
  auto with_dtd = [&](const std::string& xml) {
    const auto decl_end = xml.find("?>");
    return decl_end == std::string::npos ? dtd + xml : xml.substr(0, decl_end + 2) + "\n" + dtd + xml.substr(decl_end + 2);
  };
  EXPECT_FALSE(ParseGroupDocument(with_dtd(doc)).has_value());
  EXPECT_FALSE(ParseXcapDiff(with_dtd(BuildXcapDiff("https://gms", "sel", "1"))).has_value());
  EXPECT_TRUE(ParseAffiliation(with_dtd(BuildAffiliation({"sip:fire@x"}))).empty());
  // The same documents without the DOCTYPE parse.
  EXPECT_TRUE(ParseGroupDocument(doc).has_value());
}

TEST(GroupDocument, WhiteSpaceInAttributesAndTextReadsBackAsWritten) {
  // XML 1.0 normalises a raw TAB, LF or CR in an attribute to a space and a raw CR anywhere to
  // LF; the builders write them as character references. (Found by tests/fuzz/group_document.)
  for (const std::string s : {"a\tb", "a\nb", "a\rb", "a\r\nb", " a  b "}) {
    auto sel = ParseXcapDiff(BuildXcapDiff("https://gms/xcap-root", s, "7"));
    ASSERT_TRUE(sel.has_value());
    EXPECT_EQ(*sel, s);
    EXPECT_EQ(ParseAffiliation(BuildAffiliation({s})), std::vector<std::string>{s});
    std::string group;
    ASSERT_TRUE(ParseGroupDocument(BuildGroupDocument(s, {}, {Gktp{"01", "", crypto::Bytes{1}}}), &group).has_value());
    EXPECT_EQ(group, s);
  }
}

}  // namespace
}  // namespace mcx::procedures
