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

/// A member's subscription to its group document and the GMKs it brings (TS 24.481 with RFC 6665;
/// TS 33.180 5.7.2, via SIP): SUBSCRIBE through the MCX server (the proxy) to the GMS, its 200 OK
/// back the same way, the GMS's NOTIFY to the member with its 200 OK, and one NOTIFY and 200 OK
/// per rekey. The proxy's 200 OK and the GMS's first NOTIFY may reach the member in either order.
FlowSpec GmkSubscriptionFlow();

/// On-network floor control as one participant sees one busy period of the floor, from its first
/// message to the server's Floor Idle (TS 24.380 6.2 participant, 6.3 server; the recorder
/// splits the flows at Floor Idle). Three openings: the participant asks for an idle floor
/// (Floor Request); it is granted at call set-up (Floor Granted); someone else talks (Floor Taken). Then, in any order and as often as they come, only messages that go the
/// way the clause sends them: requests and releases from the participant, Floor Granted, Taken,
/// Deny, Revoke and Queue Position Info from the server. It ends with Floor Idle. (The order
/// within a period, with its timers, is checked transition by transition by the unit tests of
/// the state machines, tests/procedures/onnet_floor_test.cc.)
std::vector<FlowSpec> FloorBusyPeriodFlows();

/// What an on-network scenario declares: registration, CSK upload and the GMK subscription; a
/// call scenario also the INVITE dialogs and the floor's busy periods.
std::vector<FlowSpec> OnnetFlows();
std::vector<FlowSpec> OnnetCallFlows();

}  // namespace mcx::scenarios
