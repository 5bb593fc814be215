// TS 33.180 Annex D XML: KmsResponse (KmsInit, KmsKeyProv, KmsCertCache) and the KMS Redirect
// Response, written and parsed with libxml2.
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <cstring>
#include <memory>

#include "mcx/crypto/base64.h"
#include "mcx/security/kms.h"

namespace mcx::security::kms {
using crypto::Base64Decode;
using crypto::FromHex;

namespace {

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

struct DocFree {
  void operator()(xmlDoc* d) const { xmlFreeDoc(d); }
};
using Doc = std::unique_ptr<xmlDoc, DocFree>;

// ---- writing ----

class Writer {
 public:
  Writer(const char* root, const char* ns) : doc_(xmlNewDoc(X("1.0"))) {
    root_ = xmlNewNode(nullptr, X(root));
    ns_ = xmlNewNs(root_, X(ns), nullptr);
    xmlSetNs(root_, ns_);
    xmlDocSetRootElement(doc_.get(), root_);
  }
  xmlNode* root() { return root_; }
  xmlNode* Add(xmlNode* parent, const char* name) { return xmlNewChild(parent, ns_, X(name), nullptr); }
  void Text(xmlNode* parent, const char* name, const std::string& value) {
    xmlNewTextChild(parent, ns_, X(name), X(value.c_str()));
  }
  void Optional(xmlNode* parent, const char* name, const std::string& value) {
    if (!value.empty()) Text(parent, name, value);
  }
  static void Attr(xmlNode* n, const char* name, const std::string& value) {
    xmlNewProp(n, X(name), X(value.c_str()));
  }
  std::string Dump() {
    xmlChar* buf = nullptr;
    int size = 0;
    xmlDocDumpFormatMemoryEnc(doc_.get(), &buf, &size, "UTF-8", 1);
    std::string out(reinterpret_cast<char*>(buf), static_cast<size_t>(size));
    xmlFree(buf);
    return out;
  }

 private:
  Doc doc_;
  xmlNode* root_;
  xmlNs* ns_;
};

std::string UpperHex(ByteView b) {
  std::string h = ToHex(b);
  for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return h;
}

void WriteCertificate(Writer& w, xmlNode* parent, const Certificate& c) {
  xmlNode* n = w.Add(parent, "KmsCertificate");
  Writer::Attr(n, "Version", c.version);
  Writer::Attr(n, "Role", c.role);
  if (!c.id.empty()) Writer::Attr(n, "Id", c.id);
  w.Optional(n, "CertUri", c.cert_uri);
  w.Text(n, "KmsUri", c.kms_uri);
  w.Optional(n, "Issuer", c.issuer);
  w.Optional(n, "ValidFrom", c.valid_from);
  w.Optional(n, "ValidTo", c.valid_to);
  if (c.revoked) w.Text(n, "Revoked", *c.revoked ? "true" : "false");
  w.Text(n, "UserIdFormat", c.user_id_format);
  w.Text(n, "UserKeyPeriod", std::to_string(c.user_key_period));
  w.Text(n, "UserKeyOffset", std::to_string(c.user_key_offset));
  w.Text(n, "PubEncKey", UpperHex(c.pub_enc_key));
  w.Text(n, "PubAuthKey", UpperHex(c.pub_auth_key));
  w.Optional(n, "ParameterSet", c.parameter_set);
  if (!c.kms_domains.empty()) {
    xmlNode* list = w.Add(n, "KmsDomainList");
    for (const auto& d : c.kms_domains) w.Text(list, "KmsDomain", d);
  }
}

void WriteKeySet(Writer& w, xmlNode* parent, const KeySet& k) {
  xmlNode* n = w.Add(parent, "KmsKeySet");
  Writer::Attr(n, "Version", k.version);
  w.Text(n, "KmsUri", k.kms_uri);
  w.Optional(n, "CertUri", k.cert_uri);
  w.Optional(n, "Issuer", k.issuer);
  w.Text(n, "UserUri", k.user_uri);
  w.Text(n, "UserID", UpperHex(k.user_id));
  w.Optional(n, "ValidFrom", k.valid_from);
  w.Optional(n, "ValidTo", k.valid_to);
  w.Text(n, "KeyPeriodNo", std::to_string(k.key_period_no));
  if (k.revoked) w.Text(n, "Revoked", *k.revoked ? "true" : "false");
  w.Text(n, "UserDecryptKey", UpperHex(k.rsk));
  w.Text(n, "UserSigningKeySSK", UpperHex(k.ssk));
  w.Text(n, "UserPubTokenPVT", UpperHex(k.pvt));
}

// ---- reading ----

bool Is(const xmlNode* n, const char* name, const char* ns) {
  return n && n->type == XML_ELEMENT_NODE && std::strcmp(reinterpret_cast<const char*>(n->name), name) == 0 &&
         n->ns && std::strcmp(reinterpret_cast<const char*>(n->ns->href), ns) == 0;
}

const xmlNode* Child(const xmlNode* parent, const char* name, const char* ns = kNamespace) {
  for (const xmlNode* c = parent->children; c; c = c->next)
    if (Is(c, name, ns)) return c;
  return nullptr;
}

std::vector<const xmlNode*> Children(const xmlNode* parent, const char* name, const char* ns = kNamespace) {
  std::vector<const xmlNode*> out;
  for (const xmlNode* c = parent->children; c; c = c->next)
    if (Is(c, name, ns)) out.push_back(c);
  return out;
}

bool HasElementChildren(const xmlNode* n) {
  for (const xmlNode* c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) return true;
  return false;
}

std::string Content(const xmlNode* n) {
  xmlChar* t = xmlNodeGetContent(n);
  std::string s = t ? reinterpret_cast<char*>(t) : "";
  xmlFree(t);
  const auto b = s.find_first_not_of(" \t\r\n");
  const auto e = s.find_last_not_of(" \t\r\n");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

std::string Attr(const xmlNode* n, const char* name) {
  xmlChar* v = xmlGetProp(n, X(name));
  std::string s = v ? reinterpret_cast<char*>(v) : "";
  xmlFree(v);
  return s;
}

/// Reads elements into a struct, remembering the first error.
class Reader {
 public:
  explicit Reader(const xmlNode* n, const char* ns = kNamespace) : n_(n), ns_(ns) {}
  std::string Text(const char* name, bool required = true) {
    const xmlNode* c = Child(n_, name, ns_);
    if (!c) {
      if (required) Fail(Error::kXmlMissingElement);
      return "";
    }
    return Content(c);
  }
  uint64_t Number(const char* name) {
    std::string s = Text(name);
    if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 19) {
      if (!failed_) Fail(Error::kXmlBadValue);
      return 0;
    }
    return std::stoull(s);
  }
  Bytes Key(const char* name, size_t len) {
    const xmlNode* c = Child(n_, name, ns_);
    if (!c) {
      Fail(Error::kXmlMissingElement);
      return {};
    }
    if (HasElementChildren(c)) {  // EncKeyContentType: TrK-encrypted keys are not supported
      Fail(Error::kUnsupportedValue);
      return {};
    }
    auto b = FromHex(Content(c));
    if (!b || (len && b->size() != len)) {
      Fail(Error::kXmlBadValue);
      return {};
    }
    return *b;
  }
  std::optional<bool> Bool(const char* name) {
    const xmlNode* c = Child(n_, name, ns_);
    if (!c) return std::nullopt;
    std::string s = Content(c);
    if (s == "true" || s == "1") return true;
    if (s == "false" || s == "0") return false;
    Fail(Error::kXmlBadValue);
    return std::nullopt;
  }
  void Fail(Error e) {
    if (!failed_) err_ = e;
    failed_ = true;
  }
  Status status() const { return failed_ ? Status(err_) : Status::Ok(); }

 private:
  const xmlNode* n_;
  const char* ns_;
  bool failed_ = false;
  Error err_ = Error::kXmlMalformed;
};

Result<Certificate> ReadCertificate(const xmlNode* n) {
  Reader r(n);
  Certificate c;
  c.version = Attr(n, "Version");
  c.role = Attr(n, "Role");
  c.id = Attr(n, "Id");
  c.cert_uri = r.Text("CertUri", false);
  c.kms_uri = r.Text("KmsUri");
  c.issuer = r.Text("Issuer", false);
  c.valid_from = r.Text("ValidFrom", false);
  c.valid_to = r.Text("ValidTo", false);
  c.revoked = r.Bool("Revoked");
  c.user_id_format = r.Text("UserIdFormat");
  c.user_key_period = r.Number("UserKeyPeriod");
  c.user_key_offset = r.Number("UserKeyOffset");
  c.pub_enc_key = r.Key("PubEncKey", sakke::kPointBytes);
  c.pub_auth_key = r.Key("PubAuthKey", eccsi::kPointBytes);
  c.parameter_set = r.Text("ParameterSet", false);
  if (const xmlNode* list = Child(n, "KmsDomainList"))
    for (const xmlNode* d : Children(list, "KmsDomain")) c.kms_domains.push_back(Content(d));
  MCX_TRY(r.status());
  return c;
}

Result<KeySet> ReadKeySet(const xmlNode* n) {
  Reader r(n);
  KeySet k;
  k.version = Attr(n, "Version");
  k.kms_uri = r.Text("KmsUri");
  k.cert_uri = r.Text("CertUri", false);
  k.issuer = r.Text("Issuer", false);
  k.user_uri = r.Text("UserUri");
  // UserID: hex as Streamwide writes it; base64 is accepted too (a reading some KMSs use).
  std::string uid = r.Text("UserID");
  if (auto hex = FromHex(uid); hex && hex->size() == kUidBytes) {
    k.user_id = *hex;
  } else if (auto b64 = Base64Decode(uid); b64 && b64->size() == kUidBytes) {
    k.user_id = *b64;
  } else if (r.status().ok()) {
    r.Fail(Error::kXmlBadValue);
  }
  k.valid_from = r.Text("ValidFrom", false);
  k.valid_to = r.Text("ValidTo", false);
  k.key_period_no = r.Number("KeyPeriodNo");
  k.revoked = r.Bool("Revoked");
  k.rsk = r.Key("UserDecryptKey", sakke::kPointBytes);
  k.ssk = SecretBytes(r.Key("UserSigningKeySSK", eccsi::kScalarBytes));
  k.pvt = r.Key("UserPubTokenPVT", eccsi::kPointBytes);
  MCX_TRY(r.status());
  return k;
}

Result<Doc> ParseDoc(std::string_view xml) {
  Doc doc(xmlReadMemory(xml.data(), static_cast<int>(xml.size()), "kms.xml", nullptr,
                        XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR | XML_PARSE_NOWARNING));
  if (!doc || !xmlDocGetRootElement(doc.get())) return Error::kXmlMalformed;
  return doc;
}

void WriteRedirectInto(Writer& w, xmlNode* n, const RedirectResponse& r) {
  Writer::Attr(n, "Id", r.id);
  Writer::Attr(n, "Version", "1.0.0");
  w.Text(n, "UserUri", r.user_uri);
  w.Text(n, "KmsUri", r.kms_uri);
  w.Text(n, "Time", r.time);
  w.Text(n, "RejectedKmsUri", r.rejected_kms_uri);
  xmlNode* list = w.Add(n, "ProposedKmsUriList");
  for (const auto& u : r.proposed_kms_uris) w.Text(list, "KmsUri", u);
  for (const auto& inner : r.nested) WriteRedirectInto(w, w.Add(n, "KmsRedirectResponse"), inner);
}

Result<RedirectResponse> ReadRedirect(const xmlNode* n, int depth) {
  if (depth > 8) return Error::kXmlBadValue;  // bounded nesting
  Reader r(n, kKrrNamespace);
  RedirectResponse k;
  k.id = Attr(n, "Id");
  k.user_uri = r.Text("UserUri");
  k.kms_uri = r.Text("KmsUri");
  k.time = r.Text("Time");
  k.rejected_kms_uri = r.Text("RejectedKmsUri");
  MCX_TRY(r.status());
  const xmlNode* list = Child(n, "ProposedKmsUriList", kKrrNamespace);
  if (!list) return Error::kXmlMissingElement;
  for (const xmlNode* u : Children(list, "KmsUri", kKrrNamespace)) k.proposed_kms_uris.push_back(Content(u));
  for (const xmlNode* inner : Children(n, "KmsRedirectResponse", kKrrNamespace)) {
    auto in = ReadRedirect(inner, depth + 1);
    if (!in) return in.error();
    k.nested.push_back(std::move(in).value());
  }
  return k;
}

}  // namespace

std::string WriteRequest(const Request& r) {
  Writer w("KmsRequest", kNamespace);
  w.Text(w.root(), "UserUri", r.user_uri);
  w.Text(w.root(), "KmsUri", r.kms_uri);
  w.Text(w.root(), "Time", r.time);
  w.Optional(w.root(), "ClientId", r.client_id);
  w.Text(w.root(), "ClientReqUrl", r.client_req_url);
  return w.Dump();
}

Result<Request> ParseRequest(std::string_view xml) {
  auto doc = ParseDoc(xml);
  if (!doc) return doc.error();
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  if (!Is(root, "KmsRequest", kNamespace)) return Error::kXmlMalformed;
  Reader rd(root);
  Request r;
  r.user_uri = rd.Text("UserUri");
  r.kms_uri = rd.Text("KmsUri");
  r.time = rd.Text("Time");
  r.client_id = rd.Text("ClientId", false);
  r.client_req_url = rd.Text("ClientReqUrl");
  MCX_TRY(rd.status());
  return r;
}

std::string WriteResponse(const Response& r) {
  Writer w("KmsResponse", kNamespace);
  Writer::Attr(w.root(), "Id", r.id);
  Writer::Attr(w.root(), "Version", "1.0.0");
  w.Text(w.root(), "UserUri", r.user_uri);
  w.Text(w.root(), "KmsUri", r.kms_uri);
  w.Text(w.root(), "Time", r.time);
  w.Optional(w.root(), "KmsId", r.kms_id);
  w.Text(w.root(), "ClientReqUrl", r.client_req_url);
  xmlNode* msg = w.Add(w.root(), "KmsMessage");
  switch (r.kind) {
    case MessageKind::kInit: {
      xmlNode* n = w.Add(msg, "KmsInit");
      Writer::Attr(n, "Version", "1.0.0");
      for (const auto& c : r.certificates) WriteCertificate(w, n, c);
      break;
    }
    case MessageKind::kKeyProv: {
      xmlNode* n = w.Add(msg, "KmsKeyProv");
      Writer::Attr(n, "Version", "1.0.0");
      for (const auto& k : r.key_sets) WriteKeySet(w, n, k);
      break;
    }
    case MessageKind::kCertCache: {
      xmlNode* n = w.Add(msg, "KmsCertCache");
      Writer::Attr(n, "Version", "1.0.0");
      Writer::Attr(n, "CacheNum", std::to_string(r.cache_num));
      for (const auto& c : r.certificates) WriteCertificate(w, n, c);
      break;
    }
  }
  if (r.error) {
    xmlNode* e = w.Add(w.root(), "KmsError");
    w.Text(e, "ErrorCode", r.error->first);
    w.Text(e, "ErrorMsg", r.error->second);
  }
  return w.Dump();
}

Result<Response> ParseResponse(std::string_view xml) {
  auto doc = ParseDoc(xml);
  if (!doc) return doc.error();
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  if (Is(root, "SignedKmsResponse", kNamespace)) root = Child(root, "KmsResponse");
  if (!Is(root, "KmsResponse", kNamespace)) return Error::kXmlMalformed;
  Reader rd(root);
  Response r;
  r.id = Attr(root, "Id");
  r.user_uri = rd.Text("UserUri");
  r.kms_uri = rd.Text("KmsUri");
  r.time = rd.Text("Time");
  r.kms_id = rd.Text("KmsId", false);
  r.client_req_url = rd.Text("ClientReqUrl");
  MCX_TRY(rd.status());
  if (const xmlNode* e = Child(root, "KmsError")) {
    Reader er(e);
    r.error = std::make_pair(er.Text("ErrorCode", false), er.Text("ErrorMsg", false));
  }
  const xmlNode* msg = Child(root, "KmsMessage");
  if (!msg) {
    if (r.error) return r;  // an error response may carry no message
    return Error::kXmlMissingElement;
  }
  if (const xmlNode* n = Child(msg, "KmsInit")) {
    r.kind = MessageKind::kInit;
    const xmlNode* c = Child(n, "KmsCertificate");
    if (const xmlNode* s = Child(n, "SignedKmsCertificate"); !c && s) c = Child(s, "KmsCertificate");
    if (!c) return Error::kXmlMissingElement;
    auto cert = ReadCertificate(c);
    if (!cert) return cert.error();
    r.certificates.push_back(std::move(cert).value());
  } else if (const xmlNode* n = Child(msg, "KmsKeyProv")) {
    r.kind = MessageKind::kKeyProv;
    for (const xmlNode* k : Children(n, "KmsKeySet")) {
      auto ks = ReadKeySet(k);
      if (!ks) return ks.error();
      r.key_sets.push_back(std::move(ks).value());
    }
  } else if (const xmlNode* n = Child(msg, "KmsCertCache")) {
    r.kind = MessageKind::kCertCache;
    std::string num = Attr(n, "CacheNum");
    r.cache_num = num.empty() ? 0 : std::strtoull(num.c_str(), nullptr, 10);
    for (const xmlNode* c : Children(n, "KmsCertificate")) {
      auto cert = ReadCertificate(c);
      if (!cert) return cert.error();
      r.certificates.push_back(std::move(cert).value());
    }
  } else {
    return Error::kXmlMissingElement;
  }
  return r;
}

std::string WriteRedirect(const RedirectResponse& r) {
  Writer w("KmsRedirectResponse", kKrrNamespace);
  WriteRedirectInto(w, w.root(), r);
  return w.Dump();
}

Result<RedirectResponse> ParseRedirect(std::string_view xml) {
  auto doc = ParseDoc(xml);
  if (!doc) return doc.error();
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  if (!Is(root, "KmsRedirectResponse", kKrrNamespace)) return Error::kXmlMalformed;
  return ReadRedirect(root, 0);
}

}  // namespace mcx::security::kms
