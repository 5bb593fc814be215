// An attacker inside the simulated network that sends members GMKs the GMS did not issue
// (robustness studies; TS 33.180 5.7's receiver checks are what stop it). It is a user of the
// domain like any other (its own key set from the KMS), and it may have recorded the GMS's genuine
// messages on the path. Kinds:
//   rogue    - a fresh GMK signed with its own identity           -> sender_not_authorised
//   stale    - the same, its T payload moved a key period back       -> key_period_not_current
//   replay   - a GMK I_MESSAGE the GMS sent earlier, unchanged     -> accepted once (no effect) or,
//              more than 300 s later, timestamp_out_of_window
//   tampered - such a message with one byte changed                -> signature_invalid
// Each message goes to the member in a NOTIFY with a group document, as the GMS's would; the
// member's answer (200, or 488 naming the failed check) is recorded.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "mcx/procedures/onnet/kms_client.h"
#include "mcx/procedures/transport/sip_stack.h"

namespace mcx::procedures {

struct RogueTarget {
  std::string member;  ///< the member's MC service ID
  std::string group;   ///< the group its GMK is for
  Endpoint contact;    ///< where its SIP requests are received
};

class RogueGms {
 public:
  enum class Kind { kRogue, kStale, kReplay, kTampered };
  /// "rogue", "stale", "replay", "tampered"; nullopt for another name.
  static std::optional<Kind> KindByName(const std::string& name);

  RogueGms(Host& host, SipStack& sip, Provisioned identity, Kind kind)
      : host_(host), sip_(sip), id_(std::move(identity)), kind_(kind) {}
  /// A genuine GMK I_MESSAGE seen on its way to `member` (the first, oldest, one is kept).
  void Capture(const std::string& member, crypto::Bytes i_message) { captured_.emplace(member, std::move(i_message)); }
  /// One message to each target (as a job each).
  void Attack(const std::vector<RogueTarget>& targets);

  /// Each member's answer, by result ("ok", or the failed check's name; "no_answer").
  std::function<void(const std::string& member, const std::string& result)> on_answer;
  uint64_t sent() const { return sent_; }

 private:
  std::optional<crypto::Bytes> Message(const RogueTarget& t);
  Host& host_;
  SipStack& sip_;
  Provisioned id_;
  Kind kind_;
  std::map<std::string, crypto::Bytes> captured_;
  uint64_t sent_ = 0;
};

}  // namespace mcx::procedures
