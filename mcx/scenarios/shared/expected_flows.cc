#include "mcx/scenarios/shared/expected_flows.h"

namespace mcx::scenarios {

FlowSpec RegistrationFlow() {
  return {"registration", "TS 24.379 7.2.1, RFC 3261 10", "SIP",
          {{"UE", "server", "REGISTER", false, true}, {"server", "UE", "200 OK (REGISTER)", false, true}}};
}

FlowSpec CskUploadFlow() {
  return {"CSK upload", "TS 33.180 5.7.1", "SIP",
          {{"UE", "MCX server", "MESSAGE", false, true}, {"MCX server", "UE", "200 OK (MESSAGE)", false, true}}};
}

FlowSpec AutomaticInviteDialogFlow() {
  return {"INVITE dialog, automatic commencement",
          "TS 24.379 10.1.1.2.1.1, 10.1.1.3.1.1; RFC 3261 13, 17",
          "SIP",
          {{"inviter", "invitee", "INVITE", false, true},
           {"invitee", "inviter", "100 Trying (INVITE)", true, true},
           {"invitee", "inviter", "200 OK (INVITE)", false, true},
           {"inviter", "invitee", "ACK", false, true},
           {"inviter", "invitee", "BYE", true, true},
           {"invitee", "inviter", "BYE", true, true},
           {"invitee", "inviter", "200 OK (BYE)", true, true},
           {"inviter", "invitee", "200 OK (BYE)", true, true}}};
}

FlowSpec OffnetPrivateCallFlow() {
  return {"off-network private call, automatic commencement",
          "TS 24.379 11.2.2, 15.1.x",
          "MONP",
          {{"caller", "callee", "PRIVATE CALL SETUP REQUEST", false, true},
           {"callee", "caller", "PRIVATE CALL ACCEPT", false, true},
           {"caller", "callee", "PRIVATE CALL RELEASE", true, true},
           {"callee", "caller", "PRIVATE CALL RELEASE", true, true},
           {"callee", "caller", "PRIVATE CALL RELEASE ACK", true, true},
           {"caller", "callee", "PRIVATE CALL RELEASE ACK", true, true}}};
}

std::vector<FlowSpec> FloorBusyPeriodFlows() {
  const char* source = "TS 24.380 6.2, 6.3, 8";
  // What may come during the period, either way the clause sends it (optional, repeating).
  const std::vector<FlowStep> during = {{"participant", "server", "Floor Request", true, true},
                                        {"server", "participant", "Floor Queue Position Info", true, true},
                                        {"participant", "server", "Floor Queue Position Request", true, true},
                                        {"server", "participant", "Floor Deny", true, true},
                                        {"server", "participant", "Floor Granted", true, true},
                                        {"server", "participant", "Floor Taken", true, true},
                                        {"server", "participant", "Floor Revoke", true, true},
                                        {"participant", "server", "Floor Release", true, true},
                                        {"participant", "server", "Floor Ack", true, true}};
  auto spec = [&](const char* name, std::vector<FlowStep> opening) {
    FlowSpec s{name, source, "Floor", std::move(opening)};
    s.steps.insert(s.steps.end(), during.begin(), during.end());
    s.steps.push_back({"server", "participant", "Floor Idle", false, true});
    return s;
  };
  // (A request for an idle floor is normally granted, but the user may let go first: TS 24.380
  // 6.2.4.3.x, Floor Release from 'U: pending Request'; so the grant is not required.)
  return {spec("floor busy period, requested by the participant", {{"participant", "server", "Floor Request", false, true}}),
          spec("floor busy period, granted at call set-up", {{"server", "participant", "Floor Granted", false, true}}),
          spec("floor busy period, heard from another talker", {{"server", "participant", "Floor Taken", false, true}})};
}

FlowSpec GmkSubscriptionFlow() {
  return {"GMK subscription and rekeys", "TS 24.481, RFC 6665 4; TS 33.180 5.7.2", "SIP",
          {{"member", "MCX server", "SUBSCRIBE", false, true},
           {"MCX server", "GMS", "SUBSCRIBE", false, true},
           {"GMS", "MCX server", "200 OK (SUBSCRIBE)", false, true},
           {"MCX server", "member", "200 OK (SUBSCRIBE)", true, true},  // before the NOTIFY
           {"GMS", "member", "NOTIFY", false, true},
           {"MCX server", "member", "200 OK (SUBSCRIBE)", true, true},  // or after it
           {"member", "GMS", "200 OK (NOTIFY)", false, true}}};
}

std::vector<FlowSpec> OnnetFlows() { return {RegistrationFlow(), CskUploadFlow(), GmkSubscriptionFlow()}; }

std::vector<FlowSpec> OnnetCallFlows() {
  std::vector<FlowSpec> flows = OnnetFlows();
  flows.push_back(AutomaticInviteDialogFlow());
  for (FlowSpec& f : FloorBusyPeriodFlows()) flows.push_back(std::move(f));
  return flows;
}

}  // namespace mcx::scenarios
