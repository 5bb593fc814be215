// TS 33.180 Annex D XML: KmsResponse (KmsInit, KmsKeyProv, KmsCertCache) and the KMS Redirect
// Response, written and parsed with the libxml2 wrapper (xml_doc.h).
#include <cctype>
#include <cstdlib>

#include "mcx/crypto/base64.h"
#include "mcx/security/kms.h"
#include "mcx/security/xml_doc.h"

namespace mcx::security::kms {
using crypto::Base64Decode;
using crypto::FromHex;

namespace {

using xml::Document;
using xml::Node;

// ---- writing ----

/// A document whose elements are all in the root's namespace, indented.
class Writer {
 public:
  Writer(const char* root, const char* ns) : doc_(Document::Create(root, ns)), ns_(doc_.Root().Namespace()) {}
  Node root() { return doc_.Root(); }
  Node Add(Node parent, const char* name) { return parent.AddChild(name, ns_); }
  void Text(Node parent, const char* name, const std::string& value) { parent.AddTextChild(name, value, ns_); }
  void Optional(Node parent, const char* name, const std::string& value) {
    if (!value.empty()) Text(parent, name, value);
  }
  static void Attr(Node n, const char* name, const std::string& value) { n.SetAttr(name, value); }
  std::string Dump() const { return doc_.Serialize(Document::Layout::kIndented); }

 private:
  Document doc_;
  xml::Ns ns_;
};

std::string UpperHex(ByteView b) {
  std::string h = ToHex(b);
  for (char& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return h;
}

void WriteCertificate(Writer& w, Node parent, const Certificate& c) {
  Node n = w.Add(parent, "KmsCertificate");
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
    Node list = w.Add(n, "KmsDomainList");
    for (const auto& d : c.kms_domains) w.Text(list, "KmsDomain", d);
  }
}

void WriteKeySet(Writer& w, Node parent, const KeySet& k) {
  Node n = w.Add(parent, "KmsKeySet");
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
  for (auto [name, key] : {std::pair<const char*, ByteView>{"UserDecryptKey", k.rsk}, {"UserSigningKeySSK", k.ssk}}) {
    std::string hex = UpperHex(key);
    w.Text(n, name, hex);
    crypto::SecureWipe(hex.data(), hex.size());  // the document holds it now; no other copy
  }
  w.Text(n, "UserPubTokenPVT", UpperHex(k.pvt));
}

// ---- reading ----

/// An element's text without surrounding whitespace.
std::string Content(Node n) {
  std::string s = n.Text();
  const auto b = s.find_first_not_of(" \t\r\n");
  const auto e = s.find_last_not_of(" \t\r\n");
  std::string out = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  crypto::SecureWipe(s.data(), s.size());  // the text may be a key (UserDecryptKey, SSK)
  return out;
}

/// Reads elements into a struct, remembering the first error.
class Reader {
 public:
  explicit Reader(Node n, const char* ns = kNamespace) : n_(n), ns_(ns) {}
  std::string Text(const char* name, bool required = true) {
    Node c = n_.Child(name, ns_);
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
    Node c = n_.Child(name, ns_);
    if (!c) {
      Fail(Error::kXmlMissingElement);
      return {};
    }
    if (c.HasElementChildren()) {  // EncKeyContentType: TrK-encrypted keys are not supported
      Fail(Error::kUnsupportedValue);
      return {};
    }
    std::string text = Content(c);
    auto b = FromHex(text);
    crypto::SecureWipe(text.data(), text.size());  // the hex of a key (RSK, SSK): no copy left behind
    if (!b || (len && b->size() != len)) {
      if (b) crypto::SecureWipe(b->data(), b->size());
      Fail(Error::kXmlBadValue);
      return {};
    }
    return std::move(*b);  // moved into the KeySet's SecretBytes by the caller
  }
  std::optional<bool> Bool(const char* name) {
    Node c = n_.Child(name, ns_);
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
  Node n_;
  const char* ns_;
  bool failed_ = false;
  Error err_ = Error::kXmlMalformed;
};

Result<Certificate> ReadCertificate(Node n) {
  Reader r(n);
  Certificate c;
  c.version = n.Attr("Version");
  c.role = n.Attr("Role");
  c.id = n.Attr("Id");
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
  if (Node list = n.Child("KmsDomainList", kNamespace))
    for (Node d : list.Children("KmsDomain", kNamespace)) c.kms_domains.push_back(Content(d));
  MCX_TRY(r.status());
  return c;
}

Result<KeySet> ReadKeySet(Node n) {
  Reader r(n);
  KeySet k;
  k.version = n.Attr("Version");
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

Result<Document> ParseDoc(std::string_view xml) { return Document::Parse(xml, xml::BlankText::kDrop); }

void WriteRedirectInto(Writer& w, Node n, const RedirectResponse& r) {
  Writer::Attr(n, "Id", r.id);
  Writer::Attr(n, "Version", "1.0.0");
  w.Text(n, "UserUri", r.user_uri);
  w.Text(n, "KmsUri", r.kms_uri);
  w.Text(n, "Time", r.time);
  w.Text(n, "RejectedKmsUri", r.rejected_kms_uri);
  Node list = w.Add(n, "ProposedKmsUriList");
  for (const auto& u : r.proposed_kms_uris) w.Text(list, "KmsUri", u);
  for (const auto& inner : r.nested) WriteRedirectInto(w, w.Add(n, "KmsRedirectResponse"), inner);
}

Result<RedirectResponse> ReadRedirect(Node n, int depth) {
  if (depth > 8) return Error::kXmlBadValue;  // bounded nesting
  Reader r(n, kKrrNamespace);
  RedirectResponse k;
  k.id = n.Attr("Id");
  k.user_uri = r.Text("UserUri");
  k.kms_uri = r.Text("KmsUri");
  k.time = r.Text("Time");
  k.rejected_kms_uri = r.Text("RejectedKmsUri");
  MCX_TRY(r.status());
  Node list = n.Child("ProposedKmsUriList", kKrrNamespace);
  if (!list) return Error::kXmlMissingElement;
  for (Node u : list.Children("KmsUri", kKrrNamespace)) k.proposed_kms_uris.push_back(Content(u));
  for (Node inner : n.Children("KmsRedirectResponse", kKrrNamespace)) {
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
  Node root = doc->Root();
  if (!root.Is("KmsRequest", kNamespace)) return Error::kXmlMalformed;
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

namespace {

// The KmsMessage of a response (KmsInit, KmsKeyProv or KmsCertCache).
void WriteMessage(Writer& w, const Response& r) {
  Node msg = w.Add(w.root(), "KmsMessage");
  switch (r.kind) {
    case MessageKind::kInit: {
      Node n = w.Add(msg, "KmsInit");
      Writer::Attr(n, "Version", "1.0.0");
      for (const auto& c : r.certificates) WriteCertificate(w, n, c);
      break;
    }
    case MessageKind::kKeyProv: {
      Node n = w.Add(msg, "KmsKeyProv");
      Writer::Attr(n, "Version", "1.0.0");
      for (const auto& k : r.key_sets) WriteKeySet(w, n, k);
      break;
    }
    case MessageKind::kCertCache: {
      Node n = w.Add(msg, "KmsCertCache");
      Writer::Attr(n, "Version", "1.0.0");
      Writer::Attr(n, "CacheNum", std::to_string(r.cache_num));
      for (const auto& c : r.certificates) WriteCertificate(w, n, c);
      break;
    }
  }
}

}  // namespace

std::string WriteResponse(const Response& r) {
  Writer w("KmsResponse", kNamespace);
  Writer::Attr(w.root(), "Id", r.id);
  Writer::Attr(w.root(), "Version", "1.0.0");
  w.Text(w.root(), "UserUri", r.user_uri);
  w.Text(w.root(), "KmsUri", r.kms_uri);
  w.Text(w.root(), "Time", r.time);
  w.Optional(w.root(), "KmsId", r.kms_id);
  w.Text(w.root(), "ClientReqUrl", r.client_req_url);
  // An error response may have no KmsMessage; every other response has one.
  if (r.has_message || !r.error) WriteMessage(w, r);
  if (r.error) {
    Node e = w.Add(w.root(), "KmsError");
    w.Text(e, "ErrorCode", r.error->first);
    w.Text(e, "ErrorMsg", r.error->second);
  }
  return w.Dump();
}

Result<Response> ParseResponse(std::string_view xml) {
  auto doc = ParseDoc(xml);
  if (!doc) return doc.error();
  Node root = doc->Root();
  if (root.Is("SignedKmsResponse", kNamespace)) root = root.Child("KmsResponse", kNamespace);
  if (!root.Is("KmsResponse", kNamespace)) return Error::kXmlMalformed;
  Reader rd(root);
  Response r;
  r.id = root.Attr("Id");
  r.user_uri = rd.Text("UserUri");
  r.kms_uri = rd.Text("KmsUri");
  r.time = rd.Text("Time");
  r.kms_id = rd.Text("KmsId", false);
  r.client_req_url = rd.Text("ClientReqUrl");
  MCX_TRY(rd.status());
  if (Node e = root.Child("KmsError", kNamespace)) {
    Reader er(e);
    r.error = std::make_pair(er.Text("ErrorCode", false), er.Text("ErrorMsg", false));
  }
  Node msg = root.Child("KmsMessage", kNamespace);
  if (!msg) {
    r.has_message = false;
    if (r.error) return r;  // an error response may carry no message
    return Error::kXmlMissingElement;
  }
  if (Node n = msg.Child("KmsInit", kNamespace)) {
    r.kind = MessageKind::kInit;
    Node c = n.Child("KmsCertificate", kNamespace);
    if (Node s = n.Child("SignedKmsCertificate", kNamespace); !c && s) c = s.Child("KmsCertificate", kNamespace);
    if (!c) return Error::kXmlMissingElement;
    auto cert = ReadCertificate(c);
    if (!cert) return cert.error();
    r.certificates.push_back(std::move(cert).value());
  } else if (Node n = msg.Child("KmsKeyProv", kNamespace)) {
    r.kind = MessageKind::kKeyProv;
    for (Node k : n.Children("KmsKeySet", kNamespace)) {
      auto ks = ReadKeySet(k);
      if (!ks) return ks.error();
      r.key_sets.push_back(std::move(ks).value());
    }
  } else if (Node n = msg.Child("KmsCertCache", kNamespace)) {
    r.kind = MessageKind::kCertCache;
    std::string num = n.Attr("CacheNum");
    r.cache_num = num.empty() ? 0 : std::strtoull(num.c_str(), nullptr, 10);
    for (Node c : n.Children("KmsCertificate", kNamespace)) {
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
  Node root = doc->Root();
  if (!root.Is("KmsRedirectResponse", kKrrNamespace)) return Error::kXmlMalformed;
  return ReadRedirect(root, 0);
}

}  // namespace mcx::security::kms
