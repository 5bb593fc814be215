// The MCX server as an ns-3 application (TS 33.180 5.4, 5.7): registrar accepting each UE's CSK
// upload, affiliation, proxy towards the GMS, and (mixing option) receiver of GMKs
// (procedures::McxServer); and the controlling function of pre-arranged group calls with their
// floor control (procedures::GroupCallServer, TS 24.379 10.1.1, TS 24.380 6), every floor timer
// an attribute. Its keys are in the node's DeviceKeyStore.
#pragma once

#include <ns3/ipv4-address.h>

#include <memory>
#include <string>

#include "mcx/models/apps/model/mcx_kms_client_app.h"
#include "mcx/procedures/onnet/group_call_server.h"
#include "mcx/procedures/onnet/mcx_server.h"

namespace mcx::models {

class McxServerApp : public McxKmsClientApp {
 public:
  static ns3::TypeId GetTypeId();
  McxServerApp();
  ~McxServerApp() override;

  /// A floor message sent to a participant: its user, the message type, plain and wire bytes.
  typedef void (*FloorTxCallback)(std::string to, std::string type, uint32_t plain, uint32_t wire);
  typedef void (*GroupCallCallback)(std::string group);
  /// A user's affiliation accepted: the user and one group it is now affiliated to.
  typedef void (*AffiliatedCallback)(std::string user, std::string group);
  /// The group call server (nullptr before provisioning): its tallies and its calls' floors.
  const procedures::GroupCallServer* GroupCalls() const { return m_groupCalls.get(); }

 private:
  void StartApplication() override;
  void DoDispose() override;
  void StartGroupCalls();
  void SetFloorPort(uint16_t p) { m_callCfg.floor_port = p; }
  uint16_t FloorPort() const { return m_callCfg.floor_port; }
  void SetMediaPort(uint16_t p) { m_callCfg.media_port = p; }
  uint16_t MediaPort() const { return m_callCfg.media_port; }
  void SetCallSecurity(bool on) { m_callCfg.security = on; }
  bool CallSecurity() const { return m_callCfg.security; }
  void SetXmlProtection(bool on) { m_callCfg.xml_protection = on; }
  bool XmlProtection() const { return m_callCfg.xml_protection; }
  void SetCorruptKeyMgmt(bool on) { m_callCfg.corrupt_key_mgmt = on; }
  bool CorruptKeyMgmt() const { return m_callCfg.corrupt_key_mgmt; }
  std::string m_mdsiUri;
  std::string m_gmsUri;
  ns3::Ipv4Address m_gmsAddress;
  std::unique_ptr<procedures::McxServer> m_server;
  std::unique_ptr<procedures::GroupCallServer> m_groupCalls;
  procedures::GroupCallServerConfig m_callCfg;
  ns3::Time m_t1, m_t2, m_t3, m_t4, m_t7, m_t8, m_t20;
  uint32_t m_c7 = 10, m_c20 = 3, m_maxQueue = 8;
  bool m_queueing = true, m_preemption = true, m_acks = false;
  ns3::TracedCallback<std::string, std::string, uint32_t, uint32_t> m_floorTxTrace;
  ns3::TracedCallback<std::string> m_callEndedTrace;
  ns3::TracedCallback<std::string, std::string> m_affiliatedTrace;
};

}  // namespace mcx::models
