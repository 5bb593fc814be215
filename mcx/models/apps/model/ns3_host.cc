#include "mcx/models/apps/model/ns3_host.h"

#include <sstream>

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("McxNs3Env");

namespace {

std::string ToString(Ipv4Address a) {
  std::ostringstream s;
  a.Print(s);
  return s.str();
}

procedures::Endpoint FromAddress(const Address& a) {
  InetSocketAddress in = InetSocketAddress::ConvertFrom(a);
  return procedures::Endpoint{ToString(in.GetIpv4()), in.GetPort()};
}

InetSocketAddress ToAddress(const procedures::Endpoint& e) { return InetSocketAddress(Ipv4Address(e.host.c_str()), e.port); }

crypto::Bytes ReadAll(Ptr<Packet> p) {
  crypto::Bytes b(p->GetSize());
  p->CopyData(b.data(), b.size());
  return b;
}

}  // namespace

/// A TCP connection carrying SIP (framed by Content-Length) or HTTPS (the TLS model, then HTTP).
struct Ns3Env::Conn {
  Ptr<Socket> socket;
  procedures::Endpoint peer;
  bool http = false;
  bool client = false;
  bool connected = false;
  crypto::Bytes pending;  ///< bytes not yet accepted by the socket
  procedures::HttpStreamFramer framer;
  std::unique_ptr<procedures::TlsStream> tls;
  std::deque<std::function<void(crypto::Result<procedures::HttpResponse>)>> waiting;  ///< client: responses owed
};

Ns3Env::Ns3Env(Ptr<Node> node, Config cfg, std::string name)
    : node_(node), cfg_(std::move(cfg)), name_(std::move(name)), rng_(cfg_.seed, name_), pool_(cfg_.cores) {
  Ptr<Ipv4> ip = node_->GetObject<Ipv4>();
  for (uint32_t i = 1; ip && i < ip->GetNInterfaces(); ++i)  // the first non-loopback address
    if (ip->GetNAddresses(i) > 0) {
      address_ = ToString(ip->GetAddress(i, 0).GetLocal());
      break;
    }
}

Ns3Env::~Ns3Env() { Stop(); }

void Ns3Env::Start() {
  udp_ = Socket::CreateSocket(node_, UdpSocketFactory::GetTypeId());
  udp_->Bind(InetSocketAddress(Ipv4Address::GetAny(), cfg_.sip_port));
  udp_->SetRecvCallback(MakeCallback(&Ns3Env::OnUdp, this));
  sip_listen_ = Socket::CreateSocket(node_, TcpSocketFactory::GetTypeId());
  sip_listen_->Bind(InetSocketAddress(Ipv4Address::GetAny(), cfg_.sip_port));
  sip_listen_->Listen();
  sip_listen_->SetAcceptCallback(MakeCallback(&Ns3Env::OnAcceptRequest, this), MakeCallback(&Ns3Env::OnAccept, this));
  if (on_http) {
    http_listen_ = Socket::CreateSocket(node_, TcpSocketFactory::GetTypeId());
    http_listen_->Bind(InetSocketAddress(Ipv4Address::GetAny(), cfg_.http_port));
    http_listen_->Listen();
    http_listen_->SetAcceptCallback(MakeCallback(&Ns3Env::OnAcceptRequest, this), MakeCallback(&Ns3Env::OnAccept, this));
  }
}

void Ns3Env::Stop() {
  for (auto& [id, ev] : timers_) Simulator::Cancel(ev);
  timers_.clear();
  for (auto& [s, c] : conns_)
    if (c->socket) c->socket->Close();
  conns_.clear();
  outgoing_.clear();
  for (Ptr<Socket>* s : {&udp_, &sip_listen_, &http_listen_})
    if (*s) {
      (*s)->Close();
      *s = nullptr;
    }
}

uint64_t Ns3Env::Schedule(double delay_s, std::function<void()> fn) {
  // A timer set while handling an event starts when that job's work is done, like its sends:
  // a retransmission timer must not run while the request is still being computed.
  const uint64_t id = ++next_timer_;
  auto arm = [this, id, delay_s, fn] {
    if (pending_timers_.erase(id) == 0) return;  // cancelled before it was armed
    timers_[id] = Simulator::Schedule(Seconds(delay_s), [this, id, fn] {
      timers_.erase(id);
      Dispatch(fn);
    });
  };
  pending_timers_.insert(id);
  if (in_job_)
    deferred_.push_back(arm);
  else
    arm();
  return id;
}

void Ns3Env::Cancel(uint64_t timer) {
  if (pending_timers_.erase(timer)) return;
  auto it = timers_.find(timer);
  if (it == timers_.end()) return;
  Simulator::Cancel(it->second);
  timers_.erase(it);
}

void Ns3Env::Dispatch(const std::function<void()>& fn) {
  const bool outer = !in_job_;
  in_job_ = true;
  fn();
  if (outer) {
    FinishJob();
    in_job_ = false;
  }
}

void Ns3Env::Work(const procedures::CryptoWork& w) {
  const double s = cfg_.cost.Seconds(w);
  job_cost_ += s;
  crypto_seconds_ += s;
}

void Ns3Env::EndJob() { FinishJob(); }

void Ns3Env::FinishJob() {
  if (deferred_.empty() && job_cost_ == 0) return;
  const double done = job_cost_ > 0 ? pool_.Assign(Now(), job_cost_) : Now();
  job_cost_ = 0;
  auto sends = std::move(deferred_);
  deferred_.clear();
  if (done <= Now()) {
    for (auto& f : sends) f();
  } else {
    Simulator::Schedule(Seconds(done - Now()), [sends] {
      for (auto& f : sends) f();
    });
  }
}

void Ns3Env::Defer(std::function<void()> send) {
  if (in_job_) {
    deferred_.push_back(std::move(send));
  } else {
    send();
  }
}

void Ns3Env::RawSend(Ptr<Socket> s, const crypto::Bytes& data, Conn* c) {
  bytes_sent_ += data.size();
  if (!c) {
    return;
  }
  crypto::Append(c->pending, data);
  if (!c->connected) return;
  while (!c->pending.empty()) {
    const uint32_t room = s->GetTxAvailable();
    if (room == 0) return;  // OnTcpSendSpace continues
    const uint32_t n = std::min<uint32_t>(room, static_cast<uint32_t>(c->pending.size()));
    const int sent = s->Send(Create<Packet>(c->pending.data(), n));
    if (sent <= 0) return;
    c->pending.erase(c->pending.begin(), c->pending.begin() + sent);
  }
}

void Ns3Env::SendSip(const procedures::Endpoint& to, crypto::Bytes message, bool tcp) {
  Defer([this, to, message, tcp] {
    if (!tcp) {
      bytes_sent_ += message.size();
      udp_->SendTo(Create<Packet>(message.data(), message.size()), 0, ToAddress(to));
      return;
    }
    // An accepted connection from `to` (a response), else our connection to it.
    for (auto& [s, c] : conns_)
      if (!c->http && c->peer == to) return RawSend(c->socket, message, c.get());
    Conn& c = Connect(to, false);
    RawSend(c.socket, message, &c);
  });
}

void Ns3Env::SendHttp(const procedures::Endpoint& server, procedures::HttpRequest request, std::function<void(crypto::Result<procedures::HttpResponse>)> done) {
  Defer([this, server, request, done] {
    Conn& c = Connect(server, true);
    c.waiting.push_back(done);
    c.tls->Write(request.Serialize());
  });
}

Ns3Env::Conn& Ns3Env::Connect(const procedures::Endpoint& to, bool http) {
  auto key = std::make_pair(to.ToString(), http);
  auto it = outgoing_.find(key);
  if (it != outgoing_.end()) return *it->second;
  auto c = std::make_shared<Conn>();
  c->socket = Socket::CreateSocket(node_, TcpSocketFactory::GetTypeId());
  c->socket->Bind();
  c->peer = to;
  c->http = http;
  c->client = true;
  Conn* raw = c.get();
  if (http)
    c->tls = std::make_unique<procedures::TlsStream>(
        true, cfg_.tls, [this, raw](crypto::Bytes b) { RawSend(raw->socket, b, raw); },
        [this, raw](crypto::Bytes b) { HandleStreamBytes(*raw, b); });
  c->socket->SetConnectCallback(MakeCallback(&Ns3Env::OnConnected, this), MakeCallback(&Ns3Env::OnConnectFailed, this));
  c->socket->SetRecvCallback(MakeCallback(&Ns3Env::OnTcpRead, this));
  c->socket->SetSendCallback(MakeCallback(&Ns3Env::OnTcpSendSpace, this));
  c->socket->Connect(ToAddress(to));
  conns_[PeekPointer(c->socket)] = c;
  outgoing_[key] = c;
  return *c;
}

void Ns3Env::OnConnected(Ptr<Socket> s) {
  auto it = conns_.find(PeekPointer(s));
  if (it == conns_.end()) return;
  Conn& c = *it->second;
  c.connected = true;
  if (c.tls) c.tls->Start();
  RawSend(s, crypto::Bytes(), &c);
}

void Ns3Env::OnConnectFailed(Ptr<Socket> s) {
  auto it = conns_.find(PeekPointer(s));
  if (it == conns_.end()) return;
  auto c = it->second;
  for (auto& w : c->waiting) Dispatch([&] { w(crypto::Error::kKmsError); });
  outgoing_.erase(std::make_pair(c->peer.ToString(), c->http));
  conns_.erase(it);
}

void Ns3Env::OnAccept(Ptr<Socket> s, const Address& from) {
  auto c = std::make_shared<Conn>();
  c->socket = s;
  c->peer = FromAddress(from);
  c->connected = true;
  Address local;
  s->GetSockName(local);
  c->http = InetSocketAddress::ConvertFrom(local).GetPort() == cfg_.http_port && on_http != nullptr;
  Conn* raw = c.get();
  if (c->http)
    c->tls = std::make_unique<procedures::TlsStream>(
        false, cfg_.tls, [this, raw](crypto::Bytes b) { RawSend(raw->socket, b, raw); },
        [this, raw](crypto::Bytes b) { HandleStreamBytes(*raw, b); });
  s->SetRecvCallback(MakeCallback(&Ns3Env::OnTcpRead, this));
  s->SetSendCallback(MakeCallback(&Ns3Env::OnTcpSendSpace, this));
  conns_[PeekPointer(s)] = c;
}

void Ns3Env::OnTcpSendSpace(Ptr<Socket> s, uint32_t) {
  auto it = conns_.find(PeekPointer(s));
  if (it != conns_.end()) RawSend(s, crypto::Bytes(), it->second.get());
}

void Ns3Env::OnTcpRead(Ptr<Socket> s) {
  auto it = conns_.find(PeekPointer(s));
  if (it == conns_.end()) return;
  auto c = it->second;  // keep alive during handling
  Ptr<Packet> p;
  while ((p = s->Recv())) {
    if (p->GetSize() == 0) break;
    const crypto::Bytes data = ReadAll(p);
    if (c->tls)
      c->tls->OnBytes(data);
    else
      HandleStreamBytes(*c, data);
  }
}

void Ns3Env::HandleStreamBytes(Conn& c, crypto::ByteView data) {
  c.framer.Feed(data);
  while (auto msg = c.framer.Next()) {
    if (!c.http) {
      const procedures::Endpoint from = c.peer;
      const crypto::Bytes m = *msg;
      Dispatch([&] { on_sip(from, m); });
    } else if (c.client) {
      if (c.waiting.empty()) continue;
      auto done = std::move(c.waiting.front());
      c.waiting.pop_front();
      auto resp = procedures::ParseHttpResponse(*msg);
      Dispatch([&] { done(resp); });
    } else {
      Socket* sock = PeekPointer(c.socket);
      const crypto::Bytes m = *msg;
      Dispatch([&, sock, m] {
        auto req = procedures::ParseHttpRequest(m);
        procedures::HttpResponse resp;
        if (!req) {
          resp.status = 400;
          resp.reason = "Bad Request";
        } else {
          resp = on_http(*req);
        }
        const crypto::Bytes wire = resp.Serialize();
        Defer([this, sock, wire] {  // the connection may have gone by the time the job is done
          auto it = conns_.find(sock);
          if (it != conns_.end()) it->second->tls->Write(wire);
        });
      });
    }
  }
}

void Ns3Env::OnUdp(Ptr<Socket> s) {
  Address from;
  Ptr<Packet> p;
  while ((p = s->RecvFrom(from))) {
    const procedures::Endpoint e = FromAddress(from);
    const crypto::Bytes data = ReadAll(p);
    Dispatch([&] { on_sip(e, data); });
  }
}

}  // namespace mcx::models
