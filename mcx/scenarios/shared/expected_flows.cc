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

}  // namespace mcx::scenarios
