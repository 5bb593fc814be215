#include "mcx/procedures/onnet/group_call_server.h"

#include <algorithm>

#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/onnet/info_protection.h"
#include "mcx/procedures/transport/sip_util.h"

namespace mcx::procedures {

GroupCallServer::GroupCallServer(Host& host, SipStack& sip, GroupCallServerConfig cfg, GroupCallDirectory directory)
    : host_(host), sip_(sip), cfg_(std::move(cfg)), dir_(std::move(directory)) {}

GroupCallServer::~GroupCallServer() {
  on_call_ended = nullptr;
  calls_.clear();
}

const FloorControlServer* GroupCallServer::Floor(const std::string& group) const {
  auto it = calls_.find(group);
  return it == calls_.end() ? nullptr : it->second.floor.get();
}

std::vector<std::string> GroupCallServer::Participants(const std::string& group) const {
  std::vector<std::string> out;
  auto it = calls_.find(group);
  if (it == calls_.end()) return out;
  for (const auto& [user, leg] : it->second.legs)
    if (leg.connected) out.push_back(user);
  return out;
}

codec::McpttSdp GroupCallServer::OurSdp(const codec::FloorFmtp& floor) const {
  codec::McpttSdp sdp;
  sdp.address = host_.SipSelf().host;
  sdp.media_port = cfg_.media_port;
  sdp.floor_port = cfg_.floor_port;
  sdp.floor = floor;
  return sdp;
}

void GroupCallServer::Refuse(const Endpoint& from, const SipMessage& req, int status, const char* reason,
                             const std::string& why) {
  Fail(why);
  sip_.SendResponse(from, Refusal(status, reason, req, why, sip_.NewToken()));
}

// ---- SIP ----

bool GroupCallServer::OnSipRequest(const Endpoint& from, const SipMessage& req) {
  const std::string method = req.Method();
  if (method == "INVITE" && req.RequestUri() == cfg_.psi) {
    OnInvite(from, req);
    return true;
  }
  if (method != "ACK" && method != "BYE") return false;
  for (auto& [group, call] : calls_) {
    for (auto& [user, leg] : call.legs) {
      if (!leg.dialog || !leg.dialog->Owns(req)) continue;
      if (method == "ACK") return true;  // the stack stopped resending our 200 OK
      if (!leg.dialog->TakeRemoteCSeq(req)) {
        sip_.SendResponse(from, SipMessage::Response(500, "Server Internal Error", req));
        return true;
      }
      // TS 24.379 10.1.1.4.x: a participant leaves; the call goes on while anyone is in it.
      sip_.SendResponse(from, SipMessage::Response(200, "OK", req));
      Leave(std::string(group), std::string(user));
      return true;
    }
  }
  return false;
}

void GroupCallServer::OnInvite(const Endpoint& from, const SipMessage& invite) {
  // TS 24.379 10.1.1.4.1 (controlling function, originating): the offer and the mcpttinfo, whose
  // signature and encrypted identities open only under the caller's CSK (TS 33.180 9.3).
  const std::string caller = invite.FromUri();
  const security::StoredKey* caller_csk = cfg_.security && dir_.csk ? dir_.csk(caller) : nullptr;
  if (cfg_.security && !caller_csk) return Refuse(from, invite, 403, "Forbidden", "no_csk");
  std::optional<security::xmlsec::KeyLookup> info_keys;
  if (ProtectInfo()) info_keys = CskKeyLookup({caller_csk}, caller);
  auto read = ReadGroupCallOffer(invite, info_keys ? &*info_keys : nullptr);
  if (auto* why = std::get_if<std::string>(&read)) {
    const auto [status, reason] = OfferRefusal(*why);
    return Refuse(from, invite, status, reason, *why);
  }
  const GroupCallOffer& call_offer = std::get<GroupCallOffer>(read);
  const McpttInfo* info = &call_offer.info;
  if (!info->calling_user.empty() && info->calling_user != caller)
    return Refuse(from, invite, 403, "Forbidden", "calling_user_mismatch");
  if (info->session_type == "private") return OnPrivateInvite(from, invite, call_offer);
  const std::string& group = info->request_uri;
  const auto members = dir_.affiliated ? dir_.affiliated(group) : std::vector<std::string>{};
  if (std::find(members.begin(), members.end(), caller) == members.end())
    return Refuse(from, invite, 403, "Forbidden", "not_affiliated");

  auto it = calls_.find(group);
  const bool running = it != calls_.end();
  if (running && it->second.legs.count(caller) && it->second.legs.at(caller).connected)
    return Refuse(from, invite, 486, "Busy Here", "already_in_call");
  Call& call = running ? it->second : StartCall(group, caller, info->emergency, info->broadcast);
  if (!AnswerOriginator(call, from, invite, call_offer.sdp, running)) {
    if (!running) calls_.erase(group);
    return;
  }
  if (!running) {
    ++counters_.calls;
    // Automatic commencement: every other affiliated member is invited.
    for (const std::string& m : members)
      if (m != caller) Invite(call, m, false);
  }
}

bool GroupCallServer::AnswerOriginator(Call& call, const Endpoint& from, const SipMessage& invite,
                                       const codec::McpttSdp& offer, bool running) {
  const std::string caller = invite.FromUri();
  // The answer: queueing as both support it, the priority capped, and the floor granted in the
  // answer (mc_granted) when the offer asked for it implicitly and nobody talks.
  // (In a running broadcast call only its originator may talk, so nobody joining gets the floor.)
  const bool grant_now = offer.floor.implicit_request && (!running || (call.floor->talker().empty() && !call.broadcast));
  codec::FloorFmtp ours;
  ours.queueing = cfg_.floor.queueing;
  ours.priority = call.emergency ? cfg_.emergency_priority : cfg_.max_priority;
  const codec::McpttSdp answer = OurSdp(codec::FloorAnswer(offer.floor, ours, grant_now));
  SipMessage ok = SipMessage::Response(200, "OK", invite, sip_.NewToken());
  ok.SetContact("<sip:mcx@" + host_.SipSelf().ToString() + ">");
  const std::string text = answer.Text();
  ok.AddBody(kSdpContentType, crypto::ByteView(text));
  auto dialog = SipDialog::AsCallee(invite, ok);
  if (!dialog) {
    Refuse(from, invite, 400, "Bad Request", "no_dialog");
    return false;
  }
  Leg& leg = call.legs[caller];
  leg.user = caller;
  leg.late = running;
  leg.sip = dialog->peer();
  leg.dialog = std::move(dialog);
  if (!Connect(call, leg, offer)) {  // it counted why
    call.legs.erase(caller);
    sip_.SendResponse(from, Refusal(403, "Forbidden", invite, "no_csk", sip_.NewToken()));
    return false;
  }
  sip_.SendResponse(from, ok);
  const uint8_t priority = std::min<uint8_t>(offer.floor.priority.value_or(1), *ours.priority);
  const uint16_t request_indicator = codec::CallIndicator(call.emergency, call.broadcast);
  if (!running) {
    // Automatic commencement: the originator holds the floor if it asked for it.
    std::optional<std::string> implicit;
    if (offer.floor.implicit_request) implicit = caller;
    call.floor->Start(implicit, priority, request_indicator);
  } else if (offer.floor.implicit_request) {
    call.floor->Receive(caller, codec::FloorRequest(0, priority, request_indicator));
  }
  return true;
}

void GroupCallServer::OnPrivateInvite(const Endpoint& from, const SipMessage& invite, const GroupCallOffer& offer) {
  // TS 24.379 11.1.1.4 (controlling function, private call with automatic commencement).
  const std::string caller = invite.FromUri();
  const std::string& callee = offer.info.request_uri;
  ++counters_.private_invites;
  if (callee == caller) return Refuse(from, invite, 403, "Forbidden", "private_call_to_self");
  // TS 33.180 5.7: the PCK goes end to end in the offer; without it the call has no E2E context.
  if (cfg_.security && offer.sdp.mikey.empty())
    return Refuse(from, invite, 488, "Not Acceptable Here", "no_key_in_offer");
  if (!dir_.contact || !dir_.contact(callee)) return Refuse(from, invite, 404, "Not Found", "callee_not_registered");
  if (cfg_.security && !dir_.csk(callee)) return Refuse(from, invite, 480, "Temporarily Unavailable", "callee_no_csk");
  const std::string key = "private:" + invite.CallId();
  // The stack absorbs retransmissions: this is another INVITE under a Call-ID in use.
  if (calls_.count(key)) return Refuse(from, invite, 486, "Busy Here", "call_id_in_use");
  Call& call = StartCall(key, caller, offer.info.emergency, false);
  call.private_call = true;
  call.key_mgmt = offer.sdp.mikey;
  if (cfg_.corrupt_key_mgmt && !call.key_mgmt.empty()) call.key_mgmt[call.key_mgmt.size() / 2] ^= 0x01;
  call.originator_invite = OriginatorInvite{from, invite, offer.sdp};
  if (!Invite(call, callee, false)) RefuseOriginator(key, 500, "callee_not_invited");
}

void GroupCallServer::OnInviteEnded(const SipMessage& invite, int status) {
  for (auto& [key, call] : calls_) {
    if (!call.originator_invite || call.originator_invite->invite.CallId() != invite.CallId() ||
        call.originator_invite->invite.FromTag() != invite.FromTag())
      continue;
    // The caller's INVITE is over (answered 408 or cancelled): the callee's is given up with it,
    // by BYE once it answers (its leg goes now, so its 200 OK finds no leg and is hung up).
    Fail(status == 487 ? "private_cancelled" : "private_caller_timeout");
    ++counters_.private_refused;
    call.floor->Stop();
    calls_.erase(key);
    return;
  }
}

void GroupCallServer::RefuseOriginator(const std::string& key, int status, const std::string& why) {
  auto it = calls_.find(key);
  if (it == calls_.end() || !it->second.originator_invite) return;
  const OriginatorInvite o = *it->second.originator_invite;
  ++counters_.private_refused;
  it->second.floor->Stop();
  calls_.erase(it);
  // The callee's refusal goes to the caller as it came: its status, and the Warning naming why
  // (e.g. the receiver check on the I_MESSAGE that failed). A status that is not the callee's
  // final word on the call (a redirect, an authentication challenge meant for us) becomes 480.
  if (status < 400 || status > 699 || status == 401 || status == 407) status = 480;
  const char* reason = status == 480 ? "Temporarily Unavailable" : status == 486 ? "Busy Here"
                       : status == 488 ? "Not Acceptable Here" : status == 403 ? "Forbidden"
                       : status == 500 ? "Server Internal Error" : "Call Refused";
  sip_.SendResponse(o.from, Refusal(status, reason, o.invite, why, sip_.NewToken()));
}

GroupCallServer::Call& GroupCallServer::StartCall(const std::string& group, const std::string& originator,
                                                  bool emergency, bool broadcast) {
  Call& call = calls_[group];
  call.group = group;
  call.originator = originator;
  call.emergency = emergency;
  call.broadcast = broadcast;
  FloorServerConfig fc = cfg_.floor;
  fc.broadcast = broadcast;
  fc.indicator = codec::CallIndicator(emergency, broadcast);
  if (fc.ssrc == 0) fc.ssrc = DrawSsrc(host_);
  FloorServerHooks hooks;
  hooks.send = [this, group](const std::string& user, const codec::FloorMessage& m) { SendFloor(group, user, m); };
  // T4: the floor stayed idle: release the call, as a job of its own (not inside the floor
  // server's timer), if the floor is still idle then.
  call.release = std::make_unique<HostTimer>(host_);
  hooks.on_inactive = [this, group] {
    calls_.at(group).release->Start(0.0, [this, group] {
      auto it = calls_.find(group);
      if (it != calls_.end() && it->second.floor->state() == FloorServerState::kFloorIdle) EndCall(group);
    });
  };
  call.floor = std::make_unique<FloorControlServer>(fc, host_, hooks);
  return call;
}

bool GroupCallServer::Connect(Call& call, Leg& leg, const codec::McpttSdp& sdp) {
  leg.floor = Endpoint{sdp.address, sdp.floor_port};
  leg.media = Endpoint{sdp.address, sdp.media_port};
  if (cfg_.security) {
    const security::StoredKey* csk = dir_.csk ? dir_.csk(leg.user) : nullptr;
    CskContext& context = csk_contexts_[leg.user];
    if (csk && (!context.protection || context.csk_id != csk->key_id)) {
      auto protection = security::ControlProtection::ForCsk(*csk);
      if (protection) {
        context.csk_id = csk->key_id;
        context.protection = std::make_unique<security::ControlProtection>(std::move(protection).value());
      }
    }
    if (!csk || !context.protection || context.csk_id != csk->key_id) {
      Fail("no_csk");
      return false;
    }
    leg.csk = context.protection.get();
  }
  leg.connected = true;
  const uint8_t cap = call.emergency ? cfg_.emergency_priority : cfg_.max_priority;
  const uint8_t max_priority = std::min<uint8_t>(sdp.floor.priority.value_or(cap), cap);
  if (leg.late) ++counters_.late_entries;
  // The towards-participant machine starts now (TS 24.380 6.3.5.1); in a running call it tells
  // the newcomer who talks (late entry).
  call.floor->AddParticipant(leg.user, 0, max_priority, sdp.floor.queueing && cfg_.floor.queueing);
  return true;
}

bool GroupCallServer::Invite(Call& call, const std::string& user, bool late) {
  const auto contact = dir_.contact ? dir_.contact(user) : std::nullopt;
  if (!contact) return Fail("no_contact"), false;
  if (call.legs.count(user)) return true;  // invited already
  const security::StoredKey* csk = ProtectInfo() && dir_.csk ? dir_.csk(user) : nullptr;
  if (ProtectInfo() && !csk) return Fail("no_csk"), false;  // nothing to protect its mcpttinfo with
  Leg& leg = call.legs[user];
  leg.user = user;
  leg.sip = *contact;
  leg.late = late;
  // TS 24.379 10.1.1.4.x (terminating): an INVITE with the server's offer and the mcpttinfo.
  SipMessage inv = SipMessage::Request("INVITE", user);
  inv.SetFrom("<" + cfg_.server_uri + ">;tag=" + sip_.NewToken());
  inv.SetTo("<" + user + ">");
  inv.SetCallId(sip_.NewToken() + "@" + host_.SipSelf().host);
  inv.SetCSeq(1, "INVITE");
  inv.SetContact("<sip:mcx@" + host_.SipSelf().ToString() + ">");
  codec::FloorFmtp ours;
  ours.queueing = cfg_.floor.queueing;
  ours.priority = call.emergency ? cfg_.emergency_priority : cfg_.max_priority;
  codec::McpttSdp offer = OurSdp(ours);
  offer.mikey = call.key_mgmt;  // a private call: the caller's I_MESSAGE, end to end
  const std::string sdp = offer.Text();
  inv.AddBody(kSdpContentType, crypto::ByteView(sdp));
  McpttInfo info;
  info.session_type = call.private_call ? "private" : "prearranged";
  info.request_uri = call.private_call ? user : call.group;
  info.calling_user = call.originator;
  info.emergency = call.emergency;
  info.broadcast = call.broadcast;
  // TS 33.180 9.3: under the invitee's CSK (its identities encrypted, the body signed).
  std::optional<security::xmlsec::SignallingKeys> info_keys;
  if (csk) info_keys = CskSignallingKeys(*csk, user);
  if (crypto::Status st = AddMcpttInfo(inv, info, info_keys ? &*info_keys : nullptr, host_.Rng()); !st.ok()) {
    call.legs.erase(user);
    Fail("info_" + std::string(crypto::ErrorName(st.error())));
    return false;
  }
  ++counters_.invites_sent;
  counters_.invite_bytes += inv.Serialize().size();
  const std::string group = call.group;
  InviteHandlers h;
  h.final = [this, group, user, inv](const SipMessage* r) {
    // The leg this INVITE is for: still in the call and not yet connected. The user may have
    // joined by its own INVITE meanwhile (that leg is connected: not ours to touch), or the call
    // may have ended.
    Leg* leg = nullptr;
    if (auto it = calls_.find(group); it != calls_.end())
      if (auto l = it->second.legs.find(user);
          l != it->second.legs.end() && !l->second.connected && (!r || r->TopViaBranch() == l->second.invite_branch))
        leg = &l->second;
    // The member is not joining (its leg goes); a private call's caller is then refused with
    // `status` and `why`, or, answered already, hung up.
    auto drop = [this, group, user](int status, const std::string& why) {
      auto it = calls_.find(group);
      if (it == calls_.end()) return;
      it->second.legs.erase(user);
      if (it->second.originator_invite)
        RefuseOriginator(group, status, why);
      else if (it->second.private_call)
        EndCall(group);
    };
    if (!r || r->Status() >= 300) {
      ++counters_.invites_failed;
      Fail(r ? "invite_" + std::to_string(r->Status()) : "invite_timeout");
      const auto w = r ? r->Header("Warning") : std::nullopt;
      if (leg) drop(r ? r->Status() : 480, r ? WarningOrStatus(w ? &*w : nullptr, r->Status()) : "callee_no_answer");
      return;
    }
    auto dialog = SipDialog::AsCaller(inv, *r);
    if (!dialog) {  // a 2xx we cannot answer (no To tag or Contact): the member is not reached
      ++counters_.invites_failed;
      Fail("no_dialog");
      if (leg) drop(480, "no_dialog");
      return;
    }
    sip_.SendAck(dialog->peer(), dialog->Ack(1));
    const auto body = r->Body(kSdpContentType);
    auto answer = body ? codec::McpttSdp::Parse(std::string(body->begin(), body->end()))
                       : crypto::Result<codec::McpttSdp>(crypto::Error::kMissingPayload);
    if (!leg || !answer) {  // not wanted any more, or an answer we cannot use: hang up
      if (!answer) Fail("bad_sdp_answer");
      sip_.SendRequest(dialog->peer(), dialog->Request("BYE"), [](const SipMessage*) {});
      if (leg) drop(488, "bad_sdp_answer");
      return;
    }
    ++counters_.invites_answered;
    leg->dialog = std::move(dialog);
    Call& call = calls_.at(group);
    if (!Connect(call, *leg, *answer)) {
      sip_.SendRequest(leg->dialog->peer(), leg->dialog->Request("BYE"), [](const SipMessage*) {});
      return drop(403, "no_csk");
    }
    if (call.originator_invite) {
      // A private call: the callee accepted the PCK and is connected; now the caller is answered
      // (and granted the floor). If it cannot be, the call ends (BYE to the callee).
      const OriginatorInvite o = std::move(*call.originator_invite);
      call.originator_invite.reset();
      if (!AnswerOriginator(call, o.from, o.invite, o.offer, false)) return EndCall(group);
      ++counters_.calls;
      ++counters_.private_connected;
    }
  };
  h.retransmitted_2xx = [this, inv](const SipMessage& r) {
    if (auto d = SipDialog::AsCaller(inv, r)) sip_.SendAck(d->peer(), d->Ack(1));
  };
  leg.invite_branch = sip_.SendInvite(*contact, inv, h);
  return true;
}

void GroupCallServer::OnAckTimeout(const SipMessage& ok) {
  for (auto& [group, call] : calls_) {
    for (auto& [user, leg] : call.legs) {
      if (!leg.dialog || leg.dialog->call_id() != ok.CallId() || leg.dialog->local_tag() != ok.ToTag()) continue;
      // RFC 3261 13.3.1.4: the dialog is confirmed never; the participant is gone (BYE, as told).
      Fail("ack_timeout");
      sip_.SendRequest(leg.dialog->peer(), leg.dialog->Request("BYE"), [](const SipMessage*) {});
      Leave(std::string(group), std::string(user));
      return;
    }
  }
}

void GroupCallServer::Leave(std::string group, std::string user) {
  Call& call = calls_.at(group);
  call.floor->RemoveParticipant(user);
  call.legs.erase(user);
  // Nobody left; or a private call, which ends for both when either party leaves (11.1.3).
  if (Participants(group).empty() || call.private_call) EndCall(group);
}

void GroupCallServer::OnAffiliated(const std::string& user, const std::string& group) {
  auto it = calls_.find(group);
  if (it != calls_.end() && !it->second.legs.count(user)) Invite(it->second, user, true);
}

void GroupCallServer::EndCall(const std::string& group) {
  auto it = calls_.find(group);
  if (it == calls_.end()) return;
  // TS 24.379 10.1.1.4.4: the controlling function releases the call: BYE to each participant.
  for (auto& [user, leg] : it->second.legs)
    if (leg.connected && leg.dialog)
      sip_.SendRequest(leg.dialog->peer(), leg.dialog->Request("BYE"), [](const SipMessage*) {});
  it->second.floor->Stop();
  calls_.erase(it);
  ++counters_.calls_ended;
  if (on_call_ended) on_call_ended(group);
}

// ---- floor control and media ----

void GroupCallServer::SendFloor(const std::string& group, const std::string& user, const codec::FloorMessage& m) {
  auto it = calls_.find(group);
  if (it == calls_.end()) return;
  auto leg = it->second.legs.find(user);
  if (leg == it->second.legs.end() || !leg->second.connected) return;
  // TS 24.380 13.1: SRTCP under the participant's CSK (security on).
  auto p = security::FloorToWire(leg->second.csk, m);
  if (!p) return Fail("floor_protect_" + std::string(crypto::ErrorName(p.error())));
  ++counters_.floor_sent;
  counters_.floor_bytes_plain += p->sizes.plain;
  counters_.floor_bytes_wire += p->sizes.wire;
  if (on_floor_sent) on_floor_sent(user, m, p->sizes.plain, p->sizes.wire);
  host_.SendDatagram(cfg_.floor_port, leg->second.floor, std::move(p->wire));
}

std::pair<GroupCallServer::Call*, GroupCallServer::Leg*> GroupCallServer::LegByFloor(const Endpoint& from) {
  for (auto& [group, call] : calls_)
    for (auto& [user, leg] : call.legs)
      if (leg.connected && leg.floor == from) return {&call, &leg};
  return {nullptr, nullptr};
}

void GroupCallServer::OnFloorDatagram(const Endpoint& from, crypto::ByteView data) {
  auto [call, leg] = LegByFloor(from);
  if (!leg) return Fail("floor_unknown_sender");
  auto m = security::FloorFromWire(leg->csk, data);
  if (!m) return Fail("floor_" + std::string(crypto::ErrorName(m.error())));
  ++counters_.floor_received;
  call->floor->Receive(leg->user, *m);
}

void GroupCallServer::OnMediaDatagram(const Endpoint& from, crypto::ByteView data) {
  for (auto& [group, call] : calls_) {
    for (auto& [user, leg] : call.legs) {
      if (!leg.connected || !(leg.media == from)) continue;
      // The talker's media goes to every other participant as it came (SRTP under the talker's
      // key; the server holds no GMK unless it mixes).
      if (!call.floor->MediaReceived(user)) {
        ++counters_.media_dropped;
        return;
      }
      for (auto& [other, to] : call.legs) {
        if (other == user || !to.connected) continue;
        ++counters_.media_relayed;
        host_.SendDatagram(cfg_.media_port, to.media, crypto::Bytes(data.begin(), data.end()));
      }
      return;
    }
  }
  Fail("media_unknown_sender");
}

}  // namespace mcx::procedures
