#include "mcx/security/xml_protect.h"

#include <libxml/c14n.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>
#include <memory>

#include "mcx/crypto/aead.h"
#include "mcx/crypto/base64.h"
#include "mcx/crypto/hash.h"
#include "mcx/crypto/kdf.h"

namespace mcx::security::xmlsec {
using crypto::Append;
using crypto::AppendU32;
using crypto::Base64Decode;
using crypto::Base64Encode;
using crypto::ConstantTimeEqual;
using crypto::LoadU32;

namespace {

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }
struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;
constexpr size_t kIvBytes = 12;

Result<Doc> Parse(std::string_view xml) {
  Doc d(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "body.xml", nullptr,
                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!d || !xmlDocGetRootElement(d.get())) return Error::kXmlMalformed;
  return d;
}

std::string Dump(xmlDoc* d) {
  xmlChar* buf = nullptr;
  int size = 0;
  xmlDocDumpMemoryEnc(d, &buf, &size, "UTF-8");
  std::string s(reinterpret_cast<char*>(buf), static_cast<size_t>(size));
  xmlFree(buf);
  return s;
}

std::string Prop(xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, X(name));
  std::string s = v ? reinterpret_cast<char*>(v) : "";
  xmlFree(v);
  return s;
}

bool Named(const xmlNode* n, const char* name, const char* ns) {
  return n && n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0 &&
         n->ns && std::strcmp(reinterpret_cast<const char*>(n->ns->href), ns) == 0;
}

xmlNode* Find(xmlNode* n, const char* name, const char* ns) {
  for (xmlNode* c = n ? n->children : nullptr; c; c = c->next) {
    if (Named(c, name, ns)) return c;
    if (xmlNode* deep = Find(c, name, ns)) return deep;
  }
  return nullptr;
}

std::string Text(xmlNode* n) {
  xmlChar* t = xmlNodeGetContent(n);
  std::string s = t ? reinterpret_cast<char*>(t) : "";
  xmlFree(t);
  return s;
}

std::string KeyName(uint32_t id) {
  Bytes b;
  AppendU32(b, id);
  return Base64Encode(b);
}

Result<uint32_t> ParseKeyName(const std::string& s) {
  auto b = Base64Decode(s);
  if (!b || b->size() != 4) return Error::kXmlBadValue;
  return LoadU32(b->data());
}

/// Serialised children of an element (its content).
std::string InnerXml(xmlDoc* d, xmlNode* n) {
  std::unique_ptr<xmlBuffer, decltype(&xmlBufferFree)> buf(xmlBufferCreate(), xmlBufferFree);
  for (xmlNode* c = n->children; c; c = c->next) xmlNodeDump(buf.get(), d, c, 0, 0);
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buf.get())), xmlBufferLength(buf.get()));
}

void Collect(xmlNode* n, const std::vector<std::string>& names, std::vector<xmlNode*>& out) {
  for (xmlNode* c = n; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    for (const auto& name : names)
      if (name == reinterpret_cast<const char*>(c->name) && Prop(c, "type") == "Normal") out.push_back(c);
    Collect(c->children, names, out);
  }
}

void CollectEncrypted(xmlNode* n, std::vector<xmlNode*>& out) {
  for (xmlNode* c = n; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (Prop(c, "type") == "Encrypted") out.push_back(c);
    else CollectEncrypted(c->children, out);
  }
}

void RemoveChildren(xmlNode* n) {
  while (n->children) {
    xmlNode* c = n->children;
    xmlUnlinkNode(c);
    xmlFreeNode(c);
  }
}

/// Inclusive C14N of one element (the SignedInfo) and its subtree.
Bytes Canonical(xmlDoc* d, xmlNode* apex) {
  struct Ctx {
    xmlNode* apex;
  } ctx{apex};
  auto visible = [](void* user, xmlNodePtr node, xmlNodePtr parent) -> int {
    xmlNode* a = static_cast<Ctx*>(user)->apex;
    for (xmlNode* p = node->type == XML_NAMESPACE_DECL ? parent : node; p; p = p->parent)
      if (p == a) return 1;
    return 0;
  };
  xmlOutputBufferPtr out = xmlAllocOutputBuffer(nullptr);
  xmlC14NExecute(d, visible, &ctx, XML_C14N_1_0, nullptr, 0, out);
  Bytes b(xmlOutputBufferGetContent(out), xmlOutputBufferGetContent(out) + xmlOutputBufferGetSize(out));
  xmlOutputBufferClose(out);
  return b;
}

}  // namespace

SignallingKeys DeriveSignallingKeys(ByteView xpk, uint32_t xpk_id, std::string_view user_id) {
  return SignallingKeys{kdf::SignallingConfidentialityKey(xpk, user_id, xpk_id),
                        kdf::SignallingIntegrityKey(xpk, user_id, xpk_id), xpk_id};
}

Result<std::string> EncryptElements(std::string_view xml, const std::vector<std::string>& elements,
                                    const SignallingKeys& keys, Rng& rng, size_t* encrypted) {
  auto doc = Parse(xml);
  if (!doc) return doc.error();
  std::vector<xmlNode*> targets;
  Collect(xmlDocGetRootElement(doc->get()), elements, targets);
  for (xmlNode* n : targets) {
    const std::string plain = InnerXml(doc->get(), n);
    Bytes iv(kIvBytes);
    MCX_TRY(rng.Fill(iv.data(), iv.size()));
    auto sealed = aead::Aes128GcmSeal(keys.confidentiality, iv, ByteView(), ByteView(plain));
    if (!sealed) return sealed.error();
    Bytes cipher = iv;
    Append(cipher, *sealed);
    RemoveChildren(n);
    xmlSetProp(n, X("type"), X("Encrypted"));
    xmlNode* ed = xmlNewChild(n, nullptr, X("EncryptedData"), nullptr);
    xmlNs* xenc = xmlNewNs(ed, X(kXencNs), X("xenc"));
    xmlSetNs(ed, xenc);
    xmlNewProp(ed, X("Type"), X(kContentTypeUri));
    xmlNode* em = xmlNewChild(ed, xenc, X("EncryptionMethod"), nullptr);
    xmlNewProp(em, X("Algorithm"), X(kAes128GcmUri));
    xmlNode* ki = xmlNewChild(ed, nullptr, X("KeyInfo"), nullptr);
    xmlNs* ds = xmlNewNs(ki, X(kDsNs), X("ds"));
    xmlSetNs(ki, ds);
    xmlNewTextChild(ki, ds, X("KeyName"), X(KeyName(keys.xpk_id).c_str()));
    xmlNode* cd = xmlNewChild(ed, xenc, X("CipherData"), nullptr);
    xmlNewTextChild(cd, xenc, X("CipherValue"), X(Base64Encode(cipher).c_str()));
  }
  if (encrypted) *encrypted = targets.size();
  return Dump(doc->get());
}

Result<std::string> DecryptElements(std::string_view xml, const KeyLookup& keys) {
  auto doc = Parse(xml);
  if (!doc) return doc.error();
  std::vector<xmlNode*> targets;
  CollectEncrypted(xmlDocGetRootElement(doc->get()), targets);
  for (xmlNode* n : targets) {
    xmlNode* ed = Find(n, "EncryptedData", kXencNs);
    xmlNode* em = Find(ed, "EncryptionMethod", kXencNs);
    xmlNode* kn = Find(ed, "KeyName", kDsNs);
    xmlNode* cv = Find(ed, "CipherValue", kXencNs);
    if (!ed || !em || !kn || !cv) return Error::kXmlMalformed;
    if (Prop(em, "Algorithm") != kAes128GcmUri) return Error::kXmlBadValue;
    auto id = ParseKeyName(Text(kn));
    if (!id) return id.error();
    const SignallingKeys* k = keys(*id);
    if (k == nullptr) return Error::kUnknownMki;
    auto cipher = Base64Decode(Text(cv));
    if (!cipher || cipher->size() < kIvBytes + aead::kGcmTagBytes) return Error::kXmlBadValue;
    auto plain = aead::Aes128GcmOpen(k->confidentiality, ByteView(*cipher).Sub(0, kIvBytes), ByteView(),
                                     ByteView(*cipher).Sub(kIvBytes));
    if (!plain) return plain.error();
    RemoveChildren(n);
    xmlSetProp(n, X("type"), X("Normal"));
    xmlNode* list = nullptr;
    if (plain->size() > 0 &&
        xmlParseInNodeContext(n, reinterpret_cast<const char*>(plain->data()), static_cast<int>(plain->size()),
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING, &list) != XML_ERR_OK)
      return Error::kXmlMalformed;
    for (xmlNode* c = list; c;) {
      xmlNode* next = c->next;
      xmlUnlinkNode(c);
      xmlAddChild(n, c);
      c = next;
    }
  }
  return Dump(doc->get());
}

std::string SignBodies(const std::vector<MimeBody>& bodies, const SignallingKeys& keys) {
  Doc doc(xmlNewDoc(X("1.0")));
  xmlNode* root = xmlNewNode(nullptr, X("signatures"));
  xmlSetNs(root, xmlNewNs(root, X(kSignedDocNs), nullptr));
  xmlNs* ds = xmlNewNs(root, X(kDsNs), X("ds"));
  xmlDocSetRootElement(doc.get(), root);
  int n = 0;
  for (const auto& b : bodies) {
    xmlNode* sig = xmlNewChild(root, ds, X("Signature"), nullptr);
    xmlNewProp(sig, X("Id"), X(("signature" + std::to_string(++n)).c_str()));
    xmlNode* si = xmlNewChild(sig, ds, X("SignedInfo"), nullptr);
    xmlNewProp(xmlNewChild(si, ds, X("CanonicalizationMethod"), nullptr), X("Algorithm"), X(kC14nUri));
    xmlNewProp(xmlNewChild(si, ds, X("SignatureMethod"), nullptr), X("Algorithm"), X(kHmacSha256Uri));
    xmlNode* ref = xmlNewChild(si, ds, X("Reference"), nullptr);
    xmlNewProp(ref, X("URI"), X(("cid:" + b.content_id).c_str()));
    xmlNewProp(xmlNewChild(ref, ds, X("DigestMethod"), nullptr), X("Algorithm"), X(kSha256Uri));
    xmlNewTextChild(ref, ds, X("DigestValue"), X(Base64Encode(Sha256(ByteView(b.content))).c_str()));
    const Bytes mac = HmacSha256(keys.integrity, Canonical(doc.get(), si));
    xmlNewTextChild(sig, ds, X("SignatureValue"), X(Base64Encode(mac).c_str()));
    xmlNode* ki = xmlNewChild(sig, ds, X("KeyInfo"), nullptr);
    xmlNewTextChild(ki, ds, X("KeyName"), X(KeyName(keys.xpk_id).c_str()));
  }
  return Dump(doc.get());
}

Status VerifyBodies(std::string_view signatures_xml, const std::vector<MimeBody>& bodies, const KeyLookup& keys) {
  auto doc = Parse(signatures_xml);
  if (!doc) return doc.error();
  xmlNode* root = xmlDocGetRootElement(doc->get());
  if (!Named(root, "signatures", kSignedDocNs)) return Error::kXmlMalformed;
  for (const auto& b : bodies) {
    bool found = false;
    for (xmlNode* sig = root->children; sig; sig = sig->next) {
      if (!Named(sig, "Signature", kDsNs)) continue;
      xmlNode* si = Find(sig, "SignedInfo", kDsNs);
      xmlNode* ref = Find(si, "Reference", kDsNs);
      if (!si || !ref || Prop(ref, "URI") != "cid:" + b.content_id) continue;
      found = true;
      xmlNode* dv = Find(ref, "DigestValue", kDsNs);
      xmlNode* sv = Find(sig, "SignatureValue", kDsNs);
      xmlNode* kn = Find(sig, "KeyName", kDsNs);
      xmlNode* sm = Find(si, "SignatureMethod", kDsNs);
      if (!dv || !sv || !kn || !sm) return Error::kXmlMalformed;
      if (Prop(sm, "Algorithm") != kHmacSha256Uri) return Error::kXmlBadValue;
      auto id = ParseKeyName(Text(kn));
      if (!id) return id.error();
      const SignallingKeys* k = keys(*id);
      if (k == nullptr) return Error::kUnknownMki;
      auto digest = Base64Decode(Text(dv));
      auto mac = Base64Decode(Text(sv));
      if (!digest || !mac) return Error::kXmlBadValue;
      if (!ConstantTimeEqual(*digest, Sha256(ByteView(b.content)))) return Error::kSignatureInvalid;
      if (!ConstantTimeEqual(*mac, HmacSha256(k->integrity, Canonical(doc->get(), si)))) return Error::kSignatureInvalid;
    }
    if (!found) return Error::kMissingPayload;
  }
  return Status::Ok();
}

}  // namespace mcx::security::xmlsec
