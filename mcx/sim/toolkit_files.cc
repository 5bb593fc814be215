#include "mcx/sim/toolkit_files.h"

#include <sys/stat.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "mcx/sim/cli_args.h"

namespace mcx::sim {
using security::KeyPeriod;
using security::UnixToNtpSeconds;
namespace kms = security::kms;

using namespace mcx::crypto;

namespace {
Bytes HexOrThrow(const nlohmann::json& j, const char* key, const std::string& file) {
  auto b = FromHex(j.at(key).get<std::string>());
  if (!b) throw std::runtime_error(file + ": bad hex in " + key);
  return *b;
}
}  // namespace

kms::Kms LoadKmsDirectory(const std::string& dir) {
  const std::string path = dir + "/" + kKmsSecretsFile;
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ReadFileOrStdin(path));
    const KeyPeriod period{j.at("user_key_period").get<uint64_t>(), j.at("user_key_offset").get<uint64_t>()};
    Bytes z = HexOrThrow(j, "sakke_master_secret_z", path);
    Bytes ksak = HexOrThrow(j, "eccsi_ksak", path);
    if (period.period_seconds == 0 || period.offset_seconds >= period.period_seconds)
      throw std::runtime_error(path + ": an impossible user key period");
    auto k = kms::Kms::FromSecrets(j.at("kms_uri").get<std::string>(), period, z, ksak);
    SecureWipe(z.data(), z.size());
    SecureWipe(ksak.data(), ksak.size());
    kms::Kms loaded = Must(std::move(k), path);
    // The secrets must be those behind the domain's published certificate: a KMS issuing from
    // other secrets would hand out key sets no member of the domain can validate.
    const kms::Certificate published = LoadCertificate(dir + "/" + kKmsCertFile);
    const kms::Certificate& mine = loaded.certificate();
    if (published.kms_uri != mine.kms_uri || published.pub_enc_key != mine.pub_enc_key ||
        published.pub_auth_key != mine.pub_auth_key || published.user_key_period != mine.user_key_period ||
        published.user_key_offset != mine.user_key_offset)
      throw std::runtime_error(path + " does not match " + dir + "/" + kKmsCertFile +
                               " (other master secrets, URI or key period)");
    return loaded;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": " + e.what());
  }
}

void SaveKmsDirectory(const std::string& dir, const kms::Kms& k, uint64_t unix_now) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  ::chmod(dir.c_str(), 0700);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw std::runtime_error("cannot create " + dir);
  const auto& c = k.certificate();
  nlohmann::json j = {
      {"kms_uri", c.kms_uri},
      {"user_key_period", c.user_key_period},
      {"user_key_offset", c.user_key_offset},
      {"sakke_master_secret_z", ToHex(k.MasterSecretZ())},
      {"eccsi_ksak", ToHex(k.Ksak())},
      {"note", "KMS master secrets (TS 33.180 5.3): keep private"},
  };
  WriteFile(dir + "/" + kKmsSecretsFile, j.dump(2) + "\n", /*secret=*/true);
  WriteFile(dir + "/" + kKmsCertFile, kms::WriteResponse(k.InitResponse("", UnixToNtpSeconds(unix_now))));
}

kms::Certificate LoadCertificate(const std::string& path) {
  auto r = Must(kms::ParseResponse(ReadFileOrStdin(path)), path);
  if (r.certificates.empty()) throw std::runtime_error(path + ": no KmsCertificate in it");
  return r.certificates.front();
}

std::vector<kms::KeySet> LoadKeySets(const std::string& path) {
  auto r = Must(kms::ParseResponse(ReadFileOrStdin(path)), path);
  if (r.key_sets.empty()) throw std::runtime_error(path + ": no KmsKeySet in it");
  return r.key_sets;
}

}  // namespace mcx::sim
