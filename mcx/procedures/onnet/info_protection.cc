#include "mcx/procedures/onnet/info_protection.h"

#include <map>

namespace mcx::procedures {

namespace xmlsec = security::xmlsec;
using crypto::Error;

namespace {
constexpr const char* kInfoContentId = "mcpttinfo@mcx";  // the mcpttinfo part's Content-ID
}  // namespace

const std::vector<std::string>& ProtectedInfoElements() {
  static const std::vector<std::string> elements{"mcptt-request-uri", "mcptt-calling-user-id"};
  return elements;
}

xmlsec::SignallingKeys CskSignallingKeys(const security::StoredKey& csk, const std::string& user_uri) {
  return xmlsec::DeriveSignallingKeys(csk.key.view(), csk.key_id, user_uri);
}

xmlsec::KeyLookup CskKeyLookup(std::vector<const security::StoredKey*> csks, std::string user_uri) {
  auto derived = std::make_shared<std::map<uint32_t, xmlsec::SignallingKeys>>();
  return [csks = std::move(csks), user_uri = std::move(user_uri), derived](uint32_t xpk_id) -> const xmlsec::SignallingKeys* {
    if (auto it = derived->find(xpk_id); it != derived->end()) return &it->second;
    for (const security::StoredKey* k : csks)
      if (k && k->key_id == xpk_id) return &derived->emplace(xpk_id, CskSignallingKeys(*k, user_uri)).first->second;
    return nullptr;
  };
}

crypto::Status AddMcpttInfo(SipMessage& m, const McpttInfo& info, const xmlsec::SignallingKeys* keys, crypto::Rng& rng) {
  std::string xml = BuildMcpttInfo(info);
  if (!keys) {
    m.AddBody(kMcpttInfoContentType, crypto::ByteView(xml));
    return {};
  }
  // TS 33.180 9.3.2: the identities' content encrypted under FC 0x51's key; 9.3.3 / TS 24.379
  // F.6: the whole body signed under FC 0x52's, the signature naming the body's Content-ID.
  auto encrypted = xmlsec::EncryptElements(xml, ProtectedInfoElements(), *keys, rng);
  if (!encrypted) return encrypted.error();
  xml = std::move(encrypted).value();
  m.AddBody(kMcpttInfoContentType, crypto::ByteView(xml), kInfoContentId);
  const std::string signatures = xmlsec::SignBodies({{kInfoContentId, xml}}, *keys);
  m.AddBody(xmlsec::kSignedContentType, crypto::ByteView(signatures));
  return {};
}

crypto::Result<std::string> OpenMcpttInfo(const SipMessage& m, const xmlsec::KeyLookup* keys) {
  const SipBodyPart* info = nullptr;
  const SipBodyPart* signatures = nullptr;
  const std::vector<SipBodyPart> parts = m.Bodies();
  for (const SipBodyPart& p : parts) {
    if (p.content_type.rfind(kMcpttInfoContentType, 0) == 0 && !info) info = &p;
    if (p.content_type.rfind(xmlsec::kSignedContentType, 0) == 0 && !signatures) signatures = &p;
  }
  if (!info) return Error::kMissingPayload;
  std::string xml(info->data.begin(), info->data.end());
  if (!keys) return xml;
  if (!signatures || info->content_id.empty()) return Error::kMissingPayload;
  const std::string sig(signatures->data.begin(), signatures->data.end());
  if (crypto::Status st = xmlsec::VerifyBodies(sig, {{info->content_id, xml}}, *keys); !st.ok()) return st.error();
  return xmlsec::DecryptElements(xml, *keys);
}

}  // namespace mcx::procedures
