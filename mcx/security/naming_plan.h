// The simulated deployment's names and calendar, in one place: its domain and the identities of
// its KMS, GMS, MCX server, users and groups; the date simulated time 0 stands for; and the KMS's
// user key period. Applications, scenarios, the demo, the toolkit and the tests take them from
// here (docs/decisions.md says why these values).
#pragma once

#include <cstdint>
#include <string>

#include "mcx/security/identity.h"

namespace mcx::security::naming {

/// The MC domain every identity of a simulation belongs to.
inline constexpr const char* kDomain = "mcx.example.org";
/// A second KMS domain, for users another KMS provisions (TS 33.180 5.2.8: external KMS).
inline constexpr const char* kForeignDomain = "elsewhere.example.org";
/// The calendar date of simulated time 0 (Unix seconds): 2026-09-21T17:46:40Z. Key periods,
/// MIKEY timestamps and key activation and expiry times are counted from it.
inline constexpr uint64_t kEpochUnix = 1790000000;
/// The KMS's user key period (KmsCertificate UserKeyPeriod, offset 0): 30 days.
inline constexpr uint64_t kKeyPeriodSeconds = 2592000;

inline KeyPeriod DefaultKeyPeriod() { return KeyPeriod{kKeyPeriodSeconds, 0}; }
/// "kms.<domain>": a KMS URI (and its security domain).
inline std::string KmsUri(const std::string& domain = kDomain) { return "kms." + domain; }
/// "sip:<name>@<domain>": an MC service ID.
inline std::string UserUri(const std::string& name, const std::string& domain = kDomain) {
  return "sip:" + name + "@" + domain;
}
/// The GMS identity UEs accept GMKs from (TS 33.180 5.7).
inline std::string GmsUri() { return UserUri("gms"); }
/// The MCX server's domain security identity (MDSI), the receiver of CSK uploads (TS 33.180 5.4).
inline std::string McxServerUri() { return UserUri("mcx-server"); }
/// UE i's MC service ID.
inline std::string UeUri(uint32_t i) { return UserUri("ue" + std::to_string(i)); }
/// Group g's MC group ID.
inline std::string GroupUri(uint32_t g) { return UserUri("group" + std::to_string(g)); }
/// The GMS's XCAP root.
inline std::string XcapRoot() { return std::string("https://gms.") + kDomain + "/xcap-root"; }

}  // namespace mcx::security::naming
