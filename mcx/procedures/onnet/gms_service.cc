#include "mcx/procedures/onnet/gms_service.h"

#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/transport/sip_util.h"

namespace mcx::procedures {
using security::KeyPurpose;
using security::UnixToNtpSeconds;
namespace mikey_sakke = security::mikey_sakke;

using namespace crypto;
using namespace security;

GmsService::GmsService(Host& host, SipStack& sip, GmsConfig cfg, Provisioned identity)
    : host_(host), sip_(sip), cfg_(std::move(cfg)), id_(std::move(identity)) {}

void GmsService::AddGroup(const std::string& group_uri, const std::vector<std::string>& members) {
  groups_[group_uri].members = members;
}

uint32_t GmsService::CurrentGmkId(const std::string& group) const {
  auto it = groups_.find(group);
  return it == groups_.end() ? 0 : it->second.gmk.id;
}

std::vector<std::string> GmsService::Groups() const {
  std::vector<std::string> out;
  for (const auto& [uri, g] : groups_) out.push_back(uri);
  return out;
}

std::string GmsService::MemberOf(const std::string& group, const std::string& uri) const {
  auto it = groups_.find(group);
  if (it == groups_.end()) return "";
  for (const auto& m : it->second.members)
    if (m == uri) return m;
  return "";
}

Result<Bytes> GmsService::MakeIMessage(const Group& g, const std::string& member) {
  return security::GmkIMessage(g.gmk, *id_.identity, *id_.kms, member, *id_.kms, UnixToNtpSeconds(host_.UnixTime()),
                               host_.Rng());
}

void GmsService::Notify(const std::string& member, const std::string& content_type, const std::string& body,
                        std::function<void(const SipMessage*)> done) {
  Subscription& s = subs_[member];
  SipMessage n = SipMessage::Request("NOTIFY", "sip:" + s.contact.ToString());
  n.SetFrom("<" + cfg_.gms_uri + ">;tag=" + s.our_tag);
  n.SetTo("<" + member + ">;tag=" + s.their_tag);
  n.SetCallId(s.call_id);
  n.SetCSeq(++s.cseq, "NOTIFY");
  n.SetHeader("Event", "xcap-diff");
  n.SetHeader("Subscription-State", "active;expires=3600");
  n.SetContact("<sip:" + host_.SipSelf().ToString() + ">");
  n.AddBody(content_type, ByteView(body));
  CountBytes("gmk_notify", n.Serialize().size());
  sip_.SendRequest(s.contact, std::move(n), std::move(done));
}

void GmsService::SendKey(const std::string& group_uri, const std::string& member, uint32_t attempt) {
  Group& g = groups_[group_uri];
  if (g.gmk.id == 0 || !subs_.count(member)) return;
  if (cfg_.transport == GmkTransport::kSip) {
    // 5.7.2.x: the member's GMK I_MESSAGE in the group document carried by the NOTIFY.
    auto msg = MakeIMessage(g, member);
    if (!msg) return Record(group_uri, member, ErrorName(msg.error()));
    if (on_key_message) on_key_message(group_uri, member, *msg);
    const std::string doc =
        BuildGroupDocument(group_uri, cfg_.full_documents ? g.members : std::vector<std::string>{},
                           {Gktp{ToHex32(g.gmk.id), "", *msg}});
    const uint32_t rekey = g.rekey;
    Notify(member, kGroupDocContentType, doc, [this, group_uri, member, rekey, attempt](const SipMessage* r) {
      if (groups_[group_uri].rekey != rekey) return;  // a newer key superseded this one
      if (!r) {
        Record(group_uri, member, "timeout");
        if (cfg_.retry.MayRetry(attempt)) {
          if (on_retry) on_retry("gmk_notify");
          host_.Schedule(cfg_.retry.Delay(attempt), [this, group_uri, member, rekey, attempt] {
            if (groups_[group_uri].rekey == rekey && !groups_[group_uri].answered.count(member))
              SendKey(group_uri, member, attempt + 1);
          });
        }
        return;
      }
      if (r->Status() / 100 == 2) return Record(group_uri, member, "ok");
      const auto w = r->Header("Warning");
      Record(group_uri, member, WarningOrStatus(w ? &*w : nullptr, r->Status()));
    });
  } else {
    // 5.7.2.y: the NOTIFY only says the document changed; the member GETs it over HTTPS.
    const std::string diff = BuildXcapDiff(cfg_.xcap_root, GroupDocumentSelector(group_uri), std::to_string(g.rekey));
    Notify(member, kXcapDiffContentType, diff, [](const SipMessage*) {});
  }
  host_.EndJob();  // each member's message is its own job (so several cores share a rekey)
}

void GmsService::CountBytes(const std::string& procedure, size_t bytes) {
  bytes_[procedure] += bytes;
  if (on_signalling_bytes) on_signalling_bytes(procedure, bytes);
}

void GmsService::Record(const std::string& group_uri, const std::string& member, const std::string& result) {
  Group& g = groups_[group_uri];
  if (result == "ok" && !g.answered.insert(member).second) return;  // counted once
  if (on_outcome) on_outcome(RekeyOutcome{group_uri, member, g.gmk.id, g.rekey, g.started, host_.Now(), result});
}

void GmsService::Rekey(const std::string& group_uri) {
  Group& g = groups_[group_uri];
  auto gmk = security::NewGmk(group_uri, host_.Rng());
  if (!gmk) return;
  g.gmk = std::move(gmk).value();
  g.started = host_.Now();
  // TS 33.180 5.2.4: activation and expiry travel in the key parameters. An explicit activation
  // time (now, or later) lets a member holding several GMKs of the group tell which is current.
  // The delay gives members time to receive a replacement key; the group's first key has none to
  // replace and is active at once.
  const uint64_t delay = g.distributed ? static_cast<uint64_t>(cfg_.activation_delay_s) : 0;
  g.gmk.activation_time = host_.UnixTime() + delay;
  g.gmk.expiry_time =
      cfg_.key_lifetime_s > 0 ? g.gmk.activation_time + static_cast<uint64_t>(cfg_.key_lifetime_s) : 0;
  g.answered.clear();
  g.rekey = g.distributed ? g.rekey + 1 : 0;  // 0 = the initial key
  g.distributed = true;
  if (on_rekey_started) on_rekey_started(group_uri, g.gmk, g.rekey);
  // Every member's encapsulation is independent of the others: with workers running, they start
  // now, side by side (crypto/ahead.h); the jobs below take them in turn, results unchanged.
  if (cfg_.transport == GmkTransport::kSip)
    for (const auto& m : g.members)
      if (subs_.count(m)) mikey_sakke::CreateIMessageAhead(m, *id_.kms, g.gmk.key, UnixToNtpSeconds(host_.UnixTime()));
  for (const auto& m : g.members) SendKey(group_uri, m);
  for (const auto& [uri, ep] : cfg_.mixing_servers) {  // deployment option: the server mixes media
    auto msg = MakeIMessage(g, uri);
    if (!msg) continue;
    SipMessage m = SipMessage::Request("MESSAGE", "sip:" + ep.ToString());
    m.SetFrom("<" + cfg_.gms_uri + ">;tag=" + sip_.NewToken());
    m.SetTo("<" + uri + ">");
    m.SetCallId(sip_.NewToken());
    m.SetCSeq(1, "MESSAGE");
    m.AddBody(kMikeyContentType, *msg);
    CountBytes("gmk_to_mcx_server", m.Serialize().size());
    sip_.SendRequest(ep, std::move(m), [](const SipMessage*) {});
    host_.EndJob();
  }
}

void GmsService::RemoveMember(const std::string& group_uri, const std::string& member) {
  Group& g = groups_[group_uri];
  g.members.erase(std::remove(g.members.begin(), g.members.end(), member), g.members.end());
  Rekey(group_uri);
}

void GmsService::Revoke(const std::string& group_uri) {
  Group& g = groups_[group_uri];
  g.gmk.revoked = true;
  g.answered.clear();
  g.started = host_.Now();
  for (const auto& m : g.members) SendKey(group_uri, m);
}

void GmsService::OnSipRequest(const Endpoint& from, const SipMessage& req) {
  if (req.Method() != "SUBSCRIBE") {
    sip_.SendResponse(from, SipMessage::Response(405, "Method Not Allowed", req));
    return;
  }
  const std::string member = req.FromUri();
  auto contact = EndpointFromUri(req.ContactUri());
  if (!contact) {
    sip_.SendResponse(from, SipMessage::Response(400, "Bad Request", req));
    return;
  }
  Subscription& s = subs_[member];
  s.contact = *contact;
  s.call_id = req.CallId();
  s.their_tag = req.FromTag();
  s.our_tag = sip_.NewToken();
  s.cseq = 0;
  SipMessage ok = SipMessage::Response(200, "OK", req, s.our_tag);
  ok.SetHeader("Expires", "3600");
  ok.SetContact("<sip:" + host_.SipSelf().ToString() + ">");
  CountBytes("subscribe", req.Serialize().size() + ok.Serialize().size());
  sip_.SendResponse(from, ok);
  // Send the current GMK of every group this member belongs to (the initial NOTIFY).
  for (auto& [uri, g] : groups_)
    if (!MemberOf(uri, member).empty()) SendKey(uri, member);
}

HttpResponse GmsService::OnHttpRequest(const HttpRequest& req) {
  HttpResponse r;
  auto auth = req.headers.find("Authorization");
  const std::string user = auth == req.headers.end() ? "" : auth->second.substr(auth->second.find(' ') + 1);
  const std::string prefix = "/xcap-root/";
  if (req.method == "GET" && req.target.rfind(prefix, 0) == 0) {
    CountBytes("gmk_http_get", req.Serialize().size());
    for (auto& [uri, g] : groups_) {
      if (prefix + GroupDocumentSelector(uri) != req.target) continue;
      if (MemberOf(uri, user).empty()) {
        r.status = 403;
        r.reason = "Forbidden";
        return r;
      }
      std::vector<Gktp> gktps;
      if (g.gmk.id != 0) {  // 5.7.2.y step 2: the requester's I_MESSAGE in the document
        auto msg = MakeIMessage(g, user);
        if (msg) gktps.push_back(Gktp{ToHex32(g.gmk.id), "", *msg});
      }
      r.headers["Content-Type"] = kGroupDocContentType;
      r.headers["ETag"] = std::to_string(g.rekey);
      r.body = BuildGroupDocument(uri, cfg_.full_documents ? g.members : std::vector<std::string>{}, gktps);
      CountBytes("gmk_http_get", r.Serialize().size());
      return r;
    }
    r.status = 404;
    r.reason = "Not Found";
    return r;
  }
  if (req.method == "POST" && req.target == "/gms/key-status") {
    // Our report format (the spec leaves it open): "group=<uri>;gmk-id=<hex>;result=<ok|error>".
    CountBytes("key_status", req.Serialize().size());
    auto field = [&](const std::string& k) {
      const auto a = req.body.find(k + "=");
      if (a == std::string::npos) return std::string();
      const auto b = req.body.find(';', a);
      return req.body.substr(a + k.size() + 1, b == std::string::npos ? std::string::npos : b - a - k.size() - 1);
    };
    const std::string group = field("group");
    auto it = groups_.find(group);
    if (it != groups_.end() && field("gmk-id") == ToHex32(it->second.gmk.id)) Record(group, user, field("result"));
    r.status = 204;
    r.reason = "No Content";
    return r;
  }
  r.status = 404;
  r.reason = "Not Found";
  return r;
}

}  // namespace mcx::procedures
