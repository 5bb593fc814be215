#include "mcx/procedures/transport/sip_stack.h"

#include <algorithm>

namespace mcx::procedures {

SipStack::~SipStack() {
  for (auto& [b, c] : clients_) {
    host_.Cancel(c.timer_e);
    host_.Cancel(c.timer_f);
  }
  for (auto& [b, c] : invite_clients_)
    for (TimerId t : {c.timer_a, c.timer_b, c.timer_end, c.timer_cancel}) host_.Cancel(t);
  for (auto& [b, s] : invite_servers_)
    for (TimerId t : {s.timer_g, s.timer_h, s.timer_end, s.timer_c}) host_.Cancel(t);
}

std::string SipStack::NewToken() {
  uint8_t b[8];
  (void)host_.Rng().Fill(b, sizeof b);
  uint64_t v = 0;
  for (uint8_t x : b) v = v << 8 | x;
  return SipToken(v);
}

void SipStack::Transmit(const Endpoint& to, const Bytes& wire) {
  counters_.bytes_sent += wire.size();
  host_.SendSip(to, wire, tcp_);
}

namespace {
// Our Via with a fresh branch; returns the branch.
std::string AddOwnVia(SipMessage& m, const Endpoint& self, bool tcp, const std::string& token) {
  const std::string branch = std::string(kBranchMagic) + token;
  m.AddVia(std::string("SIP/2.0/") + (tcp ? "TCP " : "UDP ") + self.ToString() + ";branch=" + branch);
  return branch;
}
}  // namespace

void SipStack::SendRequest(const Endpoint& to, SipMessage request, ResponseFn done) {
  const std::string branch = AddOwnVia(request, host_.SipSelf(), tcp_, NewToken());
  StartClient(to, branch, request.Method(), request.Serialize(), std::move(done));
}

void SipStack::StartClient(const Endpoint& to, const std::string& branch, const std::string& method, Bytes wire,
                           ResponseFn done) {
  if (clients_.count(branch)) {  // one non-INVITE client transaction per branch (a CANCEL's is its INVITE's)
    if (done) done(nullptr);
    return;
  }
  Client c{to, method, std::move(wire), std::move(done), timers_.t1, 0, 0};
  ++counters_.requests_sent;
  Transmit(to, c.wire);
  if (!tcp_) c.timer_e = host_.Schedule(timers_.t1, [this, branch] { OnTimerE(branch); });
  c.timer_f = host_.Schedule(64 * timers_.t1, [this, branch] { OnTimerF(branch); });
  clients_[branch] = std::move(c);
}

std::string SipStack::AckKey(const SipMessage& m) {
  // 13.2.2.4 / 17.2.3: the ACK of a 2xx is the dialog's (Call-ID and both tags) with the INVITE's
  // CSeq number; the 2xx itself carries the same.
  return m.CallId() + " " + m.FromTag() + " " + m.ToTag() + " " + std::to_string(m.CSeqNumber());
}

std::string SipStack::ServerKey(const SipMessage& m) {
  // 17.2.3: a server transaction is the top Via's branch and sent-by (an INVITE, its CANCEL and
  // the ACK of a failure carry the same top Via).
  const std::string via = m.TopVia();
  const auto sp = via.find(' ');
  const std::string sent_by = sp == std::string::npos ? "" : via.substr(sp + 1, via.find(';', sp) - sp - 1);
  return m.TopViaBranch() + " " + sent_by;
}

// ---- INVITE client transaction (17.1.1, RFC 6026 8.4) ----

namespace {
// A request of an INVITE's own transaction (the ACK of a failure, 17.1.1.3; a CANCEL, 9.1): the
// INVITE's Request-URI, top Via (its branch), From, Call-ID and CSeq number, with `to` as To.
SipMessage OfInviteTransaction(const SipMessage& invite, const std::string& method, const std::string& to) {
  SipMessage m = SipMessage::Request(method, invite.RequestUri());
  m.AddVia(invite.TopVia());
  m.SetFrom(invite.From());
  m.SetTo(to);
  m.SetCallId(invite.CallId());
  m.SetCSeq(invite.CSeqNumber(), method);
  return m;
}
}  // namespace

std::string SipStack::SendInvite(const Endpoint& to, SipMessage invite, InviteHandlers handlers) {
  const std::string branch = AddOwnVia(invite, host_.SipSelf(), tcp_, NewToken());
  Bytes wire = invite.Serialize();
  InviteClient c{to, std::move(invite), wire, std::move(handlers), InviteClient::State::kCalling, timers_.t1, 0, 0, 0, 0,
                 {}, {}, false};
  ++counters_.requests_sent;
  Transmit(to, wire);
  // Timer A: the INVITE again at T1, 2 T1, 4 T1 ... (UDP) while no response has come.
  auto timer_a = [this, branch](auto& self) -> void {
    auto it = invite_clients_.find(branch);
    if (it == invite_clients_.end() || it->second.state != InviteClient::State::kCalling) return;
    ++counters_.retransmissions;
    Transmit(it->second.to, it->second.wire);
    it->second.interval *= 2;
    it->second.timer_a = host_.Schedule(it->second.interval, [self] { self(self); });
  };
  if (!tcp_) c.timer_a = host_.Schedule(timers_.t1, [timer_a] { timer_a(timer_a); });
  // Timer B: no response at all.
  c.timer_b = host_.Schedule(64 * timers_.t1, [this, branch] {
    auto it = invite_clients_.find(branch);
    if (it == invite_clients_.end() || it->second.state != InviteClient::State::kCalling) return;
    auto final = std::move(it->second.handlers.final);
    auto cancel = std::move(it->second.cancel);
    EndInviteClient(branch);
    ++counters_.timeouts;
    if (cancel && *cancel) (*cancel)(nullptr);
    if (final) final(nullptr);
  });
  invite_clients_.emplace(branch, std::move(c));
  return branch;
}

void SipStack::EndInviteClient(const std::string& branch) {
  auto it = invite_clients_.find(branch);
  if (it == invite_clients_.end()) return;
  for (TimerId t : {it->second.timer_a, it->second.timer_b, it->second.timer_end, it->second.timer_cancel})
    host_.Cancel(t);
  invite_clients_.erase(it);
}

void SipStack::OnInviteResponse(InviteClient& c, const std::string& branch, const SipMessage& r) {
  using State = InviteClient::State;
  const int status = r.Status();
  if (status < 200) {
    if (c.state != State::kCalling && c.state != State::kProceeding) return;
    if (c.state == State::kCalling) {  // 17.1.1.2: Proceeding, no more retransmissions
      c.state = State::kProceeding;
      host_.Cancel(c.timer_a);
      host_.Cancel(c.timer_b);
      // A peer that only ever sends provisional responses must not keep us waiting for good: at
      // timer_c the INVITE is cancelled (9.1), which ends it one way or the other.
      c.timer_b = host_.Schedule(timers_.timer_c, [this, branch] {
        auto it = invite_clients_.find(branch);
        if (it == invite_clients_.end() || it->second.state != InviteClient::State::kProceeding) return;
        if (!it->second.cancel_sent) SendCancelNow(it->second, branch, nullptr);
      });
    }
    std::optional<ResponseFn> cancel = std::move(c.cancel);
    c.cancel.reset();
    auto provisional = c.handlers.provisional;
    if (cancel) SendCancelNow(c, branch, std::move(*cancel));
    if (provisional) provisional(r);  // may end or change the transaction: c not used after this
    return;
  }
  if (status < 300) {
    if (c.state == State::kAccepted) {  // its ACK was lost: the caller ACKs again
      ++counters_.retransmissions_absorbed;
      if (auto again = c.handlers.retransmitted_2xx) again(r);
      return;
    }
    if (c.state == State::kCompleted) return;
    // RFC 6026 8.4: Accepted, passing every 2xx on until Timer M (64 T1).
    c.state = State::kAccepted;
    host_.Cancel(c.timer_a);
    host_.Cancel(c.timer_b);
    c.timer_end = host_.Schedule(64 * timers_.t1, [this, branch] { EndInviteClient(branch); });
    std::optional<ResponseFn> cancel = std::move(c.cancel);
    c.cancel.reset();
    auto final = c.handlers.final;
    if (cancel && *cancel) (*cancel)(nullptr);
    if (final) final(&r);
    return;
  }
  if (c.state == State::kCompleted) {  // 17.1.1.2: a retransmitted final response, ACK again
    ++counters_.retransmissions_absorbed;
    Transmit(c.to, c.ack);
    return;
  }
  if (c.state == State::kAccepted) return;
  // 17.1.1.3: the ACK of a 300-699 is the transaction's, with the INVITE's Via and the
  // response's To (its tag).
  c.ack = OfInviteTransaction(c.invite, "ACK", r.To()).Serialize();
  Transmit(c.to, c.ack);
  c.state = State::kCompleted;
  host_.Cancel(c.timer_a);
  host_.Cancel(c.timer_b);
  c.timer_end = host_.Schedule(tcp_ ? 0.0 : timers_.timer_d, [this, branch] { EndInviteClient(branch); });
  std::optional<ResponseFn> cancel = std::move(c.cancel);
  c.cancel.reset();
  auto final = c.handlers.final;
  if (cancel && *cancel) (*cancel)(nullptr);
  if (final) final(&r);
}

bool SipStack::SendCancel(const std::string& invite_branch, ResponseFn done) {
  auto it = invite_clients_.find(invite_branch);
  if (it == invite_clients_.end()) return false;
  InviteClient& c = it->second;
  if (c.cancel_sent || c.cancel) return false;  // cancelled once already
  if (c.state == InviteClient::State::kCalling) {  // 9.1: not before a provisional response
    c.cancel = std::move(done);
    return true;
  }
  if (c.state != InviteClient::State::kProceeding) return false;
  SendCancelNow(c, invite_branch, std::move(done));
  return true;
}

void SipStack::SendCancelNow(InviteClient& c, const std::string& branch, ResponseFn done) {
  // 9.1: the INVITE's Request-URI, Call-ID, To, From, CSeq number and top Via (its branch).
  c.cancel_sent = true;
  StartClient(c.to, branch, "CANCEL", OfInviteTransaction(c.invite, "CANCEL", c.invite.To()).Serialize(),
              std::move(done));
  // 9.1: no final response (the 487, ACKed by this transaction) 64 T1 after the CANCEL: the
  // INVITE transaction ends, reported unanswered.
  c.timer_cancel = host_.Schedule(64 * timers_.t1, [this, branch] {
    auto it = invite_clients_.find(branch);
    if (it == invite_clients_.end() || it->second.state != InviteClient::State::kProceeding) return;
    auto final = std::move(it->second.handlers.final);
    EndInviteClient(branch);
    ++counters_.timeouts;
    if (final) final(nullptr);
  });
}

void SipStack::SendAck(const Endpoint& to, SipMessage ack) {
  AddOwnVia(ack, host_.SipSelf(), tcp_, NewToken());
  Transmit(to, ack.Serialize());
}

// ---- INVITE server transaction (17.2.1, RFC 6026 7.1) ----

std::string SipStack::ToTagOf(InviteServer& s) {
  // 8.2.6.2: every response to a request but 100 carries the same To tag.
  if (s.to_tag.empty()) s.to_tag = NewToken();
  return s.to_tag;
}

void SipStack::RefuseInvite(const Endpoint& from, const SipMessage& invite, int status, const char* reason) {
  // Stateless: nothing is kept for an INVITE we do not take (its ACK is absorbed as unmatched).
  ++counters_.invites_refused;
  Transmit(from, SipMessage::Response(status, reason, invite, NewToken()).Serialize());
}

void SipStack::OnInviteRequest(const Endpoint& from, const SipMessage& invite) {
  using State = InviteServer::State;
  const std::string branch = ServerKey(invite);
  if (auto it = invite_servers_.find(branch); it != invite_servers_.end()) {
    ++counters_.retransmissions_absorbed;
    InviteServer& s = it->second;
    // 17.2.1: Proceeding and Completed resend the last response; Accepted and Confirmed absorb.
    if (s.state == State::kProceeding || s.state == State::kCompleted) Transmit(s.peer, s.last);
    return;
  }
  // 8.1.1.7: a branch of RFC 3261 (no RFC 2543 matching here).
  if (invite.TopViaBranch().rfind(kBranchMagic, 0) != 0) return RefuseInvite(from, invite, 400, "Bad Request");
  // 8.2.2.2: the same request (Call-ID, From tag, CSeq) by another path is a merged request.
  for (const auto& [k, other] : invite_servers_)
    if (other.invite.CallId() == invite.CallId() && other.invite.FromTag() == invite.FromTag() &&
        other.invite.CSeqNumber() == invite.CSeqNumber())
      return RefuseInvite(from, invite, 482, "Loop Detected");
  // A flood of INVITEs with new branches is bounded in count as well as in time.
  if (invite_servers_.size() >= max_invite_servers_) return RefuseInvite(from, invite, 503, "Service Unavailable");
  // 17.2.1: 100 Trying at once (the answer may need crypto first), which stops Timer A.
  InviteServer s{from, invite, InviteServer::State::kProceeding, SipMessage::Response(100, "Trying", invite).Serialize(),
                 0, 0, 0, 0, 0, false, {}, std::nullopt};
  Transmit(from, s.last);
  s.timer_c = host_.Schedule(timers_.timer_c, [this, branch] {
    auto it = invite_servers_.find(branch);
    if (it == invite_servers_.end() || it->second.state != InviteServer::State::kProceeding) return;
    ++counters_.invites_unanswered;
    const SipMessage invite = it->second.invite;
    SendInviteResponse(it->second, branch, SipMessage::Response(408, "Request Timeout", invite, ToTagOf(it->second)));
    if (on_invite_ended_) on_invite_ended_(invite, 408);
  });
  invite_servers_.emplace(branch, std::move(s));
  if (on_request_) on_request_(from, invite);
}

void SipStack::SendInviteResponse(InviteServer& s, const std::string& branch, const SipMessage& response) {
  using State = InviteServer::State;
  if (s.state != State::kProceeding) {
    ++counters_.late_responses;
    return;
  }
  if (s.to_tag.empty()) s.to_tag = response.ToTag();
  s.last = response.Serialize();
  Transmit(s.peer, s.last);
  const int status = response.Status();
  if (status < 200) return;
  host_.Cancel(s.timer_c);
  s.state = status < 300 ? State::kAccepted : State::kCompleted;
  if (status < 300) {
    s.ok = response;
    awaiting_ack_[AckKey(response)] = branch;
  }
  // Timer G (300-699 over UDP, 17.2.1) and the 2xx retransmissions of 13.3.1.4 (over any
  // transport: the 2xx crosses proxies end to end) run on the same schedule.
  s.interval = timers_.t1;
  if (!tcp_ || status < 300) s.timer_g = host_.Schedule(s.interval, [this, branch] { OnTimerG(branch); });
  s.timer_h = host_.Schedule(64 * timers_.t1, [this, branch] { OnTimerH(branch); });
}

void SipStack::OnTimerG(const std::string& branch) {
  auto it = invite_servers_.find(branch);
  if (it == invite_servers_.end()) return;
  InviteServer& s = it->second;
  if (s.acked || (s.state != InviteServer::State::kAccepted && s.state != InviteServer::State::kCompleted)) return;
  ++counters_.retransmissions;
  Transmit(s.peer, s.last);
  s.interval = std::min(2 * s.interval, timers_.t2);
  s.timer_g = host_.Schedule(s.interval, [this, branch] { OnTimerG(branch); });
}

void SipStack::OnTimerH(const std::string& branch) {
  // Timer H (300-699) or L (2xx): the end of the transaction, unanswered by an ACK or not.
  auto it = invite_servers_.find(branch);
  if (it == invite_servers_.end()) return;
  const bool acked = it->second.acked;
  const std::optional<SipMessage> ok = it->second.ok;
  EndInviteServer(branch);
  if (!acked) {
    ++counters_.ack_timeouts;
    if (ok && on_ack_timeout_) on_ack_timeout_(*ok);
  }
}

void SipStack::EndInviteServer(const std::string& branch) {
  auto it = invite_servers_.find(branch);
  if (it == invite_servers_.end()) return;
  for (TimerId t : {it->second.timer_g, it->second.timer_h, it->second.timer_end, it->second.timer_c}) host_.Cancel(t);
  if (it->second.ok) {
    auto key = awaiting_ack_.find(AckKey(*it->second.ok));
    if (key != awaiting_ack_.end() && key->second == branch) awaiting_ack_.erase(key);
  }
  invite_servers_.erase(it);
}

void SipStack::OnAck(const Endpoint& from, const SipMessage& ack) {
  using State = InviteServer::State;
  // The ACK of a 300-699 carries the INVITE's branch (17.2.1): Confirmed, absorbing further
  // ACKs for Timer I.
  if (auto it = invite_servers_.find(ServerKey(ack)); it != invite_servers_.end()) {
    InviteServer& s = it->second;
    if (s.state == State::kCompleted) {
      s.state = State::kConfirmed;
      s.acked = true;
      host_.Cancel(s.timer_g);
      host_.Cancel(s.timer_h);
      const std::string branch = it->first;
      s.timer_end = host_.Schedule(tcp_ ? 0.0 : timers_.t4, [this, branch] { EndInviteServer(branch); });
      return;
    }
    if (s.state == State::kConfirmed) return;
  }
  // The ACK of a 2xx has a branch of its own (13.2.2.4): matched by the dialog and CSeq number.
  auto key = awaiting_ack_.find(AckKey(ack));
  if (key == awaiting_ack_.end()) {
    ++counters_.unmatched;  // a retransmitted ACK, or one for nothing we sent
    return;
  }
  auto it = invite_servers_.find(key->second);
  awaiting_ack_.erase(key);
  if (it != invite_servers_.end()) {
    it->second.acked = true;
    host_.Cancel(it->second.timer_g);  // Timer L still absorbs retransmitted INVITEs
  }
  if (on_request_) on_request_(from, ack);
}

void SipStack::OnCancel(const Endpoint& from, const SipMessage& cancel) {
  // 9.2: a CANCEL is answered by itself; an INVITE not yet answered finally gets 487.
  auto it = invite_servers_.find(ServerKey(cancel));
  if (it == invite_servers_.end()) {
    ++counters_.unmatched;
    SendResponse(from, SipMessage::Response(481, "Call/Transaction Does Not Exist", cancel));
    return;
  }
  const bool pending = it->second.state == InviteServer::State::kProceeding;
  const SipMessage invite = it->second.invite;
  const std::string tag = ToTagOf(it->second);  // 9.2: the CANCEL's 200 with the INVITE's tag
  SendResponse(from, SipMessage::Response(200, "OK", cancel, tag));
  if (!pending) return;
  ++counters_.cancels_received;
  SendResponse(it->second.peer, SipMessage::Response(487, "Request Terminated", invite, tag));
  if (on_invite_ended_) on_invite_ended_(invite, 487);
}

void SipStack::OnTimerE(const std::string& branch) {
  auto it = clients_.find(branch);
  if (it == clients_.end()) return;
  Client& c = it->second;
  ++counters_.retransmissions;
  Transmit(c.to, c.wire);
  c.interval = std::min(2 * c.interval, timers_.t2);  // RFC 3261 17.1.2.2
  c.timer_e = host_.Schedule(c.interval, [this, branch] { OnTimerE(branch); });
}

void SipStack::OnTimerF(const std::string& branch) {
  auto it = clients_.find(branch);
  if (it == clients_.end()) return;
  host_.Cancel(it->second.timer_e);
  ResponseFn done = std::move(it->second.done);
  clients_.erase(it);
  ++counters_.timeouts;
  if (done) done(nullptr);
}

void SipStack::SendResponse(const Endpoint& to, const SipMessage& response) {
  if (response.Method() == "INVITE") {
    auto it = invite_servers_.find(ServerKey(response));
    if (it == invite_servers_.end()) {
      ++counters_.late_responses;
      return;
    }
    SendInviteResponse(it->second, it->first, response);
    return;
  }
  const Bytes wire = response.Serialize();
  const std::string key = response.TopViaBranch() + " " + response.Method();
  if (!tcp_) {  // kept for Timer J (64 T1) to answer retransmissions
    server_last_[key] = wire;
    server_peer_[key] = to;
    host_.Schedule(64 * timers_.t1, [this, key] {
      server_last_.erase(key);
      server_peer_.erase(key);
    });
  }
  Transmit(to, wire);
}

void SipStack::Forward(const Endpoint& to, const SipMessage& m) { Transmit(to, m.Serialize()); }

void SipStack::OnBytes(const Endpoint& from, ByteView data) {
  auto msg = SipMessage::Parse(data);
  if (!msg) {
    ++counters_.malformed;
    return;
  }
  if (!msg->IsRequest()) {
    if (msg->Method() == "INVITE") {
      auto it = invite_clients_.find(msg->TopViaBranch());
      if (it == invite_clients_.end()) {
        if (on_stray_response_) on_stray_response_(*msg);
        return;
      }
      OnInviteResponse(it->second, it->first, *msg);
      return;
    }
    // 17.1.3: branch and CSeq method (a CANCEL shares its INVITE's branch).
    auto it = clients_.find(msg->TopViaBranch());
    if (it == clients_.end() || it->second.method != msg->Method()) {
      if (on_stray_response_) on_stray_response_(*msg);
      return;
    }
    if (msg->Status() < 200) return;  // provisional: keep waiting
    host_.Cancel(it->second.timer_e);
    host_.Cancel(it->second.timer_f);
    ResponseFn done = std::move(it->second.done);
    clients_.erase(it);
    if (done) done(&*msg);
    return;
  }
  const std::string method = msg->Method();
  if (method == "INVITE") return OnInviteRequest(from, *msg);
  if (method == "ACK") return OnAck(from, *msg);  // never answered
  const std::string key = msg->TopViaBranch() + " " + method;
  auto last = server_last_.find(key);
  if (last != server_last_.end()) {  // a retransmitted request: resend the response (if any yet)
    ++counters_.retransmissions_absorbed;
    if (auto peer = server_peer_.find(key); !last->second.empty() && peer != server_peer_.end())
      Transmit(peer->second, last->second);
    return;
  }
  if (!tcp_) {
    server_last_[key] = Bytes();  // in progress: absorb retransmissions meanwhile
    // A request never answered (dropped by its handler, or forged) is forgotten after 64 T1 as
    // an answered one is (Timer J): else every new branch would be kept for good.
    host_.Schedule(64 * timers_.t1, [this, key] {
      auto it = server_last_.find(key);
      if (it != server_last_.end() && it->second.empty()) server_last_.erase(it);
    });
  }
  if (method == "CANCEL") return OnCancel(from, *msg);
  if (on_request_) on_request_(from, *msg);
}

}  // namespace mcx::procedures
