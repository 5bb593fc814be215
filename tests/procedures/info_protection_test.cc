// XML protection of the mcpttinfo on the wire (TS 33.180 9.3, TS 24.379 F.1, F.6): the identities
// encrypted and the body signed under a client's CSK, read back only with that CSK; a body
// altered anywhere, unsigned, or under another client's CSK is refused.
#include "mcx/procedures/onnet/info_protection.h"

#include <gtest/gtest.h>

#include "mcx/crypto/rng.h"

using namespace mcx::procedures;
namespace security = mcx::security;
using mcx::crypto::ByteView;
using mcx::crypto::Error;

namespace {

security::StoredKey Csk(uint32_t id, uint8_t fill) {
  security::StoredKey k;
  k.purpose = security::KeyPurpose::kCsk;
  k.key_id = id;
  k.key = mcx::crypto::SecretBytes(16);
  for (size_t i = 0; i < 16; ++i) k.key.data()[i] = static_cast<uint8_t>(fill + i);
  return k;
}

const std::string kAlice = "sip:alice@example.org";

McpttInfo Info() {
  McpttInfo info;
  info.session_type = "private";
  info.request_uri = "sip:bob@example.org";
  info.calling_user = kAlice;
  return info;
}

SipMessage Invite() {
  SipMessage m = SipMessage::Request("INVITE", "sip:prearranged@mcx.example.org");
  m.SetFrom("<" + kAlice + ">;tag=1");
  m.SetTo("<sip:prearranged@mcx.example.org>");
  m.SetCallId("c1");
  m.SetCSeq(1, "INVITE");
  return m;
}

// A protected INVITE as it crosses the wire (serialised and parsed back).
SipMessage Protected(const security::StoredKey& csk, mcx::crypto::Rng& rng) {
  SipMessage m = Invite();
  m.AddBody(kSdpContentType, ByteView(std::string("v=0\r\n")));
  const auto keys = CskSignallingKeys(csk, kAlice);
  EXPECT_TRUE(AddMcpttInfo(m, Info(), &keys, rng).ok());
  return *SipMessage::Parse(m.Serialize());
}

}  // namespace

TEST(InfoProtection, TheIdentitiesAreEncryptedAndTheBodyOpensOnlyUnderTheCallersCsk) {
  mcx::crypto::HmacDrbg rng(5, "info");
  const auto csk = Csk(0x21000001, 1), other = Csk(0x21000002, 9);
  const SipMessage m = Protected(csk, rng);
  const mcx::crypto::Bytes bytes = m.Serialize();
  const std::string wire(bytes.begin(), bytes.end());
  EXPECT_EQ(wire.find("sip:bob@example.org"), std::string::npos);
  EXPECT_NE(wire.find("Content-ID: <mcpttinfo@mcx>"), std::string::npos);
  const auto keys = CskKeyLookup({&other, &csk}, kAlice);
  auto xml = OpenMcpttInfo(m, &keys);
  ASSERT_TRUE(xml.ok()) << mcx::crypto::ErrorName(xml.error());
  const auto info = ParseMcpttInfo(*xml);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->request_uri, "sip:bob@example.org");
  EXPECT_EQ(info->calling_user, kAlice);
  EXPECT_EQ(info->session_type, "private");
  // Another client's CSK, or the right key derived for another user ID, does not open it.
  const auto others = CskKeyLookup({&other}, kAlice), wrong_user = CskKeyLookup({&csk}, "sip:eve@example.org");
  const auto by_other = OpenMcpttInfo(m, &others), by_wrong_user = OpenMcpttInfo(m, &wrong_user);
  ASSERT_FALSE(by_other.ok());
  ASSERT_FALSE(by_wrong_user.ok());
  EXPECT_EQ(by_other.error(), Error::kUnknownMki);
  EXPECT_EQ(by_wrong_user.error(), Error::kSignatureInvalid);
  // Without keys the body is read as it is, and its encrypted elements do not parse.
  ASSERT_TRUE(OpenMcpttInfo(m, nullptr).ok());
  EXPECT_FALSE(ParseMcpttInfo(*OpenMcpttInfo(m, nullptr)).has_value());
}

TEST(InfoProtection, AnUnsignedOrAlteredMcpttInfoIsRefused) {
  mcx::crypto::HmacDrbg rng(6, "info");
  const auto csk = Csk(0x21000001, 1);
  const auto keys = CskKeyLookup({&csk}, kAlice);
  // Plain, as a client without XML protection sends it.
  SipMessage plain = Invite();
  plain.AddBody(kSdpContentType, ByteView(std::string("v=0\r\n")));
  plain.AddBody(kMcpttInfoContentType, ByteView(BuildMcpttInfo(Info())));
  auto read_plain = OpenMcpttInfo(*SipMessage::Parse(plain.Serialize()), &keys);
  ASSERT_FALSE(read_plain.ok());
  EXPECT_EQ(read_plain.error(), Error::kMissingPayload);
  // Every byte of the protected mcpttinfo, altered in turn (one in 7, to keep it short).
  const SipMessage m = Protected(csk, rng);
  std::vector<SipBodyPart> parts = m.Bodies();
  ASSERT_EQ(parts.size(), 3u);
  size_t refused = 0, tried = 0;
  {  // rebuilt as it is, it opens
    SipMessage t = Invite();
    for (const SipBodyPart& p : parts) t.AddBody(p.content_type, p.data, p.content_id);
    EXPECT_TRUE(OpenMcpttInfo(*SipMessage::Parse(t.Serialize()), &keys).ok());
  }
  for (size_t i = 0; i < parts[1].data.size(); i += 7) {
    SipMessage t = Invite();
    for (size_t p = 0; p < parts.size(); ++p) {
      auto data = parts[p].data;
      if (p == 1) data[i] ^= 0x04;
      t.AddBody(parts[p].content_type, data, parts[p].content_id);
    }
    auto parsed = SipMessage::Parse(t.Serialize());
    ASSERT_TRUE(parsed.ok());
    ++tried;
    const bool ok = parsed.ok() && OpenMcpttInfo(*parsed, &keys).ok();
    refused += !ok;
    EXPECT_FALSE(ok) << "byte " << i << " altered and accepted";
  }
  EXPECT_EQ(refused, tried);
}
