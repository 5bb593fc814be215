#include "mcx/procedures/onnet/kms_service.h"

namespace mcx::procedures {
using security::UnixToNtpSeconds;

using namespace crypto;
using namespace security;

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
  const uint64_t ntp = UnixToNtpSeconds(host_.UnixTime());
  const std::string& path = req.target;
  if (path.find(kms::kPathInit) == 0) return Xml(200, "OK", kms::WriteResponse(kms_.InitResponse(body->user_uri, ntp)));
  if (path.find(kms::kPathCertCache) == 0)
    return Xml(200, "OK", kms::WriteResponse(kms_.CertCacheResponse(body->user_uri, ntp)));
  if (path.find(kms::kPathKeyProv) == 0) {
    auto r = kms_.KeyProvResponse(body->user_uri, ntp, host_.Rng());
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

}  // namespace mcx::procedures
