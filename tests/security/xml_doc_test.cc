// The libxml2 wrapper (mcx/security/xml_doc.h): documents with a DTD are refused, so entity
// expansion (billion laughs) and external entities (XXE) never happen; well-formed documents
// without one parse, query and serialise as before. And the parsers built on it (KMS XML,
// signalling protection) refuse a DOCTYPE too.
#include "mcx/security/xml_doc.h"

#include <gtest/gtest.h>

#include "mcx/security/kms.h"
#include "mcx/security/xml_protect.h"
#include "tests/support/testdata.h"

namespace mcx::security::xml {
namespace {

// The classic exponential entity expansion: &lol9; stands for 10^9 "lol"s.
const char* kBillionLaughs =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE lolz [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    "]>\n"
    "<lolz>&lol9;</lolz>\n";

// An external entity naming a local file (XXE).
const char* kExternalEntity =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE r [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
    "<r>&xxe;</r>\n";

xmlsec::SignallingKeys TestKeys() {
  return xmlsec::DeriveSignallingKeys(test::Hex("000102030405060708090a0b0c0d0e0f"), 1, "sip:alice@example.org");
}

/// The document with `doctype` inserted after its XML declaration.
std::string WithDoctype(const std::string& xml, const std::string& doctype) {
  const size_t decl_end = xml.find("?>") + 2;
  return xml.substr(0, decl_end) + "\n" + doctype + xml.substr(decl_end);
}

TEST(XmlDoc, RefusesTheBillionLaughs) {
  auto doc = Document::Parse(kBillionLaughs);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error(), Error::kXmlMalformed);
}

TEST(XmlDoc, RefusesAnExternalEntity) {
  auto doc = Document::Parse(kExternalEntity);
  ASSERT_FALSE(doc.ok());
  EXPECT_EQ(doc.error(), Error::kXmlMalformed);
}

// Well-formed documents whose only fault is a DOCTYPE: it is the subset that is refused, whether
// internal, external or both.
TEST(XmlDoc, RefusesAnyDoctype) {
  for (const char* xml : {"<!DOCTYPE a [<!ELEMENT a ANY>]><a/>", "<!DOCTYPE a SYSTEM \"a.dtd\"><a/>",
                          "<!DOCTYPE a PUBLIC \"-//x//y//EN\" \"http://example.org/a.dtd\" [<!ELEMENT a ANY>]><a/>"}) {
    auto doc = Document::Parse(xml);
    ASSERT_FALSE(doc.ok()) << xml;
    EXPECT_EQ(doc.error(), Error::kXmlMalformed) << xml;
  }
  EXPECT_TRUE(Document::Parse("<a/>").ok());
}

TEST(XmlDoc, RefusesWhatIsNotAWellFormedDocument) {
  for (const char* xml : {"", "not xml", "<a>", "<a/><b/>", "<a>&undeclared;</a>"})
    EXPECT_EQ(Document::Parse(xml).error(), Error::kXmlMalformed) << xml;
}

TEST(XmlDoc, ParsesAndQueriesAWellFormedDocument) {
  const char* xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<r xmlns=\"urn:a\" xmlns:b=\"urn:b\" id=\"7\">\n"
      " <x>one &amp; <![CDATA[<two>]]></x>\n"
      " <b:x>other namespace</b:x>\n"
      " <y><x>nested</x><z k=\"v\"/></y>\n"
      " <x>three</x>\n"
      "</r>\n";
  auto doc = Document::Parse(xml);
  ASSERT_TRUE(doc.ok()) << ErrorName(doc.error());
  const Node root = doc->Root();
  EXPECT_TRUE(root.Is("r", "urn:a"));
  EXPECT_FALSE(root.Is("r", "urn:b"));
  EXPECT_EQ(root.LocalName(), "r");
  EXPECT_EQ(root.Attr("id"), "7");
  EXPECT_EQ(root.Attr("missing"), "");
  EXPECT_EQ(root.Child("x", "urn:a").Text(), "one & <two>");
  EXPECT_EQ(root.Child("x", "urn:b").Text(), "other namespace");
  ASSERT_EQ(root.Children("x", "urn:a").size(), 2u);  // children only, not the nested one
  EXPECT_EQ(root.Children("x", "urn:a")[1].Text(), "three");
  EXPECT_EQ(root.Find("z", "urn:a").Attr("k"), "v");
  EXPECT_EQ(root.Child("y", "urn:a").Find("x", "urn:a").Text(), "nested");
  EXPECT_TRUE(root.Child("y", "urn:a").HasElementChildren());
  EXPECT_FALSE(root.Child("x", "urn:a").HasElementChildren());
  EXPECT_EQ(root.Child("y", "urn:a").InnerXml(), "<x>nested</x><z k=\"v\"/>");
  // An absent element answers as absent all the way down.
  const Node none = root.Child("nothing", "urn:a");
  EXPECT_FALSE(none);
  EXPECT_FALSE(none.Child("x", "urn:a"));
  EXPECT_EQ(none.Text(), "");
  EXPECT_EQ(none.Attr("id"), "");
  // Unchanged, it serialises back to its input.
  EXPECT_EQ(doc->Serialize(), xml);
  // Dropping blank text nodes: then indented output lays the elements out one per line.
  auto compact = Document::Parse("<r xmlns=\"urn:a\">\n  <s>\n    <t/>\n  </s>\n</r>", BlankText::kDrop);
  ASSERT_TRUE(compact.ok());
  EXPECT_EQ(compact->Serialize(Document::Layout::kIndented),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<r xmlns=\"urn:a\">\n  <s>\n    <t/>\n  </s>\n</r>\n");
}

TEST(XmlDoc, BuildsAndSerialisesADocument) {
  Document doc = Document::Create("root", "urn:a");
  Node root = doc.Root();
  const Ns b = root.DeclareNs("urn:b", "b");
  root.SetAttr("v", "1 & 2");
  root.AddTextChild("t", "<text>");
  Node e = root.AddChild("e", b);
  e.SetAttr("k", "old");
  e.SetAttr("k", "new");  // replaces
  EXPECT_EQ(doc.Serialize(), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<root xmlns=\"urn:a\" xmlns:b=\"urn:b\" v=\"1 &amp; 2\"><t>&lt;text&gt;</t>"
                             "<b:e k=\"new\"/></root>\n");
  EXPECT_EQ(crypto::ToHex(root.Child("e", "urn:b").Canonical()),
            crypto::ToHex(ByteView("<b:e xmlns=\"urn:a\" xmlns:b=\"urn:b\" k=\"new\"></b:e>")));
  // Content parsed in an element's context sees its namespaces.
  e.RemoveChildren();
  ASSERT_TRUE(e.AppendParsed("<b:in>x</b:in><in/>").ok());
  EXPECT_TRUE(e.Child("in", "urn:b"));
  EXPECT_TRUE(e.Child("in", "urn:a"));
  EXPECT_EQ(e.AppendParsed("<unclosed>").error(), Error::kXmlMalformed);
}

TEST(XmlDoc, ForEachElementVisitsInDocumentOrderAndCanSkipChildren) {
  auto doc = Document::Parse("<a><b><c/></b><d><e/></d><!-- f --></a>");
  ASSERT_TRUE(doc.ok());
  std::string all, skipping_d;
  ForEachElement(doc->Root(), [&](Node n) {
    all += n.LocalName();
    return true;
  });
  ForEachElement(doc->Root(), [&](Node n) {
    skipping_d += n.LocalName();
    return n.LocalName() != "d";
  });
  EXPECT_EQ(all, "abcde");
  EXPECT_EQ(skipping_d, "abcd");
}

// ---- the parsers built on the wrapper ----

TEST(XmlDocUsers, KmsResponseParserRefusesADoctype) {
  kms::Response response;
  response.user_uri = "sip:alice@example.org";
  response.kms_uri = "kms.example.org";
  response.kind = kms::MessageKind::kKeyProv;
  const std::string xml = kms::WriteResponse(response);
  ASSERT_TRUE(kms::ParseResponse(xml).ok());
  EXPECT_EQ(kms::ParseResponse(WithDoctype(xml, "<!DOCTYPE KmsResponse [<!ELEMENT KmsResponse ANY>]>")).error(),
            Error::kXmlMalformed);
  // An entity in the KMS URI: it is the DOCTYPE that is refused, before any entity is looked at.
  std::string with_entity = WithDoctype(xml, "<!DOCTYPE KmsResponse [<!ENTITY k SYSTEM \"file:///etc/passwd\">]>");
  with_entity.replace(with_entity.find("kms.example.org"), 15, "&k;");
  EXPECT_EQ(kms::ParseResponse(with_entity).error(), Error::kXmlMalformed);
  EXPECT_EQ(kms::ParseResponse(kBillionLaughs).error(), Error::kXmlMalformed);
  EXPECT_EQ(kms::ParseRequest(kExternalEntity).error(), Error::kXmlMalformed);
}

TEST(XmlDocUsers, SignallingProtectionRefusesADoctype) {
  const xmlsec::SignallingKeys keys = TestKeys();
  const xmlsec::KeyLookup lookup = [&](uint32_t) { return &keys; };
  crypto::HmacDrbg rng(3, "xml doc");
  EXPECT_EQ(xmlsec::EncryptElements(kExternalEntity, {"r"}, keys, rng).error(), Error::kXmlMalformed);
  EXPECT_EQ(xmlsec::DecryptElements(kBillionLaughs, lookup).error(), Error::kXmlMalformed);
  EXPECT_EQ(xmlsec::VerifyBodies(kBillionLaughs, {{"a", "b"}}, lookup).error(), Error::kXmlMalformed);
}

// An element to encrypt inside another one: the outer element's content, the inner one included,
// is encrypted once, and decryption restores the document.
TEST(XmlDocUsers, NestedElementsToEncryptAreEncryptedWithTheOuterOne) {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<i xmlns=\"urn:i\"><o type=\"Normal\">a<o type=\"Normal\">b</o></o></i>\n";
  const xmlsec::SignallingKeys keys = TestKeys();
  crypto::HmacDrbg rng(4, "xml doc");
  size_t n = 0;
  auto enc = xmlsec::EncryptElements(xml, {"o"}, keys, rng, &n);
  ASSERT_TRUE(enc.ok()) << ErrorName(enc.error());
  EXPECT_EQ(n, 1u);
  auto dec = xmlsec::DecryptElements(*enc, [&](uint32_t) { return &keys; });
  ASSERT_TRUE(dec.ok()) << ErrorName(dec.error());
  EXPECT_EQ(*dec, xml);
}

}  // namespace
}  // namespace mcx::security::xml
