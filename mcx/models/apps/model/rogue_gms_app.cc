#include "mcx/models/apps/model/rogue_gms_app.h"

#include <ns3/log.h>
#include <ns3/simulator.h>
#include <ns3/string.h>

#include "mcx/security/naming_plan.h"

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("McxRogueGmsApp");
NS_OBJECT_ENSURE_REGISTERED(RogueGmsApp);

TypeId RogueGmsApp::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::RogueGmsApp")
          .SetParent<McxKmsClientApp>()
          .SetGroupName("Mcx")
          .AddConstructor<RogueGmsApp>()
          .AddAttribute("UserUri", "The attacker's own MC service ID (its key set comes from the KMS).",
                        StringValue(security::naming::UserUri("mallory")), MakeStringAccessor(&RogueGmsApp::m_userUri),
                        MakeStringChecker())
          .AddAttribute("Kind", "rogue, stale, replay or tampered (procedures::RogueGms).", StringValue("rogue"),
                        MakeStringAccessor(&RogueGmsApp::m_kind), MakeStringChecker())
          .AddAttribute("AttackTime", "When the messages go out (simulated time).", TimeValue(Seconds(5)),
                        MakeTimeAccessor(&RogueGmsApp::m_attackTime), MakeTimeChecker(Seconds(0)))
          .AddTraceSource("Answer", "A member's answer to an attack message (member, result).",
                          MakeTraceSourceAccessor(&RogueGmsApp::m_answerTrace), "mcx::RogueGmsApp::AnswerCallback");
  return tid;
}

RogueGmsApp::RogueGmsApp() = default;
RogueGmsApp::~RogueGmsApp() = default;

void RogueGmsApp::AddTarget(const std::string& member, const std::string& group, Ipv4Address address) {
  NS_LOG_FUNCTION(this << member << group << address);
  m_targets.push_back(procedures::RogueTarget{member, group, procedures::Endpoint{Ipv4String(address), m_sipPort}});
}

void RogueGmsApp::Capture(std::string, std::string member, crypto::Bytes iMessage) {
  NS_LOG_FUNCTION(this << member);
  if (m_rogue)
    m_rogue->Capture(member, std::move(iMessage));
  else
    m_captured.emplace_back(member, std::move(iMessage));
}

void RogueGmsApp::StartApplication() {
  NS_LOG_FUNCTION(this);
  const auto kind = procedures::RogueGms::KindByName(m_kind);
  if (!kind) return Fail("unknown_attack_kind");
  StartHost(false);
  m_sip->SetRequestHandler([this](const procedures::Endpoint& from, const procedures::SipMessage& m) {
    m_sip->SendResponse(from, procedures::SipMessage::Response(405, "Method Not Allowed", m));
  });
  m_host->Start();
  auto client = std::make_shared<procedures::KmsClient>(*m_host, KmsEndpoint(), m_kmsUri, m_userUri, Retry());
  m_host->Dispatch([&] {
    client->Provision([this, client, kind](crypto::Result<procedures::Provisioned> p) {
      if (!p) return Fail(std::string("provisioning_") + crypto::ErrorName(p.error()));
      NS_LOG_INFO(m_userUri << ": provisioned by " << m_kmsUri << " like any user; attacks (" << m_kind << ") at "
                            << m_attackTime.GetSeconds() << " s");
      m_rogue = std::make_unique<procedures::RogueGms>(*m_host, *m_sip, std::move(p).value(), *kind);
      for (auto& [member, message] : m_captured) m_rogue->Capture(member, std::move(message));
      m_captured.clear();
      m_rogue->on_answer = [this](const std::string& member, const std::string& result) {
        NS_LOG_INFO(m_userUri << ": " << member << " answered the " << m_kind << " GMK: " << result);
        m_answerTrace(member, result);
      };
    });
  });
  m_attackEvent = Simulator::Schedule(m_attackTime - Simulator::Now(), &RogueGmsApp::Attack, this);
}

void RogueGmsApp::Attack() {
  NS_LOG_FUNCTION(this);
  if (!m_rogue) return Fail("attack_before_provisioning");
  NS_LOG_INFO(m_userUri << ": sends a " << m_kind << " GMK to " << m_targets.size() << " members");
  m_host->Dispatch([&] { m_rogue->Attack(m_targets); });
}

void RogueGmsApp::StopApplication() {
  NS_LOG_FUNCTION(this);
  m_attackEvent.Cancel();
  McxKmsClientApp::StopApplication();
}

void RogueGmsApp::DoDispose() {
  NS_LOG_FUNCTION(this);
  m_attackEvent.Cancel();
  m_rogue.reset();
  McxKmsClientApp::DoDispose();
}

}  // namespace mcx::models
