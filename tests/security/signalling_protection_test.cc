// Application-plane signalling protection: XML element confidentiality and MIME body integrity
// under the CSK-derived keys (TS 33.180 9, F.1.4), and MCData payload protection (8.5, F.1.5).
#include <gtest/gtest.h>

#include "mcx/security/key_params.h"
#include "mcx/security/xml_protect.h"
#include "tests/support/testdata.h"

namespace mcx::security::xmlsec {

using crypto::HmacDrbg;
namespace {

const char* kInfo =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<mcpttinfo xmlns=\"urn:3gpp:ns:mcpttInfo:1.0\"><mcptt-Params>"
    "<session-type>private</session-type>"
    "<mcptt-request-uri type=\"Normal\"><mcpttURI>sip:bob@example.org</mcpttURI></mcptt-request-uri>"
    "<mcptt-calling-user-id type=\"Normal\"><mcpttURI>sip:alice@example.org</mcpttURI></mcptt-calling-user-id>"
    "</mcptt-Params></mcpttinfo>\n";

class SignallingProtection : public ::testing::Test {
 protected:
  HmacDrbg rng_{12, "xml"};
  Bytes csk_ = test::Hex("e06e65106183547342d3e8a6ce2540a8");
  SignallingKeys keys_ = DeriveSignallingKeys(csk_, 0x2ddd5bf0, "sip:alice@example.org");
  KeyLookup lookup_ = [this](uint32_t id) -> const SignallingKeys* { return id == keys_.xpk_id ? &keys_ : nullptr; };
};

TEST_F(SignallingProtection, EncryptedElementsHideTheirContentAndRoundTrip) {
  size_t n = 0;
  auto enc = EncryptElements(kInfo, {"mcptt-request-uri", "mcptt-calling-user-id"}, keys_, rng_, &n);
  ASSERT_TRUE(enc.ok()) << ErrorName(enc.error());
  EXPECT_EQ(n, 2u);
  EXPECT_EQ(enc->find("sip:bob@example.org"), std::string::npos);
  EXPECT_EQ(enc->find("sip:alice@example.org"), std::string::npos);
  EXPECT_NE(enc->find("<session-type>private</session-type>"), std::string::npos);  // plain type stays
  EXPECT_NE(enc->find("type=\"Encrypted\""), std::string::npos);
  EXPECT_NE(enc->find(kAes128GcmUri), std::string::npos);
  EXPECT_NE(enc->find("<ds:KeyName>Ld1b8A==</ds:KeyName>"), std::string::npos);  // base64 of 2ddd5bf0
  EXPECT_GT(enc->size(), std::string(kInfo).size());
  auto dec = DecryptElements(*enc, lookup_);
  ASSERT_TRUE(dec.ok()) << ErrorName(dec.error());
  EXPECT_NE(dec->find("<mcptt-request-uri type=\"Normal\"><mcpttURI>sip:bob@example.org</mcpttURI>"),
            std::string::npos);
  EXPECT_NE(dec->find("<mcpttURI>sip:alice@example.org</mcpttURI>"), std::string::npos);
}

TEST_F(SignallingProtection, DecryptionFailuresAreNamed) {
  auto enc = EncryptElements(kInfo, {"mcptt-request-uri"}, keys_, rng_);
  ASSERT_TRUE(enc.ok());
  SignallingKeys other = DeriveSignallingKeys(csk_, 0x2ddd5bf0, "sip:mallory@example.org");  // other user ID
  EXPECT_EQ(DecryptElements(*enc, [&](uint32_t) { return &other; }).error(), Error::kAuthenticationFailed);
  EXPECT_EQ(DecryptElements(*enc, [](uint32_t) -> const SignallingKeys* { return nullptr; }).error(),
            Error::kUnknownMki);
  std::string tampered = *enc;
  const size_t cv = tampered.find("<xenc:CipherValue>") + 30;
  tampered[cv] = tampered[cv] == 'A' ? 'B' : 'A';
  EXPECT_EQ(DecryptElements(tampered, lookup_).error(), Error::kAuthenticationFailed);
  EXPECT_EQ(DecryptElements("<not xml", lookup_).error(), Error::kXmlMalformed);
}

TEST_F(SignallingProtection, SignedBodiesVerifyAndDetectChanges) {
  const std::vector<MimeBody> bodies = {{"info1@example.net", kInfo},
                                        {"sdp1@example.net", "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n"}};
  const std::string sig = SignBodies(bodies, keys_);
  EXPECT_NE(sig.find(kSignedDocNs), std::string::npos);
  EXPECT_NE(sig.find("URI=\"cid:info1@example.net\""), std::string::npos);
  EXPECT_TRUE(VerifyBodies(sig, bodies, lookup_).ok());
  auto changed = bodies;
  changed[1].content += "a=x\r\n";
  EXPECT_EQ(VerifyBodies(sig, changed, lookup_).error(), Error::kSignatureInvalid);
  SignallingKeys wrong = DeriveSignallingKeys(test::Hex("000102030405060708090a0b0c0d0e0f"), 0x2ddd5bf0, "x");
  EXPECT_EQ(VerifyBodies(sig, bodies, [&](uint32_t) { return &wrong; }).error(), Error::kSignatureInvalid);
  // A signature whose SignedInfo was edited (the digest of another body pasted in) fails the HMAC.
  std::string forged = sig;
  const size_t a = forged.find("cid:sdp1@example.net");
  forged.replace(a, 20, "cid:xyz1@example.net");
  auto extra = bodies;
  extra.push_back({"xyz1@example.net", bodies[1].content});
  EXPECT_EQ(VerifyBodies(forged, {extra[2]}, lookup_).error(), Error::kSignatureInvalid);
  EXPECT_EQ(VerifyBodies(sig, {{"missing@x", "..."}}, lookup_).error(), Error::kMissingPayload);
}

TEST(McDataPayload, ProtectedUnderTheDpckWithItsHeaderAuthenticated) {
  HmacDrbg rng(13, "mcdata");
  const Bytes gmk = test::Hex("000102030405060708090a0b0c0d0e0f");
  keyparams::PayloadHeader h;
  h.date_time = 1790000000;
  h.payload_id = 0x01020304;
  h.payload_seq = 7;
  const std::string text = "Evacuate sector 4 now";
  auto p = keyparams::ProtectPayload(gmk, 0xdeadbaad, h, ByteView(text), rng);
  ASSERT_TRUE(p.ok());
  const Bytes wire = keyparams::EncodePayload(*p);
  EXPECT_EQ(wire.size(), text.size() + 35 + 16);  // header 32, TLV type and length 3, tag 16
  auto d = keyparams::DecodePayload(wire);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->payload_id, 0x01020304u);
  EXPECT_EQ(d->payload_seq, 7);
  auto plain = keyparams::Unprotect(*d, gmk);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(std::string(plain->view().begin(), plain->view().end()), text);
  auto moved = *d;
  moved.payload_seq = 8;  // the header is authenticated: a changed sequence number fails
  EXPECT_EQ(keyparams::Unprotect(moved, gmk).error(), Error::kAuthenticationFailed);
}

}  // namespace
}  // namespace mcx::security::xmlsec
