// The MCX server (participating function) as far as keys go (TS 33.180 5.4, 5.7): the SIP
// registrar accepting the CSK upload, affiliation, a proxy towards the GMS, and, as a deployment
// option, the receiver of GMKs for media mixing.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mcx/procedures/onnet/kms_client.h"
#include "mcx/procedures/transport/sip_stack.h"
#include "mcx/security/key_store.h"
#include "mcx/security/naming_plan.h"

namespace mcx::procedures {

/// The MCX server (participating function) as far as keys go: SIP registrar accepting the CSK
/// upload (processed as the MDSI identity, 5.4), affiliation, a stateless proxy towards the GMS,
/// and, as a deployment option, receiver of GMKs for media mixing.
struct McxServerConfig {
  std::string mdsi_uri = security::naming::McxServerUri();
  std::string gms_uri = security::naming::GmsUri();
  Endpoint gms_sip;
};

class McxServer {
 public:
  /// Keys go into the server's key store `keys`.
  McxServer(Host& host, SipStack& sip, McxServerConfig cfg, Provisioned identity, security::KeyStore& keys);
  void OnSipRequest(const Endpoint& from, const SipMessage& req);
  /// A response coming back through the proxy.
  void OnRelayedResponse(const SipMessage& resp);

  size_t registrations() const { return contacts_.size(); }
  size_t csk_count() const { return store_.Keys(security::KeyPurpose::kCsk).size(); }
  size_t gmk_count() const { return store_.Keys(security::KeyPurpose::kGmk).size(); }
  const std::map<std::string, std::vector<std::string>>& affiliations() const { return affiliations_; }
  /// Users affiliated to `group_uri`.
  std::vector<std::string> AffiliatedTo(const std::string& group_uri) const;
  /// Where a registered user is reached (its REGISTER's Contact).
  std::optional<Endpoint> Contact(const std::string& user_uri) const;
  /// The CSK a user uploaded (nullptr: none).
  const security::StoredKey* CskOf(const std::string& user_uri) const;
  std::function<void(const std::string& kind)> on_error;
  /// A user affiliated (its affiliation command, accepted): the groups it is now affiliated to.
  std::function<void(const std::string& user_uri, const std::vector<std::string>& groups)> on_affiliated;

 private:
  Host& host_;
  SipStack& sip_;
  McxServerConfig cfg_;
  Provisioned id_;
  security::KeyStore& store_;
  std::map<std::string, Endpoint> contacts_;
  std::map<std::string, std::vector<std::string>> affiliations_;
};

}  // namespace mcx::procedures
