#include "mcx/procedures/onnet/kms_client.h"

namespace mcx::procedures {
namespace kms = security::kms;
namespace mikey_sakke = security::mikey_sakke;

using namespace crypto;
using namespace security;

security::mikey_sakke::ReceiveContext Provisioned::ReceiveContextFor(uint64_t unix_now,
                                                                    security::mikey_sakke::Distribution d,
                                                                    std::vector<std::string> authorised) const {
  security::mikey_sakke::ReceiveContext ctx;
  ctx.expected = d;
  ctx.ntp_now = security::UnixToNtpSeconds(unix_now);
  ctx.kms = {*kms};
  ctx.authorised_senders = std::move(authorised);
  ctx.max_clock_skew_seconds = 300;
  return ctx;
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
  body.time = kms::XsDateTime(host_.UnixTime());
  body.client_req_url = "https://" + kms_uri_ + path;
  r.body = kms::WriteRequest(body);
  return r;
}

void KmsClient::Provision(Done done) { Attempt(0, std::move(done)); }

void KmsClient::RetryOrFail(uint32_t attempt, Done done) {
  if (!retry_.MayRetry(attempt)) return done(Error::kKmsError);
  if (on_retry) on_retry("kms_provisioning");
  host_.Schedule(retry_.Delay(attempt), [this, attempt, done] { Attempt(attempt + 1, done); });
}

void KmsClient::Attempt(uint32_t attempt, Done done) {
  host_.SendHttp(server_, Request(kms::kPathInit), [this, attempt, done](Result<HttpResponse> init) {
    if (!init || init->status != 200) return RetryOrFail(attempt, done);
    auto ir = kms::ParseResponse(init->body);
    if (!ir) return done(ir.error());
    if (ir->error || ir->certificates.empty()) return done(Error::kKmsError);
    auto cert = std::make_shared<kms::Certificate>(ir->certificates.front());
    host_.SendHttp(server_, Request(kms::kPathKeyProv), [this, attempt, done, cert](Result<HttpResponse> prov) {
      if (!prov || prov->status != 200) return RetryOrFail(attempt, done);
      auto pr = kms::ParseResponse(prov->body);
      if (!pr) return done(pr.error());
      if (pr->error || pr->key_sets.empty()) return done(Error::kKmsError);
      auto info = cert->PublicInfo();
      if (!info) return done(info.error());
      // The client's checks (5.3): UID, then SSK and RSK (the RSK check builds its line table).
      const kms::KeySet& ks = pr->key_sets.front();
      if (ks.user_uri != user_uri_) return done(Error::kWrongReceiver);
      auto id = mikey_sakke::LocalIdentity::Create(ks.ToIdentityKeys(), *info);
      if (!id) return done(id.error());
      Provisioned p{*cert, std::make_shared<mikey_sakke::KmsPublicInfo>(std::move(info).value()),
                    std::make_shared<mikey_sakke::LocalIdentity>(std::move(id).value())};
      done(std::move(p));
    });
  });
}

}  // namespace mcx::procedures
