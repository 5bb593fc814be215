#include "mcx/procedures/onnet/mcx_server.h"

#include <algorithm>

#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/transport/sip_util.h"

namespace mcx::procedures {
namespace mikey_sakke = security::mikey_sakke;

using namespace crypto;
using namespace security;

McxServer::McxServer(Host& host, SipStack& sip, McxServerConfig cfg, Provisioned identity,
                     security::KeyStore& keys)
    : host_(host), sip_(sip), cfg_(std::move(cfg)), id_(std::move(identity)), store_(keys) {
  store_.PutIdentity(id_.identity);
  store_.PutKms(*id_.kms);
}

void McxServer::OnSipRequest(const Endpoint& from, const SipMessage& req) {
  const std::string m = req.Method();
  if (m == "SUBSCRIBE" && req.RequestUri() == cfg_.gms_uri) {  // proxy towards the GMS
    SipMessage fwd = req;
    fwd.AddVia("SIP/2.0/" + std::string(sip_.tcp() ? "TCP " : "UDP ") + host_.SipSelf().ToString() +
               ";branch=" + kBranchMagic + sip_.NewToken());
    sip_.Forward(cfg_.gms_sip, fwd);
    return;
  }
  if (m == "REGISTER") {
    // RFC 3261 10.3: a binding the registrar cannot use is refused before anything else is done
    // (the CSK upload's SAKKE and ECCSI work included); a REGISTER without Contact binds nothing.
    const std::string contact_uri = req.ContactUri();
    const std::optional<Endpoint> contact = EndpointFromUri(contact_uri);
    if (!contact_uri.empty() && !contact) {
      if (on_error) on_error("register_bad_contact");
      sip_.SendResponse(from, Refusal(400, "Bad Request", req, "bad_contact"));
      return;
    }
    std::string result = "ok";
    if (auto mikey = req.Body(kMikeyContentType)) {  // 5.4 CSK upload to the MDSI
      auto r = mikey_sakke::ProcessIMessage(
          *mikey, *id_.identity, id_.ReceiveContextFor(host_.UnixTime(), mikey_sakke::Distribution::kCskUpload, {req.FromUri()}));
      if (!r) result = ErrorName(r.error());
      else if (Status st = store_.Accept(*r); !st.ok()) result = ErrorName(st.error());
    }
    if (result != "ok") {
      if (on_error) on_error("csk_upload_" + result);
      sip_.SendResponse(from, Refusal(488, "Not Acceptable Here", req, result));
      return;
    }
    if (contact) contacts_[req.FromUri()] = *contact;
    SipMessage ok = SipMessage::Response(200, "OK", req, sip_.NewToken());
    ok.SetHeader("Expires", "3600");
    sip_.SendResponse(from, ok);
    return;
  }
  if (m == "MESSAGE") {
    if (auto aff = req.Body(kAffiliationContentType)) {
      const std::string user = req.FromUri();
      affiliations_[user] = ParseAffiliation(std::string(aff->begin(), aff->end()));
      if (on_affiliated) on_affiliated(user, affiliations_[user]);
    } else if (auto mikey = req.Body(kMikeyContentType)) {  // a GMK for media mixing
      // The MESSAGE carries a bare I_MESSAGE and names no group, so there is no expected group to
      // hold the key parameters to (ReceiveContext::expected_group stays unset, TS 33.180 5.7):
      // the key is filed under the group its own parameters name.
      if (!store_
               .AcceptIMessage(*mikey, *id_.identity,
                               id_.ReceiveContextFor(host_.UnixTime(), mikey_sakke::Distribution::kGmk, {cfg_.gms_uri}))
               .ok()) {
        if (on_error) on_error("mixing_gmk_rejected");
        sip_.SendResponse(from, SipMessage::Response(488, "Not Acceptable Here", req));
        return;
      }
    }
    sip_.SendResponse(from, SipMessage::Response(200, "OK", req, sip_.NewToken()));
    return;
  }
  sip_.SendResponse(from, SipMessage::Response(405, "Method Not Allowed", req));
}

void McxServer::OnRelayedResponse(const SipMessage& resp) {
  if (resp.ViaCount() < 2) return;
  SipMessage back = resp;
  back.PopVia();  // ours
  if (auto to = EndpointFromVia(back.TopVia())) sip_.Forward(*to, back);
}

std::vector<std::string> McxServer::AffiliatedTo(const std::string& group_uri) const {
  std::vector<std::string> users;
  for (const auto& [user, groups] : affiliations_)
    if (std::find(groups.begin(), groups.end(), group_uri) != groups.end()) users.push_back(user);
  return users;
}

std::optional<Endpoint> McxServer::Contact(const std::string& user_uri) const {
  auto it = contacts_.find(user_uri);
  if (it == contacts_.end()) return std::nullopt;
  return it->second;
}

const security::StoredKey* McxServer::CskOf(const std::string& user_uri) const {
  // With several (a re-registration uploads another), the highest CSK-ID: the client picks the
  // same one from its own store (OnnetCallClient).
  const security::StoredKey* latest = nullptr;
  for (const security::StoredKey* k : store_.Keys(security::KeyPurpose::kCsk))
    if (k->peer_uri == user_uri) latest = k;
  return latest;
}

}  // namespace mcx::procedures
