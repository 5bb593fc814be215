#include "mcx/procedures/transport/sip_stack.h"

#include <algorithm>

namespace mcx::procedures {

SipStack::~SipStack() {
  for (auto& [b, c] : clients_) {
    host_.Cancel(c.timer_e);
    host_.Cancel(c.timer_f);
  }
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

void SipStack::SendRequest(const Endpoint& to, SipMessage request, ResponseFn done) {
  const std::string branch = std::string(kBranchMagic) + NewToken();
  const Endpoint self = host_.SipSelf();
  request.AddVia(std::string("SIP/2.0/") + (tcp_ ? "TCP " : "UDP ") + self.ToString() + ";branch=" + branch);
  Client c{to, request.Serialize(), std::move(done), timers_.t1, 0, 0};
  ++counters_.requests_sent;
  Transmit(to, c.wire);
  if (!tcp_) c.timer_e = host_.Schedule(timers_.t1, [this, branch] { OnTimerE(branch); });
  c.timer_f = host_.Schedule(64 * timers_.t1, [this, branch] { OnTimerF(branch); });
  clients_[branch] = std::move(c);
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
    auto it = clients_.find(msg->TopViaBranch());
    if (it == clients_.end()) {
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
  const std::string key = msg->TopViaBranch() + " " + msg->Method();
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
  if (on_request_) on_request_(from, *msg);
}

}  // namespace mcx::procedures
