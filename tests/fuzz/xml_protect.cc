// Fuzz target: application-plane signalling protection (security/xml_protect.h): the input is an
// XML document; its encrypted elements are decrypted with a fixed XPK's keys (DecryptElements),
// it is checked as an mcptt-signed+xml document over two fixed MIME bodies (VerifyBodies), and its
// "Normal" elements are encrypted and decrypted again (EncryptElements).
//
// Properties: what decrypts is a well-formed document; encrypting then decrypting gives back the
// document as parsed.
//
// Structure-aware: the custom mutator opens each xenc:CipherValue with the fixed key, mutates the
// plaintext and seals it again, so the decrypted content that DecryptElements parses into the
// document (Node::AppendParsed) is fuzzed too, as a peer holding the key could send it.
#include <cstring>

#include "mcx/crypto/aead.h"
#include "mcx/crypto/base64.h"
#include "mcx/crypto/bytes.h"
#include "mcx/crypto/rng.h"
#include "mcx/security/xml_doc.h"
#include "mcx/security/xml_protect.h"
#include "tests/fuzz/fuzz_support.h"

using namespace mcx;
using crypto::Bytes;
using crypto::ByteView;
namespace xmlsec = security::xmlsec;

namespace {

// The CSK and user of the signalling protection tests (tests/security/signalling_protection_test.cc).
const xmlsec::SignallingKeys& Keys() {
  static const xmlsec::SignallingKeys k = xmlsec::DeriveSignallingKeys(
      *crypto::FromHex("e06e65106183547342d3e8a6ce2540a8"), 0x2ddd5bf0, "sip:alice@example.org");
  return k;
}
const xmlsec::KeyLookup& Lookup() {
  static const xmlsec::KeyLookup l = [](uint32_t id) -> const xmlsec::SignallingKeys* {
    return id == Keys().xpk_id ? &Keys() : nullptr;
  };
  return l;
}
const std::vector<xmlsec::MimeBody>& Bodies() {
  static const std::vector<xmlsec::MimeBody> b = {{"info1@example.net", "<mcpttinfo/>"},
                                                  {"sdp1@example.net", "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n"}};
  return b;
}
const std::vector<std::string> kElements = {"mcptt-request-uri", "mcptt-calling-user-id", "mcptt-called-party-id",
                                            "mcptt-calling-group-id", "associated-group-id"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  const auto dec = xmlsec::DecryptElements(xml, Lookup());
  if (dec) FUZZ_CHECK(security::xml::Document::Parse(*dec).ok());
  (void)xmlsec::VerifyBodies(xml, Bodies(), Lookup());
  auto parsed = security::xml::Document::Parse(xml);
  if (!parsed) return 0;
  crypto::HmacDrbg rng(ByteView("xml-protect-fuzz"));
  size_t n = 0;
  auto enc = xmlsec::EncryptElements(xml, kElements, Keys(), rng, &n);
  FUZZ_CHECK(enc.ok());
  // DecryptElements opens every encrypted element, the input's own as well: the property holds
  // for inputs whose own encrypted elements (if any) decrypt.
  if (n == 0 || !dec) return 0;
  auto back = xmlsec::DecryptElements(*enc, Lookup());
  FUZZ_CHECK(back.ok());
  // The elements that were "Normal" are "Normal" again with their content as it was, and the
  // input's own encrypted elements are opened as they were.
  FUZZ_CHECK(security::xml::Document::Parse(*back)->Serialize() == security::xml::Document::Parse(*dec)->Serialize());
  return 0;
}

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  fuzz::Prng r(seed);
  std::string s(reinterpret_cast<const char*>(data), size);
  static const std::string kOpen = "CipherValue>", kClose = "</";
  // The CipherValues of the document: pick one.
  std::vector<std::pair<size_t, size_t>> values;
  for (size_t at = s.find(kOpen); at != std::string::npos; at = s.find(kOpen, at + 1)) {
    const size_t begin = at + kOpen.size();
    if (at > 0 && s[at - 1] == '/') continue;  // a closing tag
    const size_t end = s.find(kClose, begin);
    if (end == std::string::npos) break;
    values.emplace_back(begin, end);
  }
  if (values.empty() || r.OneIn(3)) return LLVMFuzzerMutate(data, size, max_size);
  const auto [begin, end] = values[r.Below(static_cast<uint32_t>(values.size()))];
  auto cipher = crypto::Base64Decode(s.substr(begin, end - begin));
  if (!cipher || cipher->size() < 12 + crypto::aead::kGcmTagBytes) return LLVMFuzzerMutate(data, size, max_size);
  const ByteView iv = ByteView(*cipher).Sub(0, 12);
  auto plain = crypto::aead::Aes128GcmOpen(Keys().confidentiality, iv, ByteView(), ByteView(*cipher).Sub(12));
  if (!plain) return LLVMFuzzerMutate(data, size, max_size);
  Bytes p = plain->Expose();
  fuzz::MutateBytes(p, 64);
  auto sealed = crypto::aead::Aes128GcmSeal(Keys().confidentiality, iv, ByteView(), p);
  if (!sealed) return LLVMFuzzerMutate(data, size, max_size);
  Bytes out_cipher = iv.ToBytes();
  crypto::Append(out_cipher, *sealed);
  s.replace(begin, end - begin, crypto::Base64Encode(out_cipher));
  if (s.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  std::memcpy(data, s.data(), s.size());
  return s.size();
}
