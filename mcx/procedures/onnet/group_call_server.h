// Pre-arranged group calls in the controlling MCX server (TS 24.379 10.1.1, automatic
// commencement): the originator's INVITE (mcpttinfo session-type "prearranged", the group in
// mcptt-request-uri, an SDP offer with the voice and MCPTT floor-control lines) is answered at
// once, every other affiliated member with a registered contact is invited, and the floor control
// server (floor_control_server.h) runs the call: its messages to each participant are SRTCP under
// that participant's CSK (TS 24.380 13.1), and the talker's voice is relayed to the others as it
// came, still SRTP under the talker's GMK-derived key (the server does not decrypt). A member
// that joins during the call (affiliates, or sends its own INVITE for the group) is invited or
// answered and told at once who talks (late entry). The floor staying idle for T4 ends the call
// (BYE to everyone).
//
// Private calls with automatic commencement (TS 24.379 11.1.1) come to the same PSI with
// mcpttinfo session-type "private" and the called user in mcptt-request-uri: the server invites
// the callee with its own media and floor lines and the caller's a=key-mgmt:mikey carried
// unchanged (the PCK's I_MESSAGE is end to end, TS 33.180 5.7: the server cannot read it), and
// answers the caller only when the callee has: 200 OK with the floor granted, or the callee's own
// refusal (its status and the Warning naming the check that failed). Floor control runs as in a
// group call with two participants, the voice relayed as it came (SRTP under the PCK), and either
// party's BYE ends the call for both. No ns-3.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcx/codec/mcptt_sdp.h"
#include "mcx/procedures/host.h"
#include "mcx/procedures/host_timer.h"
#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/onnet/floor_control_server.h"
#include "mcx/procedures/transport/sip_dialog.h"
#include "mcx/procedures/transport/sip_stack.h"
#include "mcx/security/control_protection.h"
#include "mcx/security/key_store.h"

namespace mcx::procedures {

/// What the server knows of users: affiliations, registrations, CSKs (McxServer's tables).
struct GroupCallDirectory {
  std::function<std::vector<std::string>(const std::string& group_uri)> affiliated;
  std::function<std::optional<Endpoint>(const std::string& user_uri)> contact;
  /// The user's CSK (nullptr: none uploaded).
  std::function<const security::StoredKey*(const std::string& user_uri)> csk;
};

struct GroupCallServerConfig {
  std::string psi = "sip:prearranged@mcx.example.org";  ///< Request-URI of group call INVITEs
  std::string server_uri = "sip:mcx-server@example.org";
  uint16_t floor_port = 49150;  ///< psc-ns3's ports
  uint16_t media_port = 49151;
  FloorServerConfig floor;      ///< per call; broadcast and indicator follow the call type
  uint8_t max_priority = 5;     ///< mc_priority granted at most
  uint8_t emergency_priority = 15;  ///< floor priority of an emergency call's requests
  /// Floor control protected (SRTCP under each participant's CSK); off: plain RTCP (--security off).
  bool security = true;
  /// Attack: a compromised server alters one byte of every private call's I_MESSAGE it relays
  /// (TS 33.180's end-to-end protection is against exactly this: the callee's checks refuse it).
  bool corrupt_key_mgmt = false;
  /// With security on, the mcpttinfo of every INVITE is XML-protected (TS 33.180 9.3: identities
  /// encrypted, body signed, under each client's CSK), and an unprotected one is refused.
  bool xml_protection = true;
};

struct GroupCallServerCounters {
  uint64_t calls = 0, calls_ended = 0, invites_sent = 0, invites_answered = 0, invites_failed = 0;
  /// Members that joined a call already running (affiliated, or called in, after its start).
  uint64_t late_entries = 0;
  uint64_t floor_sent = 0, floor_received = 0;
  uint64_t floor_bytes_plain = 0, floor_bytes_wire = 0;  ///< of what the server sent
  uint64_t invite_bytes = 0;  ///< of the INVITEs the server sent (as serialised)
  uint64_t media_relayed = 0, media_dropped = 0;
  /// Private calls: INVITEs taken, calls answered 200 OK, calls the callee refused (or never answered).
  uint64_t private_invites = 0, private_connected = 0, private_refused = 0;
  std::map<std::string, uint64_t> errors;  ///< by kind
};

class GroupCallServer {
 public:
  GroupCallServer(Host& host, SipStack& sip, GroupCallServerConfig cfg, GroupCallDirectory directory);
  ~GroupCallServer();

  /// A SIP request: true if it was ours (an INVITE to the PSI, an ACK or BYE of a call's dialog).
  bool OnSipRequest(const Endpoint& from, const SipMessage& req);
  /// A member affiliated to a group (or registered): it joins a running call of the group.
  void OnAffiliated(const std::string& user_uri, const std::string& group_uri);
  /// A 200 OK of ours was never ACKed (SipStack's ACK timeout): that participant is gone.
  void OnAckTimeout(const SipMessage& ok);
  /// An INVITE to us ended unanswered by us (SipStack's invite-ended handler: 408 after timer C,
  /// 487 on CANCEL): a private call still waiting for its callee is given up.
  void OnInviteEnded(const SipMessage& invite, int status);
  /// Calls under way, group and private (a private call counts from its INVITE).
  size_t CallCount() const { return calls_.size(); }
  /// A datagram on the floor control port / the media port.
  void OnFloorDatagram(const Endpoint& from, crypto::ByteView data);
  void OnMediaDatagram(const Endpoint& from, crypto::ByteView data);

  bool InCall(const std::string& group_uri) const { return calls_.count(group_uri) > 0; }
  /// The call's floor control server (nullptr: no call).
  const FloorControlServer* Floor(const std::string& group_uri) const;
  /// Connected participants of the group's call.
  std::vector<std::string> Participants(const std::string& group_uri) const;
  const GroupCallServerCounters& counters() const { return counters_; }

  /// Each floor message sent (to whom, the message, its size plain and on the wire).
  std::function<void(const std::string& to, const codec::FloorMessage&, size_t plain, size_t wire)> on_floor_sent;
  std::function<void(const std::string& group_uri)> on_call_ended;
  /// Each failure, by kind (also counted in counters().errors).
  std::function<void(const std::string& kind)> on_error;

 private:
  struct Leg {
    std::string user;
    Endpoint sip;
    std::optional<SipDialog> dialog;
    Endpoint floor, media;
    security::ControlProtection* csk = nullptr;  ///< the user's context (csk_contexts_)
    bool connected = false;
    bool late = false;  ///< joins a running call (late entry)
    std::string invite_branch;
  };
  /// A private call's INVITE from its caller, answered once the callee has.
  struct OriginatorInvite {
    Endpoint from;
    SipMessage invite;
    codec::McpttSdp offer;
  };
  struct Call {
    std::string group;  ///< a private call: "private:" and the caller's Call-ID
    std::string originator;
    bool emergency = false, broadcast = false;
    bool private_call = false;
    crypto::Bytes key_mgmt;  ///< a private call: the caller's I_MESSAGE, relayed to the callee
    std::optional<OriginatorInvite> originator_invite;  ///< a private call not yet answered
    std::unique_ptr<FloorControlServer> floor;
    std::map<std::string, Leg> legs;
    std::unique_ptr<HostTimer> release;  ///< after T4: the call ends (as its own job)
  };
  /// Each user's SRTCP context under its CSK, kept across calls (its index goes on, its replay
  /// window keeps refusing old messages); replaced when the user uploads another CSK.
  struct CskContext {
    uint32_t csk_id = 0;
    std::unique_ptr<security::ControlProtection> protection;
  };

  void Fail(const std::string& kind) {
    ++counters_.errors[kind];
    if (on_error) on_error(kind);
  }
  void Refuse(const Endpoint& from, const SipMessage& req, int status, const char* reason, const std::string& why);
  void OnInvite(const Endpoint& from, const SipMessage& invite);
  void OnPrivateInvite(const Endpoint& from, const SipMessage& invite, const GroupCallOffer& offer);
  /// Answers an originator's INVITE 200 OK and connects it (a new call: its floor starts, granted
  /// to it on an implicit request). False (the INVITE refused) if it cannot be connected.
  bool AnswerOriginator(Call& call, const Endpoint& from, const SipMessage& invite, const codec::McpttSdp& offer,
                        bool running);
  /// A private call's callee refused or never answered: the caller gets its status and reason.
  void RefuseOriginator(const std::string& key, int status, const std::string& why);
  Call& StartCall(const std::string& group, const std::string& originator, bool emergency, bool broadcast);
  /// Sends `user` the call's INVITE; false (counted) if it cannot be sent.
  bool Invite(Call& call, const std::string& user, bool late);
  bool Connect(Call& call, Leg& leg, const codec::McpttSdp& sdp);
  void SendFloor(const std::string& group, const std::string& user, const codec::FloorMessage& m);
  void EndCall(const std::string& group);
  /// A participant is gone (BYE, or its 200 OK never ACKed); by value: the leg holding them goes.
  void Leave(std::string group, std::string user);
  codec::McpttSdp OurSdp(const codec::FloorFmtp& floor) const;
  std::pair<Call*, Leg*> LegByFloor(const Endpoint& from);
  /// Whether the mcpttinfo goes XML-protected (security and XML protection on).
  bool ProtectInfo() const { return cfg_.security && cfg_.xml_protection; }

  Host& host_;
  SipStack& sip_;
  GroupCallServerConfig cfg_;
  GroupCallDirectory dir_;
  std::map<std::string, Call> calls_;  ///< by group
  std::map<std::string, CskContext> csk_contexts_;  ///< by user
  GroupCallServerCounters counters_;
};

}  // namespace mcx::procedures
