#include "kms_procedures.h"

namespace mcx::models {

using namespace crypto;

namespace {
HttpResponse Xml(int status, const std::string& reason, std::string body) {
  HttpResponse r;
  r.status = status;
  r.reason = reason;
  r.headers["Content-Type"] = "application/xml";
  r.body = std::move(body);
  return r;
}
}  // namespace

HttpResponse KmsService::Handle(const HttpRequest& req) {
  if (req.method != "POST") return Xml(405, "Method Not Allowed", "");
  auto body = kms::ParseRequest(req.body);
  if (!body) return Xml(400, "Bad Request", "");
  const uint64_t ntp = UnixToNtpSeconds(env_.UnixTime());
  const std::string& path = req.target;
  if (path.find(kms::kPathInit) == 0) return Xml(200, "OK", kms::WriteResponse(kms_.InitResponse(body->user_uri, ntp)));
  if (path.find(kms::kPathCertCache) == 0)
    return Xml(200, "OK", kms::WriteResponse(kms_.CertCacheResponse(body->user_uri, ntp)));
  if (path.find(kms::kPathKeyProv) == 0) {
    auto r = kms_.KeyProvResponse(body->user_uri, ntp, env_.Rng());
    CryptoWork w;
    w.Add(CryptoOp::kKmsIssueKeySet);
    env_.Work(w);
    if (!r) {
      kms::Response err = kms_.InitResponse(body->user_uri, ntp);
      err.certificates.clear();
      err.kind = kms::MessageKind::kKeyProv;
      err.error = std::make_pair(std::string("500"), std::string(ErrorName(r.error())));
      return Xml(200, "OK", kms::WriteResponse(err));
    }
    ++issued_;
    return Xml(200, "OK", kms::WriteResponse(*r));
  }
  return Xml(404, "Not Found", "");
}

HttpRequest KmsClient::Request(const char* path) const {
  HttpRequest r;
  r.method = "POST";
  r.target = path;
  r.headers["Host"] = kms_uri_;
  r.headers["Content-Type"] = "application/xml";
  kms::Request body;
  body.user_uri = user_uri_;
  body.kms_uri = kms_uri_;
  body.time = kms::XsDateTime(env_.UnixTime());
  body.client_req_url = "https://" + kms_uri_ + path;
  r.body = kms::WriteRequest(body);
  return r;
}

void KmsClient::Provision(Done done) {
  env_.SendHttp(server_, Request(kms::kPathInit), [this, done](Result<HttpResponse> init) {
    if (!init || init->status != 200) return done(Error::kKmsError);
    auto ir = kms::ParseResponse(init->body);
    if (!ir) return done(ir.error());
    if (ir->error || ir->certificates.empty()) return done(Error::kKmsError);
    auto cert = std::make_shared<kms::Certificate>(ir->certificates.front());
    env_.SendHttp(server_, Request(kms::kPathKeyProv), [this, done, cert](Result<HttpResponse> prov) {
      if (!prov || prov->status != 200) return done(Error::kKmsError);
      auto pr = kms::ParseResponse(prov->body);
      if (!pr) return done(pr.error());
      if (pr->error || pr->key_sets.empty()) return done(Error::kKmsError);
      auto info = cert->PublicInfo();
      if (!info) return done(info.error());
      // The client's checks (5.3): UID, then SSK and RSK (the RSK check builds its line table).
      const kms::KeySet& ks = pr->key_sets.front();
      CryptoWork w;
      w.Add(CryptoOp::kEccsiSskValidate);
      w.Add(CryptoOp::kSakkeRskValidate);
      env_.Work(w);
      if (ks.user_uri != user_uri_) return done(Error::kWrongReceiver);
      auto id = mikey_sakke::LocalIdentity::Create(ks.ToIdentityKeys(), *info);
      if (!id) return done(id.error());
      Provisioned p{*cert, std::make_shared<mikey_sakke::KmsPublicInfo>(std::move(info).value()),
                    std::make_shared<mikey_sakke::LocalIdentity>(std::move(id).value())};
      done(std::move(p));
    });
  });
}

}  // namespace mcx::models
