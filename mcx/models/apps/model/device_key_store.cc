#include "mcx/models/apps/model/device_key_store.h"

#include <ns3/log.h>

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("McxDeviceKeyStore");
NS_OBJECT_ENSURE_REGISTERED(DeviceKeyStore);

TypeId DeviceKeyStore::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::DeviceKeyStore")
          .SetParent<Object>()
          .SetGroupName("Mcx")
          .AddConstructor<DeviceKeyStore>()
          .AddTraceSource("KeyStored", "A key was stored or revoked (key ID, purpose, group, revoked).",
                          MakeTraceSourceAccessor(&DeviceKeyStore::m_keyStoredTrace),
                          "mcx::DeviceKeyStore::KeyStoredCallback");
  return tid;
}

DeviceKeyStore::DeviceKeyStore() : m_store(std::make_shared<security::KeyStore>()) {
  m_store->on_stored = [this](const security::StoredKey& k) {
    NS_LOG_INFO(Owner() << "stored " << security::KeyPurposeName(k.purpose) << " " << std::hex << k.key_id << std::dec
                          << (k.group_uri.empty() ? "" : " of " + k.group_uri) << (k.revoked ? " (revoked)" : ""));
    m_keyStoredTrace(k.key_id, security::KeyPurposeName(k.purpose), k.group_uri, k.revoked);
  };
}

std::string DeviceKeyStore::Owner() const {
  // Not GetObject<Node>(): a lookup reorders the aggregate, and so the order of its disposal.
  return m_nodeId ? "node " + std::to_string(*m_nodeId) + ": " : std::string();
}

Ptr<DeviceKeyStore> DeviceKeyStore::Of(Ptr<Node> node) {
  NS_LOG_FUNCTION(node);
  Ptr<DeviceKeyStore> s = node->GetObject<DeviceKeyStore>();
  if (!s) {
    NS_LOG_LOGIC("node " << node->GetId() << ": new key store");
    s = CreateObject<DeviceKeyStore>();
    s->m_nodeId = node->GetId();
    node->AggregateObject(s);
  }
  return s;
}

void DeviceKeyStore::DoDispose() {
  NS_LOG_FUNCTION(this);
  m_store->on_stored = nullptr;
  Object::DoDispose();
}

}  // namespace mcx::models
