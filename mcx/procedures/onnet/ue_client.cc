#include "mcx/procedures/onnet/ue_client.h"

#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/transport/sip_util.h"

namespace mcx::procedures {
using security::KeyPurpose;
using security::StoredKey;
using security::UnixToNtpSeconds;
namespace keyparams = security::keyparams;
namespace mikey_sakke = security::mikey_sakke;

using namespace crypto;
using namespace security;

void UeClient::Error(const std::string& kind) {
  if (on_error) on_error(kind);
}

void UeClient::RetryOr(uint32_t failed_attempt, const std::string& what, const std::string& error,
                       std::function<void()> again) {
  if (!cfg_.retry.MayRetry(failed_attempt)) return Error(error);
  if (on_retry) on_retry(what);
  host_.Schedule(cfg_.retry.Delay(failed_attempt), std::move(again));
}

void UeClient::Start() {
  started_ = host_.Now();
  auto client = std::make_shared<KmsClient>(host_, cfg_.kms, cfg_.kms_uri, cfg_.user_uri, cfg_.retry);
  client->on_retry = [this](const std::string& what) {
    if (on_retry) on_retry(what);
  };
  client->Provision([this, client](Result<Provisioned> p) {
    if (!p) return Error(std::string("provisioning_") + ErrorName(p.error()));
    id_ = std::move(p).value();
    store_.PutIdentity(id_.identity);
    store_.PutKms(*id_.kms);
    if (on_provisioned) on_provisioned(host_.Now() - started_);
    Register();
  });
}

void UeClient::Reconnect() {
  if (provisioned()) Register();
}

void UeClient::Register(uint32_t attempt) {
  from_tag_ = sip_.NewToken();
  SipMessage r = SipMessage::Request("REGISTER", "sip:" + cfg_.sip_proxy.host);
  r.SetFrom("<" + cfg_.user_uri + ">;tag=" + from_tag_);
  r.SetTo("<" + cfg_.user_uri + ">");
  r.SetCallId(sip_.NewToken());
  r.SetCSeq(1, "REGISTER");
  r.SetContact("<sip:" + cfg_.user_uri.substr(4, cfg_.user_uri.find('@') - 4) + "@" + host_.SipSelf().ToString() + ">");
  r.SetHeader("Expires", "3600");
  r.AddBody(kMcpttInfoContentType,
            ByteView(std::string("<?xml version=\"1.0\"?><mcpttinfo xmlns=\"urn:3gpp:ns:mcpttInfo:1.0\"><mcptt-Params>"
                                 "<mcptt-request-uri type=\"Normal\"><mcpttURI>") +
                     cfg_.user_uri + "</mcpttURI></mcptt-request-uri></mcptt-Params></mcpttinfo>"));
  uint32_t uploaded_csk_id = 0;
  if (cfg_.csk_upload) {  // 5.4: the CSK to the MDSI, in the REGISTER (digest 2.1)
    auto csk = host_.Rng().Generate(16);
    auto csk_id = NewKeyId(KeyPurpose::kCsk, host_.Rng());
    if (csk && csk_id) {
      uploaded_csk_id = *csk_id;
      mikey_sakke::SendOptions opt;
      opt.algorithms = keyparams::AlgorithmChoice{{keyparams::kAlgAes128Gcm}, keyparams::kAlgAes128Gcm};
      auto made = mikey_sakke::CreateIMessage(mikey_sakke::Distribution::kCskUpload, *id_.identity, *id_.kms,
                                              cfg_.mdsi_uri, *id_.kms, *csk_id, *csk, opt,
                                              UnixToNtpSeconds(host_.UnixTime()), host_.Rng());
      if (made) {
        r.AddBody(kMikeyContentType, made->message);
        StoredKey k;
        k.purpose = KeyPurpose::kCsk;
        k.key_id = *csk_id;
        k.key = *csk;
        k.rand = made->rand;
        k.cs_id = made->cs_id;
        k.peer_uri = cfg_.mdsi_uri;
        (void)store_.Put(std::move(k));
      }
    }
  }
  sip_.SendRequest(cfg_.sip_proxy, std::move(r), [this, attempt, uploaded_csk_id](const SipMessage* resp) {
    if (!resp) return RetryOr(attempt, "register", "register_timeout", [this, attempt] { Register(attempt + 1); });
    if (resp->Status() == 503 || resp->Status() == 500 || resp->Status() == 408)  // try again later
      return RetryOr(attempt, "register", "register_" + std::to_string(resp->Status()),
                     [this, attempt] { Register(attempt + 1); });
    if (resp->Status() / 100 != 2) {
      const auto w = resp->Header("Warning");
      const std::string why = WarningOrStatus(w ? &*w : nullptr, resp->Status());
      // A CSK-ID is 28 random bits (TS 33.180 5.4): in a domain of thousands of users, two may draw
      // the same one, and the server keeps the first. The client drops its CSK and registers
      // again with a new one (docs/decisions.md).
      if (why == "duplicate_key_id" && uploaded_csk_id != 0 && cfg_.retry.MayRetry(attempt)) {
        store_.Erase(uploaded_csk_id);
        if (on_retry) on_retry("register_new_csk_id");
        return Register(attempt + 1);
      }
      return Error("register_" + why);
    }
    registered_ = true;
    if (on_registered) on_registered();
    Affiliate();
  });
}

void UeClient::Affiliate() {
  SipMessage m = SipMessage::Request("MESSAGE", "sip:" + cfg_.sip_proxy.host);
  m.SetFrom("<" + cfg_.user_uri + ">;tag=" + sip_.NewToken());
  m.SetTo("<" + cfg_.mdsi_uri + ">");
  m.SetCallId(sip_.NewToken());
  m.SetCSeq(1, "MESSAGE");
  m.AddBody(kAffiliationContentType, ByteView(BuildAffiliation(cfg_.groups)));
  sip_.SendRequest(cfg_.sip_proxy, std::move(m), [this](const SipMessage* resp) {
    if (!resp || resp->Status() / 100 != 2) Error("affiliation_failed");
    for (const auto& g : cfg_.groups) Subscribe(g);
  });
}

void UeClient::Subscribe(const std::string& group, uint32_t attempt) {
  SipMessage s = SipMessage::Request("SUBSCRIBE", cfg_.gms_uri);
  s.SetFrom("<" + cfg_.user_uri + ">;tag=" + sip_.NewToken());
  s.SetTo("<" + cfg_.gms_uri + ">");
  s.SetCallId(sip_.NewToken());
  s.SetCSeq(1, "SUBSCRIBE");
  s.SetContact("<sip:" + cfg_.user_uri.substr(4, cfg_.user_uri.find('@') - 4) + "@" + host_.SipSelf().ToString() + ">");
  s.SetHeader("Event", "xcap-diff");
  s.SetHeader("Expires", "3600");
  s.SetHeader("Accept", kXcapDiffContentType);
  s.AddBody(kResourceListsContentType, ByteView(BuildResourceLists({GroupDocumentSelector(group)})));
  sip_.SendRequest(cfg_.sip_proxy, std::move(s), [this, group, attempt](const SipMessage* resp) {
    if (!resp)
      return RetryOr(attempt, "subscribe", "subscribe_timeout", [this, group, attempt] { Subscribe(group, attempt + 1); });
    if (resp->Status() == 503 || resp->Status() == 500 || resp->Status() == 408)  // the GMS not ready: later
      return RetryOr(attempt, "subscribe", "subscribe_" + std::to_string(resp->Status()),
                     [this, group, attempt] { Subscribe(group, attempt + 1); });
    if (resp->Status() / 100 != 2) Error("subscribe_" + std::to_string(resp->Status()));
  });
}

std::string UeClient::ProcessGmk(const Bytes& i_message, const std::optional<std::string>& group) {
  if (!provisioned()) return "not_provisioned";
  auto ctx = id_.ReceiveContextFor(host_.UnixTime(), mikey_sakke::Distribution::kGmk, {cfg_.gms_uri});
  ctx.expected_group = group;  // TS 33.180 5.7: the GMK must be the document's group's
  const Status st = store_.AcceptIMessage(i_message, *id_.identity, ctx);
  if (!st.ok()) return ErrorName(st.error());  // includes key_revoked for a revocation
  return "ok";
}

std::string UeClient::ProcessDocument(const std::string& xml, std::string* group, uint32_t* gmk_id,
                                      const std::string* requested) {
  auto gktps = ParseGroupDocument(xml, group);
  if (!gktps) return "malformed_group_document";
  // Pull (5.7.2.y): the document fetched for a group must be that group's.
  if (requested && *group != *requested) {
    if (!gktps->empty()) {  // the refusal names the GMK it refused
      auto id = FromHex(gktps->front().id);
      *gmk_id = id && id->size() == 4 ? LoadU32(id->data()) : 0;
    }
    Error(ErrorName(crypto::Error::kGroupMismatch));
    return ErrorName(crypto::Error::kGroupMismatch);
  }
  if (gktps->empty()) return "no_gktp";
  // The group the document names is the one its GMKs are accepted for (TS 33.180 5.7, E.6); a
  // document naming none gives nothing to check against.
  const std::optional<std::string> expected = group->empty() ? std::nullopt : std::optional<std::string>(*group);
  std::string result;
  for (const auto& g : *gktps) {
    result = ProcessGmk(g.i_message, expected);
    if (result != "ok" && result != "key_revoked") {
      Error(result);
      return result;
    }
    auto id = FromHex(g.id);
    *gmk_id = id && id->size() == 4 ? LoadU32(id->data()) : 0;
    if (result == "ok" && on_key_stored) on_key_stored(*group, *gmk_id);
    if (result == "ok") {
      const StoredKey* k = store_.FindByKeyId(*gmk_id);
      const uint64_t now = host_.UnixTime();
      const double wait = k && k->activation_time > now ? double(k->activation_time - now) : 0.0;
      const std::string grp = *group;
      const uint32_t id32 = *gmk_id;
      host_.Schedule(wait, [this, grp, id32] {  // applied at its activation time (5.2.4)
        if (on_key_active) on_key_active(grp, id32);
      });
    }
  }
  return result;
}

void UeClient::OnSipRequest(const Endpoint& from, const SipMessage& req) {
  if (req.Method() != "NOTIFY") {
    sip_.SendResponse(from, SipMessage::Response(405, "Method Not Allowed", req));
    return;
  }
  if (auto doc = req.Body(kGroupDocContentType)) {  // push: the I_MESSAGE is in the NOTIFY
    std::string group;
    uint32_t gmk_id = 0;
    const std::string result = ProcessDocument(std::string(doc->begin(), doc->end()), &group, &gmk_id);
    if (result == "ok" || result == "key_revoked") {
      sip_.SendResponse(from, SipMessage::Response(200, "OK", req));
    } else {  // 5.7.2 step 2: the error goes back to the GMS
      SipMessage err = SipMessage::Response(488, "Not Acceptable Here", req);
      err.SetHeader("Warning", WarningValue(result));
      sip_.SendResponse(from, err);
    }
    return;
  }
  sip_.SendResponse(from, SipMessage::Response(200, "OK", req));
  if (auto diff = req.Body(kXcapDiffContentType)) {  // pull: fetch the changed document
    auto sel = ParseXcapDiff(std::string(diff->begin(), diff->end()));
    if (!sel) return Error("malformed_xcap_diff");
    const std::string prefix = "org.openmobilealliance.groups/global/byGroupID/";
    if (sel->rfind(prefix, 0) == 0) Fetch(sel->substr(prefix.size()));
  }
}

void UeClient::Fetch(const std::string& group, uint32_t attempt) {
  HttpRequest get;
  get.method = "GET";
  get.target = "/xcap-root/" + GroupDocumentSelector(group);
  get.headers["Host"] = cfg_.gms_http.host;
  get.headers["Authorization"] = "Bearer " + cfg_.user_uri;  // modelled access token: the user
  get.headers["Accept"] = kGroupDocContentType;
  host_.SendHttp(cfg_.gms_http, get, [this, group, attempt](Result<HttpResponse> r) {
    if (!r || r->status != 200)
      return RetryOr(attempt, "group_document_fetch", "group_document_fetch_failed",
                     [this, group, attempt] { Fetch(group, attempt + 1); });
    std::string g;
    uint32_t gmk_id = 0;
    const std::string result = ProcessDocument(r->body, &g, &gmk_id, &group);
    // 5.7.2.y: an error goes back to the GMS; we report success too, as the member's answer.
    HttpRequest report;
    report.method = "POST";
    report.target = "/gms/key-status";
    report.headers["Host"] = cfg_.gms_http.host;
    report.headers["Authorization"] = "Bearer " + cfg_.user_uri;
    report.headers["Content-Type"] = "text/plain";
    report.body = "group=" + group + ";gmk-id=" + ToHex32(gmk_id) + ";result=" + (result == "key_revoked" ? "ok" : result);
    host_.SendHttp(cfg_.gms_http, report, [](Result<HttpResponse>) {});
  });
}

}  // namespace mcx::procedures
