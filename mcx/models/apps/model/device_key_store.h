// A device's key store as an ns-3 Object aggregated to its node: the one security::KeyStore that
// every application on the node uses. The on-network client stores what it receives (identities,
// KMS certificates, GMKs with their activation and expiry) and the off-network client uses the
// same keys, so a GMK received on-network is usable off-network with no scenario code in between.
#pragma once

#include <ns3/node.h>
#include <ns3/object.h>
#include <ns3/traced-callback.h>

#include <memory>
#include <optional>
#include <string>

#include "mcx/security/key_store.h"

namespace mcx::models {

class DeviceKeyStore : public ns3::Object {
 public:
  static ns3::TypeId GetTypeId();
  DeviceKeyStore();

  /// The node's key store, made and aggregated to it on first use.
  static ns3::Ptr<DeviceKeyStore> Of(ns3::Ptr<ns3::Node> node);

  security::KeyStore& keys() { return *m_store; }
  const security::KeyStore& keys() const { return *m_store; }
  /// The store for users that keep it beyond a call (security::CallProtection).
  std::shared_ptr<security::KeyStore> shared() const { return m_store; }

  /// A key was stored or revoked: key ID, purpose (security::KeyPurposeName: "GMK", "CSK"...),
  /// group (GMK, MuSiK) and whether it is now revoked.
  typedef void (*KeyStoredCallback)(uint32_t keyId, std::string purpose, std::string group, bool revoked);

 protected:
  void DoDispose() override;

 private:
  /// "node <id>: " of the node it is aggregated to, for the log.
  std::string Owner() const;
  std::optional<uint32_t> m_nodeId;  ///< the node's ID, for the log
  std::shared_ptr<security::KeyStore> m_store;
  ns3::TracedCallback<uint32_t, std::string, std::string, bool> m_keyStoredTrace;
};

}  // namespace mcx::models
