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
  EventId timeout;  ///< client: the oldest outstanding request's, or the idle timer
};

std::unique_ptr<crypto::HmacDrbg> DrbgFromStream(Ptr<UniformRandomVariable> stream, std::string_view personalization) {
  crypto::Bytes seed;
  for (int i = 0; i < 8; ++i) {
    const uint32_t word = stream->GetInteger(0, 0xffffffffu);
    for (int b = 0; b < 4; ++b) seed.push_back(static_cast<uint8_t>(word >> (8 * b)));
  }
  return std::make_unique<crypto::HmacDrbg>(seed, crypto::ByteView(personalization));
}

namespace {

/// "sakke_encapsulate 1, eccsi_sign 1": what a job computed, for the log.
std::string OpList(const crypto::OpCounts& ops) {
  std::string s;
  for (size_t i = 0; i < crypto::kOpCount; ++i)
    if (ops.n[i] > 0)
      s += (s.empty() ? "" : ", ") + std::string(crypto::OpName(static_cast<crypto::Op>(i))) + " " +
           std::to_string(ops.n[i]);
  return s;
}

}  // namespace

Ns3Host::Ns3Host(Ptr<Node> node, Config cfg, Ptr<UniformRandomVariable> random, std::string_view drbg_name)
    : m_node(node),
      m_cfg(std::move(cfg)),
      m_drbg(DrbgFromStream(random, drbg_name)),
      m_uniform(random),
      m_jobs(m_cfg.cost, m_cfg.cores, [] { return Simulator::Now().GetSeconds(); },
            [this](double at, std::function<void()> fn) {
              if (m_completions.size() > 64)
                m_completions.erase(std::remove_if(m_completions.begin(), m_completions.end(),
                                                  [](const EventId& e) { return e.IsExpired(); }),
                                   m_completions.end());
              m_completions.push_back(Simulator::Schedule(Seconds(at - Now()), fn));
            }) {
  Ptr<Ipv4> ip = m_node->GetObject<Ipv4>();
  for (uint32_t i = 1; ip && i < ip->GetNInterfaces(); ++i)  // the first non-loopback address
    if (ip->GetNAddresses(i) > 0) {
      m_address = Ipv4String(ip->GetAddress(i, 0).GetLocal());
      break;
    }
  m_jobs.on_job = [this](double seconds, const crypto::OpCounts& ops) {
    NS_LOG_DEBUG(m_address << " job: " << seconds * 1e3 << " ms of crypto (" << OpList(ops) << ")");
    if (on_crypto_job) on_crypto_job(seconds, ops);
  };
}

Ns3Host::~Ns3Host() { Stop(); }

double Ns3Host::Uniform() { return m_uniform->GetValue(); }

void Ns3Host::Start() {
  NS_LOG_FUNCTION(this << m_address);
  m_stopped = false;
  if (on_sip) {
    m_udp = Socket::CreateSocket(m_node, UdpSocketFactory::GetTypeId());
    m_udp->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_cfg.sip_port));
    m_udp->SetRecvCallback(MakeCallback(&Ns3Host::OnUdp, this));
    m_sipListen = Socket::CreateSocket(m_node, TcpSocketFactory::GetTypeId());
    m_sipListen->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_cfg.sip_port));
    m_sipListen->Listen();
    m_sipListen->SetAcceptCallback(MakeCallback(&Ns3Host::OnAcceptRequest, this), MakeCallback(&Ns3Host::OnAccept, this));
  }
  if (on_http) {
    m_httpListen = Socket::CreateSocket(m_node, TcpSocketFactory::GetTypeId());
    m_httpListen->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_cfg.http_port));
    m_httpListen->Listen();
    m_httpListen->SetAcceptCallback(MakeCallback(&Ns3Host::OnAcceptRequest, this), MakeCallback(&Ns3Host::OnAccept, this));
  }
}

void Ns3Host::Stop(bool disposing) {
  NS_LOG_FUNCTION(this << m_address);
  m_stopped = true;
  for (auto& [id, ev] : m_timers) Simulator::Cancel(ev);
  m_timers.clear();
  m_pendingTimers.clear();
  for (EventId& e : m_completions) Simulator::Cancel(e);
  m_completions.clear();
  // Nothing of a connection may call back into this host now: a Close can notify at once (an
  // RST in SYN_SENT reports an error close), and m_conns is being walked.
  for (auto& [s, c] : m_conns) {
    c->timeout.Cancel();
    if (!c->socket) continue;
    Detach(c->socket);
    if (!disposing) c->socket->Close();  // disposing: the devices may be gone, no FIN
  }
  m_conns.clear();
  m_outgoing.clear();
  for (Ptr<Socket>* s : {&m_udp, &m_sipListen, &m_httpListen})
    if (*s) {
      (*s)->Close();
      *s = nullptr;
    }
  for (auto& [port, d] : m_datagramPorts) d.socket->Close();
  m_datagramPorts.clear();
}

procedures::TimerId Ns3Host::Schedule(double delay_s, std::function<void()> fn) {
  // Armed when the current job's processing is done (now, outside a job).
  const procedures::TimerId id = ++m_nextTimer;
  m_pendingTimers.insert(id);
  m_jobs.Defer([this, id, delay_s, fn] {
    if (m_pendingTimers.erase(id) == 0) return;  // cancelled before it was armed
    m_timers[id] = Simulator::Schedule(Seconds(delay_s), [this, id, fn] {
      m_timers.erase(id);
      m_jobs.Dispatch(fn);
    });
  });
  return id;
}

void Ns3Host::Cancel(procedures::TimerId timer) {
  if (m_pendingTimers.erase(timer)) return;
  auto it = m_timers.find(timer);
  if (it == m_timers.end()) return;
  Simulator::Cancel(it->second);
  m_timers.erase(it);
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
  m_jobs.Defer([this, to, message, tcp] {
    if (on_message) on_message(to, message);
    if (!tcp) {
      Sent(message.size());
      m_udp->SendTo(Create<Packet>(message.data(), message.size()), 0, ToAddress(to));
      return;
    }
    // An accepted connection from `to` (a response), else our connection to it.
    for (auto& [s, c] : m_conns)
      if (!c->http && c->peer == to) return RawSend(c->socket, message, c.get());
    Conn& c = Connect(to, false);
    RawSend(c.socket, message, &c);
  });
}

void Ns3Host::SendHttp(const Endpoint& server, HttpRequest request,
                       std::function<void(crypto::Result<HttpResponse>)> done) {
  m_jobs.Defer([this, server, request, done] {
    Conn& c = Connect(server, true);
    c.waiting.push_back(done);
    if (c.waiting.size() == 1) ArmRequestTimeout(c);  // and the idle timer is off
    c.tls->Write(request.Serialize());
  });
}

void Ns3Host::SendDatagram(uint16_t local_port, const Endpoint& to, crypto::Bytes datagram) {
  m_jobs.Defer([this, local_port, to, datagram] {
    auto it = m_datagramPorts.find(local_port);
    if (it == m_datagramPorts.end()) {
      NS_LOG_WARN(m_address << ": no socket on UDP port " << local_port << "; datagram to " << to.ToString() << " dropped");
      return;
    }
    Sent(datagram.size());
    if (on_message) on_message(to, datagram);
    it->second.socket->SendTo(Create<Packet>(datagram.data(), datagram.size()), 0, ToAddress(to));
  });
}

void Ns3Host::OpenDatagram(uint16_t port, std::function<void(const Endpoint&, crypto::ByteView)> handler) {
  NS_LOG_FUNCTION(this << m_address << port);
  if (m_datagramPorts.count(port)) {
    m_datagramPorts[port].handler = std::move(handler);
    return;
  }
  Ptr<Socket> s = Socket::CreateSocket(m_node, UdpSocketFactory::GetTypeId());
  s->Bind(InetSocketAddress(Ipv4Address::GetAny(), port));
  s->SetAllowBroadcast(true);
  s->SetRecvCallback(MakeCallback(&Ns3Host::OnDatagram, this));
  m_datagramPorts[port] = DatagramPort{s, std::move(handler)};
}

void Ns3Host::OnDatagram(Ptr<Socket> s) {
  Address local;
  s->GetSockName(local);
  auto it = m_datagramPorts.find(InetSocketAddress::ConvertFrom(local).GetPort());
  if (it == m_datagramPorts.end()) return;
  const auto handler = it->second.handler;
  Address from;
  while (Ptr<Packet> p = s->RecvFrom(from)) {
    const Endpoint e = FromAddress(from);
    const crypto::Bytes data = ReadAll(p);
    m_jobs.Dispatch([&] { handler(e, data); });
  }
}

Ns3Host::Conn& Ns3Host::Connect(const Endpoint& to, bool http) {
  auto key = std::make_pair(to.ToString(), http);
  auto it = m_outgoing.find(key);
  if (it != m_outgoing.end()) return *it->second;
  auto c = std::make_shared<Conn>();
  c->socket = Socket::CreateSocket(m_node, TcpSocketFactory::GetTypeId());
  c->socket->Bind();
  c->peer = to;
  c->http = http;
  c->client = true;
  Conn* raw = c.get();
  if (http)
    c->tls = std::make_unique<procedures::TlsStream>(
        true, m_cfg.tls, [this, raw](crypto::Bytes b) { RawSend(raw->socket, b, raw); },
        [this, raw](crypto::Bytes b) { HandleStreamBytes(*raw, b); });
  c->socket->SetConnectCallback(MakeCallback(&Ns3Host::OnConnected, this), MakeCallback(&Ns3Host::OnConnectFailed, this));
  c->socket->SetRecvCallback(MakeCallback(&Ns3Host::OnTcpRead, this));
  c->socket->SetSendCallback(MakeCallback(&Ns3Host::OnTcpSendSpace, this));
  if (http) c->socket->SetCloseCallbacks(MakeCallback(&Ns3Host::OnPeerClose, this), MakeCallback(&Ns3Host::OnErrorClose, this));
  NS_LOG_LOGIC(m_address << ": connects to " << to.ToString() << (http ? " (HTTPS)" : " (SIP over TCP)"));
  c->socket->Connect(ToAddress(to));
  m_conns[PeekPointer(c->socket)] = c;
  m_outgoing[key] = c;
  return *c;
}

void Ns3Host::OnConnected(Ptr<Socket> s) {
  auto it = m_conns.find(PeekPointer(s));
  if (it == m_conns.end()) return;
  Conn& c = *it->second;
  c.connected = true;
  NS_LOG_LOGIC(m_address << ": connected to " << c.peer.ToString());
  if (c.tls) c.tls->Start();
  RawSend(s, crypto::Bytes(), &c);
}

void Ns3Host::OnConnectFailed(Ptr<Socket> s) {
  auto it = m_conns.find(PeekPointer(s));
  if (it == m_conns.end()) return;
  auto c = it->second;
  NS_LOG_WARN(m_address << ": connection to " << c->peer.ToString() << " failed");
  c->timeout.Cancel();
  for (auto& w : c->waiting) m_jobs.Dispatch([&] { w(crypto::Error::kKmsError); });
  c->waiting.clear();
  Forget(PeekPointer(s), /*in_callback=*/true);  // ns-3 keeps the failed socket
}

void Ns3Host::OnAccept(Ptr<Socket> s, const Address& from) {
  // A handshake the listener began before Stop completes after it (ns-3 forks the listening
  // socket at the SYN): a stopped host takes no connection.
  if (m_stopped) {
    s->Close();
    return;
  }
  auto c = std::make_shared<Conn>();
  c->socket = s;
  c->peer = FromAddress(from);
  c->connected = true;
  Address local;
  s->GetSockName(local);
  c->http = InetSocketAddress::ConvertFrom(local).GetPort() == m_cfg.http_port && on_http != nullptr;
  NS_LOG_LOGIC(m_address << ": accepts a connection from " << c->peer.ToString() << (c->http ? " (HTTPS)" : " (SIP)"));
  Conn* raw = c.get();
  if (c->http)
    c->tls = std::make_unique<procedures::TlsStream>(
        false, m_cfg.tls, [this, raw](crypto::Bytes b) { RawSend(raw->socket, b, raw); },
        [this, raw](crypto::Bytes b) { HandleStreamBytes(*raw, b); });
  s->SetRecvCallback(MakeCallback(&Ns3Host::OnTcpRead, this));
  s->SetSendCallback(MakeCallback(&Ns3Host::OnTcpSendSpace, this));
  // A client that closes its idle HTTPS connection: ours closes too, and its state goes (the
  // KMS of a large group would otherwise keep every member's connection).
  if (c->http) s->SetCloseCallbacks(MakeCallback(&Ns3Host::OnPeerClose, this), MakeCallback(&Ns3Host::OnErrorClose, this));
  m_conns[PeekPointer(s)] = c;
}

void Ns3Host::OnPeerClose(Ptr<Socket> s) { Closed(s, /*reset=*/false); }
void Ns3Host::OnErrorClose(Ptr<Socket> s) { Closed(s, /*reset=*/true); }

void Ns3Host::Closed(Ptr<Socket> s, bool reset) {
  auto it = m_conns.find(PeekPointer(s));
  if (it == m_conns.end()) return;
  auto c = it->second;
  c->timeout.Cancel();
  NS_LOG_LOGIC(m_address << ": connection with " << c->peer.ToString() << (reset ? " reset" : " closed by the peer"));
  // Forgotten first: our Close may call back (an RST notifies an error close) and finds nothing.
  Forget(PeekPointer(s), /*in_callback=*/true);
  if (!reset) s->Close();  // our FIN; a reset connection is closed already
  // A client whose requests are still owed answers fails them now, as a dropped connection.
  for (auto& w : c->waiting) m_jobs.Dispatch([&] { w(crypto::Error::kKmsError); });
  c->waiting.clear();
}

void Ns3Host::Detach(Ptr<Socket> s) {
  s->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
  s->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(), MakeNullCallback<void, Ptr<Socket>>());
  s->SetConnectCallback(MakeNullCallback<void, Ptr<Socket>>(), MakeNullCallback<void, Ptr<Socket>>());
  s->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
  s->SetDataSentCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
}

void Ns3Host::Forget(Socket* s, bool in_callback) {
  auto it = m_conns.find(s);
  if (it == m_conns.end()) return;
  auto c = it->second;
  if (c->client) {
    auto out = m_outgoing.find(std::make_pair(c->peer.ToString(), c->http));
    if (out != m_outgoing.end() && out->second == c) m_outgoing.erase(out);
  }
  m_conns.erase(it);
  // Until it is detached, a callback of the socket finds nothing in m_conns. One running now is
  // not replaced under itself: the socket is detached once it has returned.
  if (in_callback)
    Simulator::ScheduleNow([socket = c->socket] { Detach(socket); });
  else
    Detach(c->socket);
}

void Ns3Host::OnTcpSendSpace(Ptr<Socket> s, uint32_t) {
  auto it = m_conns.find(PeekPointer(s));
  if (it != m_conns.end()) RawSend(s, crypto::Bytes(), it->second.get());
}

void Ns3Host::OnTcpRead(Ptr<Socket> s) {
  auto it = m_conns.find(PeekPointer(s));
  if (it == m_conns.end()) return;
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

void Ns3Host::ArmRequestTimeout(Conn& c) {
  c.timeout.Cancel();
  Socket* s = PeekPointer(c.socket);
  if (!c.waiting.empty()) {
    c.timeout = Simulator::Schedule(Seconds(m_cfg.http_timeout_s), [this, s] { DropConnection(s, crypto::Error::kTimeout); });
  } else if (c.client && c.http && m_cfg.http_idle_timeout_s > 0) {
    // Idle: closed like a keep-alive client does (RFC 9112 9.3); a new request reconnects.
    c.timeout = Simulator::Schedule(Seconds(m_cfg.http_idle_timeout_s), [this, s] {
      auto it = m_conns.find(s);
      if (it == m_conns.end() || !it->second->waiting.empty()) return;
      NS_LOG_LOGIC(m_address << ": closes its idle connection to " << it->second->peer.ToString());
      Ptr<Socket> socket = it->second->socket;
      Forget(s);
      socket->Close();
    });
  }
}

void Ns3Host::DropConnection(Socket* s, crypto::Error why) {
  auto it = m_conns.find(s);
  if (it == m_conns.end()) return;
  auto c = it->second;
  NS_LOG_WARN(m_address << ": drops the connection with " << c->peer.ToString() << ": " << crypto::ErrorName(why));
  c->timeout.Cancel();
  for (auto& w : c->waiting) m_jobs.Dispatch([&] { w(why); });
  // Forgotten before our Close: closing may call back (an RST notifies an error close).
  Forget(s);
  if (c->socket) c->socket->Close();
}

void Ns3Host::HandleStreamBytes(Conn& c, crypto::ByteView data) {
  c.framer.Feed(data);
  while (auto msg = c.framer.Next()) {
    if (!c.http) {
      const Endpoint from = c.peer;
      const crypto::Bytes m = *msg;
      m_jobs.Dispatch([&] { on_sip(from, m); });
    } else if (c.client) {
      if (c.waiting.empty()) continue;
      auto done = std::move(c.waiting.front());
      c.waiting.pop_front();
      ArmRequestTimeout(c);
      auto resp = procedures::ParseHttpResponse(*msg);
      m_jobs.Dispatch([&] { done(resp); });
    } else {
      Socket* sock = PeekPointer(c.socket);
      const crypto::Bytes m = *msg;
      m_jobs.Dispatch([&, sock, m] {
        auto req = procedures::ParseHttpRequest(m);
        HttpResponse resp;
        if (!req) {
          resp.status = 400;
          resp.reason = "Bad Request";
        } else {
          resp = on_http(*req);
        }
        const crypto::Bytes wire = resp.Serialize();
        m_jobs.Defer([this, sock, wire] {  // the connection may have gone by the time the job is done
          auto it = m_conns.find(sock);
          if (it != m_conns.end()) it->second->tls->Write(wire);
        });
      });
    }
  }
  if (c.framer.failed()) {
    // A stream that cannot be framed (an absurd Content-Length...) is closed, as a server would;
    // after this event, since the connection's own callbacks are on the stack now.
    Socket* sock = PeekPointer(c.socket);
    const crypto::Error why = *c.framer.error();
    m_completions.push_back(Simulator::ScheduleNow([this, sock, why] { DropConnection(sock, why); }));
  }
}

void Ns3Host::OnUdp(Ptr<Socket> s) {
  Address from;
  Ptr<Packet> p;
  while ((p = s->RecvFrom(from))) {
    const Endpoint e = FromAddress(from);
    const crypto::Bytes data = ReadAll(p);
    m_jobs.Dispatch([&] { on_sip(e, data); });
  }
}

}  // namespace mcx::models
