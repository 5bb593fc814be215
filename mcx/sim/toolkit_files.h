// File formats of the offline toolkit: KMS directories, certificates and key-set files.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "mcx/security/kms.h"

namespace mcx::sim {

/// A KMS directory (mcxsim kms init): kms-init.xml (its certificate as a KmsInit response)
/// and kms-secrets.json (master secrets, mode 0600).
inline constexpr const char* kKmsCertFile = "kms-init.xml";
inline constexpr const char* kKmsSecretsFile = "kms-secrets.json";

security::kms::Kms LoadKmsDirectory(const std::string& dir);
void SaveKmsDirectory(const std::string& dir, const security::kms::Kms& kms, uint64_t unix_now);

/// The first certificate of a KmsInit (or KmsCertCache) response file.
security::kms::Certificate LoadCertificate(const std::string& path);
/// The key sets of a KmsKeyProv response file.
std::vector<security::kms::KeySet> LoadKeySets(const std::string& path);

/// Throws std::runtime_error("<what>: <error name>") for a failed Result.
template <class T>
T Must(crypto::Result<T> r, const std::string& what) {
  if (!r) throw std::runtime_error(what + ": " + crypto::ErrorName(r.error()));
  return std::move(r).value();
}

}  // namespace mcx::sim
