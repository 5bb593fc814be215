#include "mcx/security/xml_protect.h"

#include "mcx/crypto/aead.h"
#include "mcx/crypto/base64.h"
#include "mcx/crypto/hash.h"
#include "mcx/crypto/kdf.h"
#include "mcx/security/xml_doc.h"

namespace mcx::security::xmlsec {
using crypto::Append;
using crypto::AppendU32;
using crypto::Base64Decode;
using crypto::Base64Encode;
using crypto::ConstantTimeEqual;
using crypto::LoadU32;
using xml::Document;
using xml::Node;

namespace {

constexpr size_t kIvBytes = 12;

std::string KeyName(uint32_t id) {
  Bytes b;
  AppendU32(b, id);
  return Base64Encode(b);
}

/// The keys a ds:KeyName (base64 XPK-ID) names. Errors: kXmlBadValue, kUnknownMki.
Result<const SignallingKeys*> KeysNamed(Node key_name, const KeyLookup& keys) {
  auto b = Base64Decode(key_name.Text());
  if (!b || b->size() != 4) return Error::kXmlBadValue;
  const SignallingKeys* k = keys(LoadU32(b->data()));
  if (k == nullptr) return Error::kUnknownMki;
  return k;
}

/// The elements whose local name is in `names` and whose type is "Normal" (TS 24.379 contentType),
/// outermost first. The content of a match is encrypted with it, so elements inside a match are
/// not collected on their own.
std::vector<Node> ToEncrypt(Node root, const std::vector<std::string>& names) {
  std::vector<Node> out;
  xml::ForEachElement(root, [&](Node n) {
    for (const auto& name : names) {
      if (name == n.LocalName() && n.Attr("type") == "Normal") {
        out.push_back(n);
        return false;
      }
    }
    return true;
  });
  return out;
}

/// The elements with type="Encrypted", outermost first (an encrypted element's content is its
/// EncryptedData).
std::vector<Node> Encrypted(Node root) {
  std::vector<Node> out;
  xml::ForEachElement(root, [&](Node n) {
    if (n.Attr("type") != "Encrypted") return true;
    out.push_back(n);
    return false;
  });
  return out;
}

}  // namespace

SignallingKeys DeriveSignallingKeys(ByteView xpk, uint32_t xpk_id, std::string_view user_id) {
  return SignallingKeys{kdf::SignallingConfidentialityKey(xpk, user_id, xpk_id),
                        kdf::SignallingIntegrityKey(xpk, user_id, xpk_id), xpk_id};
}

Result<std::string> EncryptElements(std::string_view xml, const std::vector<std::string>& elements,
                                    const SignallingKeys& keys, Rng& rng, size_t* encrypted) {
  auto doc = Document::Parse(xml);
  if (!doc) return doc.error();
  const std::vector<Node> targets = ToEncrypt(doc->Root(), elements);
  for (Node n : targets) {
    const std::string plain = n.InnerXml();
    Bytes iv(kIvBytes);
    MCX_TRY(rng.Fill(iv.data(), iv.size()));
    auto sealed = aead::Aes128GcmSeal(keys.confidentiality, iv, ByteView(), ByteView(plain));
    if (!sealed) return sealed.error();
    Bytes cipher = iv;
    Append(cipher, *sealed);
    n.RemoveChildren();
    n.SetAttr("type", "Encrypted");
    Node ed = n.AddChild("EncryptedData");
    const xml::Ns xenc = ed.DeclareNs(kXencNs, "xenc");
    ed.SetNs(xenc);
    ed.SetAttr("Type", kContentTypeUri);
    ed.AddChild("EncryptionMethod", xenc).SetAttr("Algorithm", kAes128GcmUri);
    Node ki = ed.AddChild("KeyInfo");
    const xml::Ns ds = ki.DeclareNs(kDsNs, "ds");
    ki.SetNs(ds);
    ki.AddTextChild("KeyName", KeyName(keys.xpk_id), ds);
    ed.AddChild("CipherData", xenc).AddTextChild("CipherValue", Base64Encode(cipher), xenc);
  }
  if (encrypted) *encrypted = targets.size();
  return doc->Serialize();
}

Result<std::string> DecryptElements(std::string_view xml, const KeyLookup& keys) {
  auto doc = Document::Parse(xml);
  if (!doc) return doc.error();
  for (Node n : Encrypted(doc->Root())) {
    Node ed = n.Find("EncryptedData", kXencNs);
    Node em = ed.Find("EncryptionMethod", kXencNs);
    Node kn = ed.Find("KeyName", kDsNs);
    Node cv = ed.Find("CipherValue", kXencNs);
    if (!ed || !em || !kn || !cv) return Error::kXmlMalformed;
    if (em.Attr("Algorithm") != kAes128GcmUri) return Error::kXmlBadValue;
    auto named = KeysNamed(kn, keys);
    if (!named) return named.error();
    const SignallingKeys* k = *named;
    auto cipher = Base64Decode(cv.Text());
    if (!cipher || cipher->size() < kIvBytes + aead::kGcmTagBytes) return Error::kXmlBadValue;
    auto plain = aead::Aes128GcmOpen(k->confidentiality, ByteView(*cipher).Sub(0, kIvBytes), ByteView(),
                                     ByteView(*cipher).Sub(kIvBytes));
    if (!plain) return plain.error();
    n.RemoveChildren();
    n.SetAttr("type", "Normal");
    MCX_TRY(n.AppendParsed(std::string_view(reinterpret_cast<const char*>(plain->data()), plain->size())));
  }
  return doc->Serialize();
}

std::string SignBodies(const std::vector<MimeBody>& bodies, const SignallingKeys& keys) {
  Document doc = Document::Create("signatures", kSignedDocNs);
  Node root = doc.Root();
  const xml::Ns ds = root.DeclareNs(kDsNs, "ds");
  int n = 0;
  for (const auto& b : bodies) {
    Node sig = root.AddChild("Signature", ds);
    sig.SetAttr("Id", "signature" + std::to_string(++n));
    Node si = sig.AddChild("SignedInfo", ds);
    si.AddChild("CanonicalizationMethod", ds).SetAttr("Algorithm", kC14nUri);
    si.AddChild("SignatureMethod", ds).SetAttr("Algorithm", kHmacSha256Uri);
    Node ref = si.AddChild("Reference", ds);
    ref.SetAttr("URI", "cid:" + b.content_id);
    ref.AddChild("DigestMethod", ds).SetAttr("Algorithm", kSha256Uri);
    ref.AddTextChild("DigestValue", Base64Encode(Sha256(ByteView(b.content))), ds);
    const Bytes mac = HmacSha256(keys.integrity, si.Canonical());
    sig.AddTextChild("SignatureValue", Base64Encode(mac), ds);
    sig.AddChild("KeyInfo", ds).AddTextChild("KeyName", KeyName(keys.xpk_id), ds);
  }
  return doc.Serialize();
}

Status VerifyBodies(std::string_view signatures_xml, const std::vector<MimeBody>& bodies, const KeyLookup& keys) {
  auto doc = Document::Parse(signatures_xml);
  if (!doc) return doc.error();
  Node root = doc->Root();
  if (!root.Is("signatures", kSignedDocNs)) return Error::kXmlMalformed;
  for (const auto& b : bodies) {
    bool found = false;
    for (Node sig : root.Children("Signature", kDsNs)) {
      Node si = sig.Find("SignedInfo", kDsNs);
      Node ref = si.Find("Reference", kDsNs);
      if (!si || !ref || ref.Attr("URI") != "cid:" + b.content_id) continue;
      found = true;
      Node dv = ref.Find("DigestValue", kDsNs);
      Node sv = sig.Find("SignatureValue", kDsNs);
      Node kn = sig.Find("KeyName", kDsNs);
      Node sm = si.Find("SignatureMethod", kDsNs);
      if (!dv || !sv || !kn || !sm) return Error::kXmlMalformed;
      if (sm.Attr("Algorithm") != kHmacSha256Uri) return Error::kXmlBadValue;
      auto named = KeysNamed(kn, keys);
      if (!named) return named.error();
      const SignallingKeys* k = *named;
      auto digest = Base64Decode(dv.Text());
      auto mac = Base64Decode(sv.Text());
      if (!digest || !mac) return Error::kXmlBadValue;
      if (!ConstantTimeEqual(*digest, Sha256(ByteView(b.content)))) return Error::kSignatureInvalid;
      if (!ConstantTimeEqual(*mac, HmacSha256(k->integrity, si.Canonical()))) return Error::kSignatureInvalid;
    }
    if (!found) return Error::kMissingPayload;
  }
  return Status::Ok();
}

}  // namespace mcx::security::xmlsec
