#include "mcx/models/apps/model/ns3_host.h"

#include <algorithm>
#include <deque>
#include <sstream>

namespace mcx::models {

using namespace ns3;
using procedures::Endpoint;
using procedures::HttpRequest;
using procedures::HttpResponse;

NS_LOG_COMPONENT_DEFINE("McxNs3Host");

std::string Ipv4String(Ipv4Address a) {
  std::ostringstream s;
  a.Print(s);
  return s.str();
}

namespace {

Endpoint FromAddress(const Address& a) {
  InetSocketAddress in = InetSocketAddress::ConvertFrom(a);
  return Endpoint{Ipv4String(in.GetIpv4()), in.GetPort()};
}

InetSocketAddress ToAddress(const Endpoint& e) { return InetSocketAddress(Ipv4Address(e.host.c_str()), e.port); }

crypto::Bytes ReadAll(Ptr<Packet> p) {
  crypto::Bytes b(p->GetSize());
  p->CopyData(b.data(), b.size());
  return b;
}

}  // namespace

/// A TCP connection carrying SIP (framed by Content-Length) or HTTPS (the TLS model, then HTTP).
struct Ns3Host::Conn {
  Ptr<Socket> socket;
  Endpoint peer;
  bool http = false;
  bool client = false;
  bool connected = false;
  crypto::Bytes pending;  ///< bytes not yet accepted by the socket
  procedures::HttpStreamFramer framer;
  std::unique_ptr<procedures::TlsStream> tls;
  std::deque<std::function<void(crypto::Result<HttpResponse>)>> waiting;  ///< client: responses owed
};

std::unique_ptr<crypto::HmacDrbg> DrbgFromStream(Ptr<UniformRandomVariable> stream, std::string_view personalization) {
  crypto::Bytes seed;
  for (int i = 0; i < 8; ++i) {
    const uint32_t word = stream->GetInteger(0, 0xffffffffu);
    for (int b = 0; b < 4; ++b) seed.push_back(static_cast<uint8_t>(word >> (8 * b)));
  }
  return std::make_unique<crypto::HmacDrbg>(seed, crypto::ByteView(personalization));
}

Ns3Host::Ns3Host(Ptr<Node> node, Config cfg, Ptr<UniformRandomVariable> random, std::string_view drbg_name)
    : node_(node),
      cfg_(std::move(cfg)),
      drbg_(DrbgFromStream(random, drbg_name)),
      uniform_(random),
      jobs_(cfg_.cost, cfg_.cores, [] { return Simulator::Now().GetSeconds(); },
            [this](double at, std::function<void()> fn) {
              if (completions_.size() > 64)
                completions_.erase(std::remove_if(completions_.begin(), completions_.end(),
                                                  [](const EventId& e) { return e.IsExpired(); }),
                                   completions_.end());
              completions_.push_back(Simulator::Schedule(Seconds(at - Now()), fn));
            }) {
  Ptr<Ipv4> ip = node_->GetObject<Ipv4>();
  for (uint32_t i = 1; ip && i < ip->GetNInterfaces(); ++i)  // the first non-loopback address
    if (ip->GetNAddresses(i) > 0) {
      address_ = Ipv4String(ip->GetAddress(i, 0).GetLocal());
      break;
    }
  jobs_.on_job = [this](double seconds, const crypto::OpCounts& ops) {
    NS_LOG_DEBUG(address_ << " job: " << seconds * 1e3 << " ms of crypto");
    if (on_crypto_job) on_crypto_job(seconds, ops);
  };
}

Ns3Host::~Ns3Host() { Stop(); }

double Ns3Host::Uniform() { return uniform_->GetValue(); }

void Ns3Host::Start() {
  NS_LOG_FUNCTION(this << address_);
  if (on_sip) {
    udp_ = Socket::CreateSocket(node_, UdpSocketFactory::GetTypeId());
    udp_->Bind(InetSocketAddress(Ipv4Address::GetAny(), cfg_.sip_port));
    udp_->SetRecvCallback(MakeCallback(&Ns3Host::OnUdp, this));
    sip_listen_ = Socket::CreateSocket(node_, TcpSocketFactory::GetTypeId());
    sip_listen_->Bind(InetSocketAddress(Ipv4Address::GetAny(), cfg_.sip_port));
    sip_listen_->Listen();
    sip_listen_->SetAcceptCallback(MakeCallback(&Ns3Host::OnAcceptRequest, this), MakeCallback(&Ns3Host::OnAccept, this));
  }
  if (on_http) {
    http_listen_ = Socket::CreateSocket(node_, TcpSocketFactory::GetTypeId());
    http_listen_->Bind(InetSocketAddress(Ipv4Address::GetAny(), cfg_.http_port));
    http_listen_->Listen();
    http_listen_->SetAcceptCallback(MakeCallback(&Ns3Host::OnAcceptRequest, this), MakeCallback(&Ns3Host::OnAccept, this));
  }
}

void Ns3Host::Stop() {
  NS_LOG_FUNCTION(this << address_);
  for (auto& [id, ev] : timers_) Simulator::Cancel(ev);
  timers_.clear();
  pending_timers_.clear();
  for (EventId& e : completions_) Simulator::Cancel(e);
  completions_.clear();
  for (auto& [s, c] : conns_)
    if (c->socket) c->socket->Close();
  conns_.clear();
  outgoing_.clear();
  for (Ptr<Socket>* s : {&udp_, &sip_listen_, &http_listen_})
    if (*s) {
      (*s)->Close();
      *s = nullptr;
    }
  for (auto& [port, d] : datagram_ports_) d.socket->Close();
  datagram_ports_.clear();
}

procedures::TimerId Ns3Host::Schedule(double delay_s, std::function<void()> fn) {
  // Armed when the current job's processing is done (now, outside a job).
  const procedures::TimerId id = ++next_timer_;
  pending_timers_.insert(id);
  jobs_.Defer([this, id, delay_s, fn] {
    if (pending_timers_.erase(id) == 0) return;  // cancelled before it was armed
    timers_[id] = Simulator::Schedule(Seconds(delay_s), [this, id, fn] {
      timers_.erase(id);
      jobs_.Dispatch(fn);
    });
  });
  return id;
}

void Ns3Host::Cancel(procedures::TimerId timer) {
  if (pending_timers_.erase(timer)) return;
  auto it = timers_.find(timer);
  if (it == timers_.end()) return;
  Simulator::Cancel(it->second);
  timers_.erase(it);
}

void Ns3Host::Sent(size_t bytes) {
  if (on_sent) on_sent(static_cast<uint32_t>(bytes));
}

void Ns3Host::RawSend(Ptr<Socket> s, const crypto::Bytes& data, Conn* c) {
  Sent(data.size());
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

void Ns3Host::SendSip(const Endpoint& to, crypto::Bytes message, bool tcp) {
  jobs_.Defer([this, to, message, tcp] {
    if (!tcp) {
      Sent(message.size());
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

void Ns3Host::SendHttp(const Endpoint& server, HttpRequest request,
                       std::function<void(crypto::Result<HttpResponse>)> done) {
  jobs_.Defer([this, server, request, done] {
    Conn& c = Connect(server, true);
    c.waiting.push_back(done);
    c.tls->Write(request.Serialize());
  });
}

void Ns3Host::SendDatagram(uint16_t local_port, const Endpoint& to, crypto::Bytes datagram) {
  jobs_.Defer([this, local_port, to, datagram] {
    auto it = datagram_ports_.find(local_port);
    if (it == datagram_ports_.end()) {
      NS_LOG_WARN(address_ << ": no socket on UDP port " << local_port << "; datagram to " << to.ToString() << " dropped");
      return;
    }
    Sent(datagram.size());
    it->second.socket->SendTo(Create<Packet>(datagram.data(), datagram.size()), 0, ToAddress(to));
  });
}

void Ns3Host::OpenDatagram(uint16_t port, std::function<void(const Endpoint&, crypto::ByteView)> handler) {
  NS_LOG_FUNCTION(this << address_ << port);
  if (datagram_ports_.count(port)) {
    datagram_ports_[port].handler = std::move(handler);
    return;
  }
  Ptr<Socket> s = Socket::CreateSocket(node_, UdpSocketFactory::GetTypeId());
  s->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
  s->SetAllowBroadcast(true);
  s->SetRecvCallback(MakeCallback(&Ns3Host::OnDatagram, this));
  datagram_ports_[port] = DatagramPort{s, std::move(handler)};
}

void Ns3Host::OnDatagram(Ptr<Socket> s) {
  Address local;
  s->GetSockName(local);
  auto it = datagram_ports_.find(InetSocketAddress::ConvertFrom(local).GetPort());
  if (it == datagram_ports_.end()) return;
  const auto handler = it->second.handler;
  Address from;
  while (Ptr<Packet> p = s->RecvFrom(from)) {
    const Endpoint e = FromAddress(from);
    const crypto::Bytes data = ReadAll(p);
    jobs_.Dispatch([&] { handler(e, data); });
  }
}

Ns3Host::Conn& Ns3Host::Connect(const Endpoint& to, bool http) {
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
  c->socket->SetConnectCallback(MakeCallback(&Ns3Host::OnConnected, this), MakeCallback(&Ns3Host::OnConnectFailed, this));
  c->socket->SetRecvCallback(MakeCallback(&Ns3Host::OnTcpRead, this));
  c->socket->SetSendCallback(MakeCallback(&Ns3Host::OnTcpSendSpace, this));
  NS_LOG_LOGIC(address_ << ": connects to " << to.ToString() << (http ? " (HTTPS)" : " (SIP over TCP)"));
  c->socket->Connect(ToAddress(to));
  conns_[PeekPointer(c->socket)] = c;
  outgoing_[key] = c;
  return *c;
}

void Ns3Host::OnConnected(Ptr<Socket> s) {
  auto it = conns_.find(PeekPointer(s));
  if (it == conns_.end()) return;
  Conn& c = *it->second;
  c.connected = true;
  NS_LOG_LOGIC(address_ << ": connected to " << c.peer.ToString());
  if (c.tls) c.tls->Start();
  RawSend(s, crypto::Bytes(), &c);
}

void Ns3Host::OnConnectFailed(Ptr<Socket> s) {
  auto it = conns_.find(PeekPointer(s));
  if (it == conns_.end()) return;
  auto c = it->second;
  NS_LOG_WARN(address_ << ": connection to " << c->peer.ToString() << " failed");
  for (auto& w : c->waiting) jobs_.Dispatch([&] { w(crypto::Error::kKmsError); });
  outgoing_.erase(std::make_pair(c->peer.ToString(), c->http));
  conns_.erase(it);
}

void Ns3Host::OnAccept(Ptr<Socket> s, const Address& from) {
  auto c = std::make_shared<Conn>();
  c->socket = s;
  c->peer = FromAddress(from);
  c->connected = true;
  Address local;
  s->GetSockName(local);
  c->http = InetSocketAddress::ConvertFrom(local).GetPort() == cfg_.http_port && on_http != nullptr;
  NS_LOG_LOGIC(address_ << ": accepts a connection from " << c->peer.ToString() << (c->http ? " (HTTPS)" : " (SIP)"));
  Conn* raw = c.get();
  if (c->http)
    c->tls = std::make_unique<procedures::TlsStream>(
        false, cfg_.tls, [this, raw](crypto::Bytes b) { RawSend(raw->socket, b, raw); },
        [this, raw](crypto::Bytes b) { HandleStreamBytes(*raw, b); });
  s->SetRecvCallback(MakeCallback(&Ns3Host::OnTcpRead, this));
  s->SetSendCallback(MakeCallback(&Ns3Host::OnTcpSendSpace, this));
  conns_[PeekPointer(s)] = c;
}

void Ns3Host::OnTcpSendSpace(Ptr<Socket> s, uint32_t) {
  auto it = conns_.find(PeekPointer(s));
  if (it != conns_.end()) RawSend(s, crypto::Bytes(), it->second.get());
}

void Ns3Host::OnTcpRead(Ptr<Socket> s) {
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

void Ns3Host::HandleStreamBytes(Conn& c, crypto::ByteView data) {
  c.framer.Feed(data);
  while (auto msg = c.framer.Next()) {
    if (!c.http) {
      const Endpoint from = c.peer;
      const crypto::Bytes m = *msg;
      jobs_.Dispatch([&] { on_sip(from, m); });
    } else if (c.client) {
      if (c.waiting.empty()) continue;
      auto done = std::move(c.waiting.front());
      c.waiting.pop_front();
      auto resp = procedures::ParseHttpResponse(*msg);
      jobs_.Dispatch([&] { done(resp); });
    } else {
      Socket* sock = PeekPointer(c.socket);
      const crypto::Bytes m = *msg;
      jobs_.Dispatch([&, sock, m] {
        auto req = procedures::ParseHttpRequest(m);
        HttpResponse resp;
        if (!req) {
          resp.status = 400;
          resp.reason = "Bad Request";
        } else {
          resp = on_http(*req);
        }
        const crypto::Bytes wire = resp.Serialize();
        jobs_.Defer([this, sock, wire] {  // the connection may have gone by the time the job is done
          auto it = conns_.find(sock);
          if (it != conns_.end()) it->second->tls->Write(wire);
        });
      });
    }
  }
}

void Ns3Host::OnUdp(Ptr<Socket> s) {
  Address from;
  Ptr<Packet> p;
  while ((p = s->RecvFrom(from))) {
    const Endpoint e = FromAddress(from);
    const crypto::Bytes data = ReadAll(p);
    jobs_.Dispatch([&] { on_sip(e, data); });
  }
}

}  // namespace mcx::models
