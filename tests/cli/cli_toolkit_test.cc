// The offline toolkit end to end, through the real mcxsim binary: kms init/provision,
// mikey create/inspect, vendor messages, and the failure paths (one-line error, exit status).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "mcx/crypto/base64.h"
#include "mcx/security/kms.h"
#include "tests/support/cli_runner.h"
#include "tests/support/testdata.h"

namespace mcx::test {
namespace {

/// The receivers' clock in these tests: just after the messages were made.
const std::string kReceiverClock = " --time 2026-09-21T10:00:10Z";

class Toolkit : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/mcx-toolkit-XXXXXX";
    dir_ = mkdtemp(tmpl);
    ASSERT_EQ(Mcx("kms init --kms-uri kms.example.org --out " + dir_ + "/kms --seed 5").status, 0);
    for (const char* u : {"gms", "alice", "bob"})
      ASSERT_EQ(Mcx(std::string("kms provision --kms ") + dir_ + "/kms --user sip:" + u + "@example.org --out " +
                    dir_ + "/" + u + ".xml --time 2026-09-21T10:00:00Z --seed 6").status,
                0);
  }
  static void TearDownTestSuite() { std::system(("rm -rf " + dir_).c_str()); }

  static CliRun Mcx(const std::string& args) { return RunMcxsim(args, dir_); }
  static std::string P(const std::string& name) { return dir_ + "/" + name; }
  static std::string Cert() { return " --kms-cert " + P("kms/kms-init.xml"); }
  static std::string CreateGmk(const std::string& out, const std::string& extra = "") {
    return "mikey create --type gmk --from sip:gms@example.org --to sip:alice@example.org" + Cert() +
           " --key-set " + P("gms.xml") + " --group sip:fire@example.org --time 2026-09-21T10:00:05Z --out " +
           P(out) + " " + extra;
  }
  static std::string dir_;
};
std::string Toolkit::dir_;

TEST_F(Toolkit, KmsSecretsAreOwnerOnly) {
  struct stat st {};
  ASSERT_EQ(stat(P("kms/kms-secrets.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto cert = security::kms::ParseResponse(Slurp(P("kms/kms-init.xml")));
  ASSERT_TRUE(cert.ok());
  auto ks = security::kms::ParseResponse(Slurp(P("alice.xml")));
  ASSERT_TRUE(ks.ok());
  EXPECT_TRUE(security::kms::ValidateKeySet(cert->certificates[0], ks->key_sets[0]).ok());
}

TEST_F(Toolkit, GmkCreateThenInspectAsTheReceiver) {
  ASSERT_EQ(Mcx(CreateGmk("gmk.b64", "--seed 9")).status, 0);
  const auto made = nlohmann::json::parse(Slurp(P("gmk.b64.json")));
  CliRun r = Mcx("mikey inspect " + P("gmk.b64") + Cert() + " --key-set " + P("alice.xml") +
              " --authorised sip:gms@example.org" + kReceiverClock);
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = r.Json();
  EXPECT_TRUE(j.at("verified").get<bool>());
  EXPECT_EQ(j.at("key"), made.at("key"));
  EXPECT_EQ(j.at("key_id"), made.at("key_id"));
  EXPECT_EQ(j.at("guk_id"), made.at("guk_id"));
  EXPECT_EQ(j.at("rand"), made.at("rand"));
  EXPECT_EQ(j.at("key_parameters").at("group_ids").at(0), "sip:fire@example.org");
  EXPECT_EQ(j.at("payloads").size(), 9u);  // T, RAND, 4 IDR, SP, SAKKE, GE 7
}

TEST_F(Toolkit, FailedChecksAreNamedAndExitNonZero) {
  ASSERT_EQ(Mcx(CreateGmk("gmk2.b64")).status, 0);
  CliRun wrong = Mcx("mikey inspect " + P("gmk2.b64") + Cert() + " --key-set " + P("bob.xml") + kReceiverClock);
  EXPECT_EQ(wrong.status, 1);
  EXPECT_EQ(wrong.Json().at("failed_check"), "wrong_receiver");
  EXPECT_NE(wrong.err.find("wrong_receiver"), std::string::npos);
  CliRun unauth = Mcx("mikey inspect " + P("gmk2.b64") + Cert() + " --key-set " + P("alice.xml") +
                   " --authorised sip:bob@example.org" + kReceiverClock);
  EXPECT_EQ(unauth.status, 1);
  EXPECT_EQ(unauth.Json().at("failed_check"), "sender_not_authorised");
  // One changed base64 character (inside the SAKKE data): the signature no longer verifies.
  std::string b64 = Slurp(P("gmk2.b64"));
  b64[400] = b64[400] == 'A' ? 'B' : 'A';
  std::ofstream(P("bad.b64")) << b64;
  CliRun bad = Mcx("mikey inspect " + P("bad.b64") + Cert() + " --key-set " + P("alice.xml") + kReceiverClock);
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(bad.Json().at("failed_check"), "signature_invalid");
  // Without --time the receiver's clock is now: months later, the message's key period is over.
  CliRun now = Mcx("mikey inspect " + P("gmk2.b64") + Cert() + " --key-set " + P("alice.xml"));
  EXPECT_NE(now.status, 0);
  EXPECT_NE(now.err.find("key"), std::string::npos) << now.err;
  // Another period: alice's key set is not for that time.
  CliRun later = Mcx("mikey inspect " + P("gmk2.b64") + Cert() + " --key-set " + P("alice.xml") +
                  " --time 2026-12-30T00:00:00Z");
  EXPECT_NE(later.status, 0);
}

TEST_F(Toolkit, PrivateCallKeyWithHiddenIdentitiesAndSakkeToSelf) {
  ASSERT_EQ(Mcx("mikey create --type pck --from sip:alice@example.org --to sip:bob@example.org" + Cert() +
                " --key-set " + P("alice.xml") + " --hide-identities --to-self --time 2026-09-21T10:00:05Z --out " +
                P("pck.b64")).status,
            0);
  CliRun r = Mcx("mikey inspect " + P("pck.b64") + Cert() + " --key-set " + P("bob.xml") +
              " --authorised sip:alice@example.org" + kReceiverClock);
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = r.Json();
  EXPECT_TRUE(j.at("identities_hidden").get<bool>());
  EXPECT_EQ(j.at("sender"), "sip:alice@example.org");  // resolved from the UID
  EXPECT_EQ(j.at("key_type"), "PCK");
  EXPECT_EQ(j.at("key"), nlohmann::json::parse(Slurp(P("pck.b64.json"))).at("key"));
}

TEST_F(Toolkit, InspectsAVendorMessageWithItsKeys) {
  // Streamwide's GMK, given as in SDP ("mikey " prefix), with its domain written as Annex D XML.
  const auto sw = LoadJson("streamwide-v5.json");
  const auto& k = sw.at("kms_init");
  security::kms::Response init;
  init.kind = security::kms::MessageKind::kInit;
  security::kms::Certificate c;
  c.kms_uri = k.at("kms_uri");
  c.user_key_period = k.at("user_key_period");
  c.user_key_offset = k.at("user_key_offset");
  c.pub_enc_key = HexField(k, "pub_enc_key_Z");
  c.pub_auth_key = HexField(k, "pub_auth_key_KPAK");
  init.certificates.push_back(c);
  std::ofstream(P("sw-init.xml")) << security::kms::WriteResponse(init);
  const auto& alice = sw.at("users").at(1);
  security::kms::Response prov;
  prov.kind = security::kms::MessageKind::kKeyProv;
  security::kms::KeySet ks;
  ks.kms_uri = c.kms_uri;
  ks.user_uri = alice.at("uri");
  ks.user_id = HexField(alice, "uid");
  ks.key_period_no = alice.at("key_period_no");
  ks.rsk = HexField(alice, "rsk");
  ks.ssk = crypto::SecretBytes(HexField(alice, "ssk"));
  ks.pvt = HexField(alice, "pvt");
  prov.key_sets.push_back(ks);
  std::ofstream(P("sw-alice.xml")) << security::kms::WriteResponse(prov);
  const auto& msg = sw.at("messages").at(0);
  std::ofstream(P("sw-gmk.txt")) << "mikey " << msg.at("i_message_base64").get<std::string>() << "\n";
  CliRun r = Mcx("mikey inspect " + P("sw-gmk.txt") + " --kms-cert " + P("sw-init.xml") + " --key-set " +
              P("sw-alice.xml") + " --authorised gms@streamwide.com --time message");
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = r.Json();
  EXPECT_EQ(j.at("key"), msg.at("key"));
  EXPECT_EQ(j.at("key_id"), msg.at("key_id"));
  EXPECT_EQ(j.at("guk_id"), msg.at("guk_id"));
  EXPECT_EQ(j.at("length"), 701);
}

TEST_F(Toolkit, InspectWithoutKeysReadsHexFromStdin) {
  const auto alea = LoadJson("alea-v3.json");
  const auto& msg = alea.at("messages").at(1);
  auto bytes = crypto::Base64Decode(msg.at("i_message_base64").get<std::string>());
  std::ofstream(P("alea.hex")) << crypto::ToHex(*bytes);
  CliRun r = Mcx("mikey inspect - < " + P("alea.hex"));
  ASSERT_EQ(r.status, 0) << r.err;
  auto j = r.Json();
  EXPECT_EQ(j.at("hdr").at("csb_id"), "26147a4e");
  EXPECT_EQ(j.at("payloads").at(2).at("role_name"), "IDRuidi");
  EXPECT_FALSE(j.contains("verified"));
}

TEST_F(Toolkit, UsageErrorsAreOneLineWithStatusTwo) {
  CliRun r = Mcx("mikey create --type gmk");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
  EXPECT_EQ(Mcx("kms frobnicate").status, 2);
  EXPECT_EQ(Mcx("mikey inspect --bogus").status, 2);
  CliRun notmikey = Mcx("mikey inspect " + P("kms/kms-init.xml"));
  EXPECT_EQ(notmikey.status, 1);
  for (const char* verb : {"kms init", "kms provision", "mikey create", "mikey inspect", "kms", "mikey", "demo"})
    EXPECT_EQ(Mcx(std::string(verb) + " --help").status, 0) << verb;
}


// Every bad input is a one-line usage error with status 2, at once: never a hang, an abort or a
// silently truncated value.
TEST_F(Toolkit, BadInputsAreOneLineErrorsWithStatusTwo) {
  const std::string kms = " --kms " + P("kms") + " --user sip:x@example.org --out " + P("x.xml");
  const std::string cases[] = {
      "kms init --kms-uri k --out " + P("k1") + " --period 12abc",
      "kms init --kms-uri k --out " + P("k1") + " --period -5",
      "kms init --kms-uri k --out " + P("k1") + " --period 0",
      "kms init --kms-uri k --out " + P("k1") + " --offset 99999999 --period 3600",
      "kms init --kms-uri k --out " + P("k1") + " --seed -1",
      "kms init --kms-uri k --out " + P("k1") + " stray",
      "kms init --kms-uri k --kms-uri k2 --out " + P("k1"),
      "kms provision" + kms + " --periods -1",
      "kms provision" + kms + " --periods 0",
      "kms provision" + kms + " --periods 1000000",
      "kms provision" + kms + " --periods 4294967297",
      "kms provision" + kms + " --periods 2.5",
      "kms provision" + kms + " --time yesterday",
      "mikey create --type gmk --type pck",
      "mikey create --type nonsense --from a --to b --kms-cert c --key-set d --out e",
      "mikey inspect a b",
      "plot --csv a.csv --x x --y y --out o.svg --ymin low",
      "demo --seed -3",
      "demo --time 12x",
      "demo extra",
  };
  for (const std::string& args : cases) {
    const auto t0 = std::chrono::steady_clock::now();
    const CliRun r = Mcx(args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
    EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5)) << args;
  }
  EXPECT_FALSE(std::filesystem::exists(P("k1")));
}

TEST_F(Toolkit, KmsInitNeverOverwritesMasterSecrets) {
  const std::string dir = P("kms2");
  ASSERT_EQ(Mcx("kms init --kms-uri kms.a.org --out " + dir + " --seed 1").status, 0);
  const std::string secrets = Slurp(dir + "/kms-secrets.json");
  const CliRun again = Mcx("kms init --kms-uri kms.a.org --out " + dir + " --seed 2");
  EXPECT_EQ(again.status, 2);
  EXPECT_NE(again.err.find("already holds a KMS"), std::string::npos) << again.err;
  EXPECT_EQ(Slurp(dir + "/kms-secrets.json"), secrets);
  // --force makes a new one and keeps the old one aside.
  ASSERT_EQ(Mcx("kms init --kms-uri kms.a.org --out " + dir + " --seed 2 --force").status, 0);
  EXPECT_NE(Slurp(dir + "/kms-secrets.json"), secrets);
  int kept = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().filename().string().rfind("kms-secrets.json.old-", 0) == 0) {
      EXPECT_EQ(Slurp(e.path().string()), secrets);
      ++kept;
    }
  EXPECT_EQ(kept, 1);
}

TEST_F(Toolkit, SecretFilesAreWrittenWholeAndReplaceAPlantedSymlink) {
  const std::string dir = P("kms3"), target = P("elsewhere.txt");
  std::filesystem::create_directories(dir);
  std::ofstream(target) << "not yours";
  std::filesystem::create_symlink(target, dir + "/kms-secrets.json");
  // The planted link counts as an existing KMS: refused without --force, replaced with it.
  EXPECT_EQ(Mcx("kms init --kms-uri kms.b.org --out " + dir + " --seed 3").status, 2);
  ASSERT_EQ(Mcx("kms init --kms-uri kms.b.org --out " + dir + " --seed 3 --force").status, 0);
  EXPECT_EQ(Slurp(target), "not yours");  // the link was not followed
  EXPECT_FALSE(std::filesystem::is_symlink(dir + "/kms-secrets.json"));
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/kms-secrets.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  for (const auto& e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();  // no leftovers
}

TEST_F(Toolkit, ProvisionRefusesSecretsThatAreNotTheCertificates) {
  const std::string a = P("kms-a"), b = P("kms-b");
  ASSERT_EQ(Mcx("kms init --kms-uri kms.c.org --out " + a + " --seed 4").status, 0);
  ASSERT_EQ(Mcx("kms init --kms-uri kms.c.org --out " + b + " --seed 5").status, 0);
  std::filesystem::copy_file(b + "/kms-secrets.json", a + "/kms-secrets.json",
                             std::filesystem::copy_options::overwrite_existing);
  const CliRun r = Mcx("kms provision --kms " + a + " --user sip:u@c.org --out " + P("u.xml"));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("does not match"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(P("u.xml")));
}

}  // namespace
}  // namespace mcx::test
