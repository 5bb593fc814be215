// Fuzz target: on-network pre-arranged group calls (TS 24.379 10.1.1) on the fake host: the
// controlling server's request handling (GroupCallServer) and three clients (OnnetCallClient), two
// of them with a CSK at the server, over SIP and UDP with latency. The input is a sequence of
// events (op byte: low 4 bits the event, high bits the client 0-2):
//   0 PTT outside a call (CallGroup: the group, or another one; emergency, broadcast)
//   1 hang up   2 PTT pressed in a call   3 PTT released
//   4 an INVITE to the server built from fields (Request-URI, From, an SDP that is ours changed or
//     raw, an mcpttinfo of a group or private call that is ours, raw, encrypted-typed, absent, or
//     ours XML-protected under the client's CSK as the real client sends it, TS 33.180 9.3)
//   5 raw bytes (16-bit length) as a SIP datagram to the server from the client's address
//   6 an INVITE from the server's address to the client, built as in 4
//   7 time passes (x 10 ms)   8 time passes (s)
//   9 raw bytes to the server's floor port from the client's  10 the same to its media port
//  11 the client affiliates again (late entry)   12 a voice packet from the client
//
// Properties: every SIP message on the network parses; only affiliated users with a CSK at the
// server become participants of the group's call; the call's floor talker is a participant;
// nothing floods: at most kMaxPerSecond datagrams and SIP messages in any simulated second.
#include <osipparser2/osip_port.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>

#include "mcx/codec/rtp.h"
#include "mcx/procedures/onnet/group_call_server.h"
#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/onnet/info_protection.h"
#include "mcx/procedures/onnet/onnet_call_client.h"
#include "mcx/security/identity.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/support/fake_network.h"

using namespace mcx;
using namespace mcx::procedures;
using crypto::Bytes;
using fuzz::Input;
using testing::FakeHost;
using testing::FakeNetwork;

namespace {

constexpr int kClients = 3;
constexpr uint64_t kMaxPerSecond = 5000;
const std::string kGroup = "sip:fuzz-group@example.org";

struct Client {
  std::string uri;
  FakeHost* host = nullptr;
  security::KeyStore keys;
  std::unique_ptr<OnnetCallClient> call;
};

struct Harness {
  FakeNetwork net;
  FakeHost* server_host = nullptr;
  security::KeyStore server_keys;
  std::unique_ptr<GroupCallServer> server;
  Client c[kClients];
  std::map<int64_t, uint64_t> traffic;  ///< by second of simulated time

  void Count() { FUZZ_CHECK(++traffic[static_cast<int64_t>(net.now())] <= kMaxPerSecond); }

  void Setup() {
    net.drop = [this](const Endpoint&, const Endpoint&, const std::string& text) {
      Count();
      FUZZ_CHECK(SipMessage::Parse(crypto::ByteView(text)).ok());
      return false;
    };
    server_host = &net.Add("10.0.0.1", 1);
    for (int i = 0; i < kClients; ++i) {
      Client& cl = c[i];
      cl.uri = "sip:ue" + std::to_string(i) + "@example.org";
      cl.host = &net.Add("10.0.1." + std::to_string(i + 1), static_cast<uint64_t>(i + 2));
      security::StoredKey csk;
      csk.purpose = security::KeyPurpose::kCsk;
      csk.key_id = 0x20000000u | static_cast<uint32_t>(i + 1);  // purpose tag 2: a CSK-ID
      csk.key = crypto::SecretBytes(Bytes(16, static_cast<uint8_t>(0x40 + i)));
      csk.rand = Bytes(16, static_cast<uint8_t>(0x60 + i));
      csk.cs_id = 6;
      FUZZ_CHECK(cl.keys.Put(csk).ok());
      if (i < 2) {  // the third client never uploaded its CSK
        csk.peer_uri = cl.uri;
        FUZZ_CHECK(server_keys.Put(csk).ok());
      }
      OnnetCallClientConfig cfg;
      cfg.user_uri = cl.uri;
      cfg.server_sip = Endpoint{"10.0.0.1", 5060};
      cl.call = std::make_unique<OnnetCallClient>(*cl.host, cl.host->sip(), cfg, cl.keys);
      cl.host->sip_handler = [&cl](const Endpoint& from, const SipMessage& m) { cl.call->OnSipRequest(from, m); };
      cl.host->OpenDatagram(49150, [&cl](const Endpoint& f, crypto::ByteView d) { cl.call->OnFloorDatagram(f, d); });
      cl.host->OpenDatagram(49151, [&cl](const Endpoint& f, crypto::ByteView d) { cl.call->OnMediaDatagram(f, d); });
    }
    GroupCallDirectory dir;
    dir.affiliated = [this](const std::string& g) {
      std::vector<std::string> users;
      if (g == kGroup)
        for (const Client& cl : c) users.push_back(cl.uri);
      return users;
    };
    dir.contact = [this](const std::string& u) -> std::optional<Endpoint> {
      for (const Client& cl : c)
        if (cl.uri == u) return Endpoint{cl.host->ip(), 5060};
      return std::nullopt;
    };
    dir.csk = [this](const std::string& u) -> const security::StoredKey* {
      for (const security::StoredKey* k : server_keys.Keys(security::KeyPurpose::kCsk))
        if (k->peer_uri == u) return k;
      return nullptr;
    };
    server = std::make_unique<GroupCallServer>(*server_host, server_host->sip(), GroupCallServerConfig{}, dir);
    server_host->sip_handler = [this](const Endpoint& from, const SipMessage& m) { server->OnSipRequest(from, m); };
    server_host->OpenDatagram(49150, [this](const Endpoint& f, crypto::ByteView d) { server->OnFloorDatagram(f, d); });
    server_host->OpenDatagram(49151, [this](const Endpoint& f, crypto::ByteView d) { server->OnMediaDatagram(f, d); });
    net.route_datagram = [this](FakeHost& from, uint16_t port, const Endpoint& to, const Bytes& d) {
      Count();
      const Endpoint src{from.ip(), port};
      net.After(net.latency, [this, to, src, d] {
        if (FakeHost* h = net.Find(to.host)) h->DeliverDatagram(to.port, src, d);
      });
    };
  }

  // An INVITE built from the input: ours with parts changed, or parts raw. `csk` and `csk_user`:
  // the keys an XML-protected mcpttinfo goes under.
  Bytes BuiltInvite(Input& in, const std::string& from_uri, const std::string& request_uri,
                    const security::StoredKey& csk, const std::string& csk_user) {
    const uint8_t how = in.U8();
    SipMessage inv = SipMessage::Request("INVITE", (how & 1) ? request_uri : "sip:prearranged@mcx.example.org");
    inv.SetFrom("<" + ((how & 2) ? std::string("sip:stranger@example.org") : from_uri) + ">;tag=f" + std::to_string(how));
    inv.SetTo("<sip:prearranged@mcx.example.org>");
    inv.SetCallId("fz" + std::to_string(in.U16()));
    inv.SetCSeq(1 + in.U8(), "INVITE");
    inv.SetContact("<sip:fz@10.0.1.1:5060>");
    inv.AddVia("SIP/2.0/UDP 10.0.1.1:5060;branch=z9hG4bKfz" + std::to_string(in.U16()));
    codec::McpttSdp sdp;
    sdp.address = (how & 4) ? "10.0.1." + std::to_string(in.U8()) : "10.0.1.1";
    sdp.media_port = static_cast<uint16_t>(1 + in.U16() % 65534);
    sdp.floor_port = 49150;
    sdp.floor.implicit_request = how & 8;
    sdp.floor.queueing = how & 16;
    if (how & 32) sdp.floor.priority = static_cast<uint8_t>(1 + in.U8() % 255);
    const std::string sdp_text = (how & 64) ? in.Str8() : sdp.Text();
    inv.AddBody(kSdpContentType, crypto::ByteView(sdp_text));
    McpttInfo info;
    info.session_type = in.U8() & 1 ? "prearranged" : "private";
    const uint8_t callee = in.U8();
    info.request_uri = info.session_type == "private" && (callee & 4) ? c[callee % kClients].uri : kGroup;
    info.calling_user = from_uri;
    info.emergency = how & 128;
    const uint8_t info_how = in.U8() % 5;
    if (info_how == 4) {  // as the real client sends it
      const auto keys = CskSignallingKeys(csk, csk_user);
      FUZZ_CHECK(AddMcpttInfo(inv, info, &keys, server_host->Rng()).ok());
      return inv.Serialize();
    }
    std::string xml = BuildMcpttInfo(info);
    if (info_how == 1) xml = in.Str8();
    if (info_how == 2) {  // an encrypted-typed element we cannot read
      const auto at = xml.find("type=\"Normal\"");
      if (at != std::string::npos) xml.replace(at, 13, "type=\"Encrypted\"");
    }
    if (info_how != 3) inv.AddBody(kMcpttInfoContentType, crypto::ByteView(xml));
    return inv.Serialize();
  }

  void CheckServer() {
    const auto participants = server->Participants(kGroup);
    for (const std::string& u : participants) FUZZ_CHECK(u == c[0].uri || u == c[1].uri);  // affiliated, with a CSK
    if (const FloorControlServer* floor = server->Floor(kGroup)) {
      const std::string& talker = floor->talker();
      if (!talker.empty()) FUZZ_CHECK(std::find(participants.begin(), participants.end(), talker) != participants.end());
    }
  }

  void Step(Input& in) {
    const uint8_t op = in.U8();
    const int i = (op >> 4) % kClients;
    Client& cl = c[i];
    const Endpoint client_sip{cl.host->ip(), 5060};
    switch (op & 15) {
      case 0: {
        const uint8_t b = in.U8();
        cl.host->Dispatch([&] { cl.call->CallGroup(b & 1 ? "sip:other@example.org" : kGroup, b & 2, b & 4); });
        break;
      }
      case 1: cl.host->Dispatch([&] { cl.call->Hangup(); }); break;
      case 2: cl.host->Dispatch([&] { cl.call->PressPtt(); }); break;
      case 3: cl.host->Dispatch([&] { cl.call->ReleasePtt(); }); break;
      case 4: {
        const Bytes inv = BuiltInvite(in, cl.uri, "sip:elsewhere@example.org", *cl.keys.Keys(security::KeyPurpose::kCsk)[0], cl.uri);
        server_host->Dispatch([&] { server_host->sip().OnBytes(client_sip, inv); });
        break;
      }
      case 5: {
        const Bytes raw = in.Lv16();
        server_host->Dispatch([&] { server_host->sip().OnBytes(client_sip, raw); });
        break;
      }
      case 6: {
        const Bytes inv = BuiltInvite(in, "sip:mcx-server@example.org", cl.uri, *cl.keys.Keys(security::KeyPurpose::kCsk)[0], cl.uri);
        cl.host->Dispatch([&] { cl.host->sip().OnBytes(Endpoint{"10.0.0.1", 5060}, inv); });
        break;
      }
      case 7: net.RunUntil(net.now() + 0.010 * in.U8()); break;
      case 8: net.RunUntil(net.now() + in.U8()); break;
      case 9: {
        const Bytes raw = in.Lv8();
        server_host->DeliverDatagram(49150, Endpoint{cl.host->ip(), 49150}, raw);
        break;
      }
      case 10: {
        const Bytes raw = in.Lv8();
        server_host->DeliverDatagram(49151, Endpoint{cl.host->ip(), 49151}, raw);
        break;
      }
      case 11: server_host->Dispatch([&] { server->OnAffiliated(cl.uri, kGroup); }); break;
      case 12: {
        codec::RtpPacket p;
        p.ssrc = cl.call->ssrc();
        p.sequence = in.U16();
        p.payload = Bytes(20, 0x55);
        cl.host->Dispatch([&] { cl.call->SendMedia(codec::Encode(p)); });
        break;
      }
      default: break;
    }
    CheckServer();
  }
};

void NoTrace(const char*, int, osip_trace_level_t, const char*, va_list) {}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  osip_trace_initialize_func(OSIP_FATAL, &NoTrace);  // libosip2 logs every parse error otherwise
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  Input in(data, size);
  Harness h;
  h.Setup();
  while (!in.empty()) h.Step(in);
  h.net.RunUntil(h.net.now() + 120);  // every timer runs out (T4 ends an idle call)
  h.CheckServer();
  return 0;
}
