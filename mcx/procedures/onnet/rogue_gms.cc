#include "mcx/procedures/onnet/rogue_gms.h"

#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/transport/sip_util.h"
#include "mcx/security/domain.h"
#include "mcx/security/mikey.h"
#include "mcx/security/naming_plan.h"

namespace mcx::procedures {

using namespace crypto;
namespace mikey_sakke = security::mikey_sakke;

std::optional<RogueGms::Kind> RogueGms::KindByName(const std::string& name) {
  if (name == "rogue") return Kind::kRogue;
  if (name == "stale") return Kind::kStale;
  if (name == "replay") return Kind::kReplay;
  if (name == "tampered") return Kind::kTampered;
  return std::nullopt;
}

std::optional<Bytes> RogueGms::Message(const RogueTarget& t) {
  if (kind_ == Kind::kReplay || kind_ == Kind::kTampered) {
    auto it = captured_.find(t.member);
    if (it == captured_.end()) return std::nullopt;  // nothing seen for this member
    Bytes m = it->second;
    if (kind_ == Kind::kTampered) m[m.size() / 2] ^= 0x01;  // inside the SAKKE data
    return m;
  }
  // A GMK of its own making, signed as itself (the GMS's procedure, TS 33.180 5.7).
  auto gmk = security::NewGmk(t.group, host_.Rng());
  if (!gmk) return std::nullopt;
  const uint64_t ntp = security::UnixToNtpSeconds(host_.UnixTime());
  auto msg = security::GmkIMessage(*gmk, *id_.identity, *id_.kms, t.member, *id_.kms, ntp, host_.Rng());
  if (!msg) return std::nullopt;
  if (kind_ != Kind::kStale) return *msg;
  // Stale: its T payload moved one key period back (the signature no longer covers it; a
  // receiver refuses the key period before it looks at the signature, TS 33.180 5.2.2).
  auto decoded = security::mikey::Decode(*msg);
  if (!decoded) return std::nullopt;
  for (auto& p : decoded->payloads)
    if (auto* ts = std::get_if<security::mikey::Timestamp>(&p))
      *ts = security::mikey::Timestamp::FromNtpSeconds(ntp - id_.certificate.user_key_period);
  return security::mikey::Encode(*decoded);
}

void RogueGms::Attack(const std::vector<RogueTarget>& targets) {
  for (const RogueTarget& t : targets) {
    auto msg = Message(t);
    host_.EndJob();
    if (!msg) continue;
    const std::string doc = BuildGroupDocument(t.group, {}, {Gktp{"00000000", "", *msg}});
    SipMessage n = SipMessage::Request("NOTIFY", "sip:" + t.contact.ToString());
    n.SetFrom("<" + id_.identity->keys().uri + ">;tag=" + sip_.NewToken());
    n.SetTo("<" + t.member + ">");
    n.SetCallId(sip_.NewToken());
    n.SetCSeq(1, "NOTIFY");
    n.SetHeader("Event", "xcap-diff");
    n.SetHeader("Subscription-State", "active;expires=3600");
    n.AddBody(kGroupDocContentType, ByteView(doc));
    ++sent_;
    const std::string member = t.member;
    sip_.SendRequest(t.contact, std::move(n), [this, member](const SipMessage* r) {
      std::string result = "no_answer";
      if (r && r->Status() / 100 == 2) {
        result = "ok";
      } else if (r) {
        const auto w = r->Header("Warning");
        result = WarningOrStatus(w ? &*w : nullptr, r->Status());
      }
      if (on_answer) on_answer(member, result);
    });
  }
}

}  // namespace mcx::procedures
