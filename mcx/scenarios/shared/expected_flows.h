// The message sequences the procedures must produce, as the scenarios declare them for
// --flows (registry/flows.h): each from the clause that prescribes it.
#pragma once

#include "mcx/scenarios/registry/flows.h"

namespace mcx::scenarios {

/// REGISTER and its 200 OK (TS 24.379 7.2.1, RFC 3261 10; Timer E retransmits).
FlowSpec RegistrationFlow();
/// The CSK upload: a SIP MESSAGE carrying the CSK's I_MESSAGE, and its 200 OK (TS 33.180 5.7.1).
FlowSpec CskUploadFlow();
/// An INVITE dialog with automatic commencement (TS 24.379 10.1.1.2.1.1 originating client,
/// 10.1.1.3.1.1 controlling function towards each member; RFC 3261 13, 17): INVITE, an optional
/// 100 Trying, 200 OK without ringing, ACK, and a BYE from either side with its 200 OK.
FlowSpec AutomaticInviteDialogFlow();
/// An off-network private call with automatic commencement (TS 24.379 11.2.2.x, TS 24.379
/// 15.1.x messages): PRIVATE CALL SETUP REQUEST (repeated on TFP1 until answered), PRIVATE CALL
/// ACCEPT (repeated for a repeated request), and an optional release from either side.
FlowSpec OffnetPrivateCallFlow();

}  // namespace mcx::scenarios
