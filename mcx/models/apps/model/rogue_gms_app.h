// An attacker node as an ns-3 application (procedures::RogueGms): a user of the domain with its
// own key set from the KMS that, at `AttackTime`, sends every target a GMK the GMS did not issue
// (its own, a stale one, or one it recorded: Capture). Each member's answer fires `Answer`.
#pragma once

#include <ns3/event-id.h>
#include <ns3/nstime.h>

#include <memory>
#include <string>
#include <vector>

#include "mcx/models/apps/model/mcx_kms_client_app.h"
#include "mcx/procedures/onnet/rogue_gms.h"

namespace mcx::models {

class RogueGmsApp : public McxKmsClientApp {
 public:
  static ns3::TypeId GetTypeId();
  RogueGmsApp();
  ~RogueGmsApp() override;

  /// Whom to attack: member, its group, its SIP address.
  void AddTarget(const std::string& member, const std::string& group, ns3::Ipv4Address address);
  /// A genuine GMK I_MESSAGE seen on its way to `member` (connect the GMS's GmkMessage trace).
  void Capture(std::string group, std::string member, crypto::Bytes iMessage);

  /// Attack messages sent so far.
  uint64_t Sent() const { return m_rogue ? m_rogue->sent() : 0; }
  /// A member's answer to an attack message: member, result ("ok" or the failed check's name).
  typedef void (*AnswerCallback)(std::string member, std::string result);

 private:
  void StartApplication() override;
  void StopApplication() override;
  void DoDispose() override;
  void Attack();

  std::string m_userUri;
  std::string m_kind;
  ns3::Time m_attackTime;
  std::vector<procedures::RogueTarget> m_targets;
  std::vector<std::pair<std::string, crypto::Bytes>> m_captured;  ///< before the procedure exists
  std::unique_ptr<procedures::RogueGms> m_rogue;
  ns3::EventId m_attackEvent;
  ns3::TracedCallback<std::string, std::string> m_answerTrace;
};

}  // namespace mcx::models
