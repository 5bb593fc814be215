// Fuzz target: the KMS interface XML of TS 33.180 Annex D (security/kms.h): KmsResponse
// (kms::ParseResponse: KmsInit, KmsKeyProv, KmsCertCache, KmsError), KmsRequest, the KMS Redirect
// Response and xs:dateTime, all from the same input. What a client does next runs too: a
// certificate's public information (point checks of Z and KPAK), a key set's validation against
// our domain's certificate (UID, RSK and SSK checks).
//
// Properties: writing what parsed and parsing it again gives a document that writes the same
// (the writer's output is a fixed point of parse-then-write), for responses, requests and
// redirects; an xs:dateTime that parses (before year 10000) writes back to a time that parses to
// the same seconds.
#include "mcx/security/kms.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/fuzz_world.h"

using namespace mcx;
namespace kms = security::kms;

namespace {

// Our domain's certificate, as its users hold it.
const kms::Certificate& OwnCertificate() {
  static const kms::Certificate c = [] {
    const fuzz::World& w = fuzz::World::Get();
    const auto& u = w.universes[0];
    kms::Certificate cert;
    cert.kms_uri = u.kms.kms_uri;
    cert.user_key_period = u.kms.period.period_seconds;
    cert.user_key_offset = u.kms.period.offset_seconds;
    cert.pub_enc_key = u.kms.z.Encoded();
    cert.pub_auth_key = u.kms.kpak;
    return cert;
  }();
  return c;
}

// xs:dateTime of year 10000 and later needs five digits, which ParseXsDateTime does not read.
constexpr uint64_t kYear10000 = 253402300800ULL;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  OwnCertificate();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  if (auto r = kms::ParseResponse(xml)) {
    const std::string once = kms::WriteResponse(*r);
    auto again = kms::ParseResponse(once);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(kms::WriteResponse(*again) == once);
    for (const auto& c : r->certificates) (void)c.PublicInfo();
    // A client validates a key set against the certificate of its KMS (our domain's here).
    for (const auto& ks : r->key_sets) {
      (void)ks.ToIdentityKeys();
      (void)kms::ValidateKeySet(OwnCertificate(), ks);
    }
  }
  if (auto q = kms::ParseRequest(xml)) {
    const std::string once = kms::WriteRequest(*q);
    auto again = kms::ParseRequest(once);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(kms::WriteRequest(*again) == once);
  }
  if (auto k = kms::ParseRedirect(xml)) {
    const std::string once = kms::WriteRedirect(*k);
    auto again = kms::ParseRedirect(once);
    FUZZ_CHECK(again.ok());
    FUZZ_CHECK(kms::WriteRedirect(*again) == once);
  }
  if (size < 64) {
    if (auto t = kms::ParseXsDateTime(xml); t && *t < kYear10000) {
      auto back = kms::ParseXsDateTime(kms::XsDateTime(*t));
      FUZZ_CHECK(back.ok() && *back == *t);
    }
  }
  return 0;
}
