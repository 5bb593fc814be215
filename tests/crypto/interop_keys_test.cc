// Third-party key material (Streamwide v5, Alea v3) validates with our RSK and SSK checks;
// Alea's known-bad key set for bob is rejected.
#include <gtest/gtest.h>

#include "mcx/crypto/eccsi.h"
#include "mcx/crypto/sakke.h"
#include "tests/support/testdata.h"

namespace mcx::crypto {
namespace {

using test::HexField;

struct Domain {
  sakke::PublicKey z;
  Bytes kpak;
};

Domain LoadDomain(const nlohmann::json& kms) {
  auto z = sakke::PublicKey::Decode(HexField(kms, "pub_enc_key_Z"));
  if (!z) throw std::runtime_error(ErrorName(z.error()));
  return Domain{*z, HexField(kms, "pub_auth_key_KPAK")};
}

TEST(InteropKeys, StreamwideKeySetsValidate) {
  const auto j = test::LoadJson("streamwide-v5.json");
  Domain d = LoadDomain(j.at("kms_init"));
  ASSERT_EQ(j.at("users").size(), 4u);
  for (const auto& u : j.at("users")) {
    SCOPED_TRACE(u.at("name").get<std::string>());
    const Bytes uid = HexField(u, "uid");
    Status rsk = sakke::ValidateRsk(d.z, uid, HexField(u, "rsk"));
    EXPECT_TRUE(rsk.ok()) << ErrorName(rsk.error());
    Status ssk = eccsi::ValidateSsk(d.kpak, uid, HexField(u, "ssk"), HexField(u, "pvt"));
    EXPECT_TRUE(ssk.ok()) << ErrorName(ssk.error());
  }
}

TEST(InteropKeys, AleaKeySetsValidateExceptTheKnownBadOne) {
  const auto j = test::LoadJson("alea-v3.json");
  Domain d = LoadDomain(j.at("kms"));
  int good = 0;
  for (const auto& u : j.at("parties")) {
    const std::string name = u.at("name");
    SCOPED_TRACE(name);
    const Bytes uid = HexField(u, "uid");
    Status rsk = sakke::ValidateRsk(d.z, uid, HexField(u, "rsk"));
    Status ssk = eccsi::ValidateSsk(d.kpak, uid, HexField(u, "ssk"), HexField(u, "pvt"));
    const bool expect_valid = u.at("checks_here").at("rsk_valid_rfc6508_6_1_2").get<bool>();
    if (expect_valid) {
      EXPECT_TRUE(rsk.ok()) << ErrorName(rsk.error());
      EXPECT_TRUE(ssk.ok()) << ErrorName(ssk.error());
      ++good;
    } else {
      // bob: his PVT is alice's and his keys fail both checks (see alea-v3.json).
      EXPECT_EQ(rsk.error(), Error::kInvalidRsk);
      EXPECT_EQ(ssk.error(), Error::kInvalidSsk);
    }
  }
  EXPECT_EQ(good, 3);
}

}  // namespace
}  // namespace mcx::crypto
