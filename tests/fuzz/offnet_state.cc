// Fuzz target: the off-network state machines on the fake host (tests/support/fake_network.h):
// three members of a group, each with an off-network floor participant (TS 24.380 clause 7) and
// group call control (TS 24.379 10.2.2); two of them also with a private call endpoint (11.2)
// holding real keys of our domain (fuzz_world.h). Members hear each other over a medium with
// latency; the input is a sequence of events:
//
//   header: 3 bytes (priorities, queueing, confirm mode, which links are up)
//   op byte: low 4 bits the event, high bits the member:
//     0 PTT pressed          1 PTT released         2 a floor packet (8-bit length, bytes), decoded
//     3 a floor message built from fields (as another participant would send it, possibly
//       without one of its fields)
//     4 RTP media from an SSRC  5 time passes (x 10 ms)  6 time passes (s; 255: past T230)
//     7 floor participant stops / starts  8 PTT with no call (group call Initiate)
//     9 a MONP datagram (16-bit length, bytes) to group call control
//    10 a group call message built from fields (probe, announcement, accept)
//    11 group call released  12 a private call to the other endpoint (the PCK I_MESSAGE)
//    13 a MONP datagram to the private call endpoint  14 a private call message built from
//       fields, or the last one on the air again, changed  15 a link between members goes up/down
//
// Properties: every floor message a participant sends has the fields TS 24.380 8.3 makes
// mandatory off-network and decodes again; every datagram a member sends decodes as MONP; a
// private call both ends established has the same PCK, ID and RAND at both; the members do not
// flood the medium: at most kMaxPerSecond datagrams and as many floor messages in any second of
// simulated time (a rate, since an input can advance time without bound), far above what its
// events can legitimately cause and reached at once by a zero-delay loop.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mcx/codec/floor.h"
#include "mcx/codec/monp.h"
#include "mcx/codec/mcptt_sdp.h"
#include "mcx/procedures/offnet/group_call_control.h"
#include "mcx/procedures/offnet/offnet_floor_participant.h"
#include "mcx/procedures/offnet/private_call_endpoint.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/fuzz_world.h"
#include "tests/support/fake_network.h"

using namespace mcx;
using namespace mcx::procedures;
using crypto::Bytes;
using crypto::ByteView;
using fuzz::Input;
using testing::FakeHost;
using testing::FakeNetwork;

namespace {

constexpr int kMembers = 3;
constexpr uint64_t kMaxPerSecond = 2000;
const char* kGroupAddress = "225.0.0.1";

struct Member {
  FakeHost* host = nullptr;
  std::string uri;
  uint32_t ssrc = 0;
  std::unique_ptr<OffnetFloorParticipant> floor;
  std::unique_ptr<GroupCallControl> call;
  std::unique_ptr<PrivateCallEndpoint> pc;
  std::optional<PrivateCallKeys> established;  ///< as caller or callee
};

struct Harness {
  FakeNetwork net;
  Member m[kMembers];
  bool link[kMembers][kMembers];
  std::map<int64_t, uint64_t> datagrams, floor_messages;  ///< by second of simulated time
  Bytes last_private;  ///< the last private call datagram on the air
  std::string last_private_to;
  int calls = 0;

  int IndexOf(const std::string& ip) {
    for (int i = 0; i < kMembers; ++i)
      if (m[i].host->ip() == ip) return i;
    return -1;
  }

  void Setup(Input& in) {
    const fuzz::World& w = fuzz::World::Get();
    const uint8_t h0 = in.U8(), h1 = in.U8(), h2 = in.U8();
    for (int i = 0; i < kMembers; ++i)
      for (int j = 0; j < kMembers; ++j) link[i][j] = i != j && !(h2 >> (i * kMembers + j) & 1);
    net.latency = 0.010;
    // A broadcast medium for the group address, unicast for the private calls.
    net.route_datagram = [this](FakeHost& from, uint16_t, const Endpoint& to, const Bytes& b) {
      FUZZ_CHECK(++datagrams[static_cast<int64_t>(net.now())] <= kMaxPerSecond);
      const bool group = codec::DecodeMonpGroupCall(b).ok();
      const bool priv = codec::DecodeMonp(b).ok();
      FUZZ_CHECK(group || priv);
      const int src = IndexOf(from.ip());
      if (to.host == kGroupAddress) {
        for (int j = 0; j < kMembers; ++j) {
          if (!link[src][j]) continue;
          net.After(0.0365, [this, j, b]() { m[j].host->Dispatch([&] { m[j].call->Receive(b); }); });
        }
        return;
      }
      last_private = b;
      last_private_to = to.host;
      const int dst = IndexOf(to.host);
      if (dst < 0 || !link[src][dst] || !m[dst].pc) return;
      const std::string from_ip = from.ip();
      net.After(0.0365, [this, dst, from_ip, b]() { m[dst].host->Dispatch([&] { m[dst].pc->Receive(from_ip, b); }); });
    };
    const char* ids[kMembers] = {"ue1", "ue2", "mcx-server"};
    for (int i = 0; i < kMembers; ++i) {
      Member& mm = m[i];
      mm.host = &net.Add("10.0.0." + std::to_string(i + 1), static_cast<uint64_t>(i + 1));
      mm.uri = w.Named(ids[i])->uri();
      mm.ssrc = 0x1001 + static_cast<uint32_t>(i);
      OffnetFloorConfig fc;
      fc.user_id = mm.uri;
      fc.ssrc = mm.ssrc;
      fc.priority = static_cast<uint8_t>(h0 >> (2 * i) & 3);
      fc.queueing = h1 >> i & 1;
      fc.max_queue = 1 + (h1 >> 3 & 3);
      OffnetFloorHooks hooks;
      hooks.send = [this, i](const codec::FloorMessage& msg) { SendFloor(i, msg); };
      mm.floor = std::make_unique<OffnetFloorParticipant>(fc, *mm.host, hooks);
      GroupCallConfig gc;
      gc.user_id = mm.uri;
      gc.group_id = fuzz::World::Group();
      gc.sdp = codec::McpttSdp{kGroupAddress, 49150, 49151, {}, {}};
      gc.confirm_mode = h1 >> (5 + i) & 1;
      mm.call = std::make_unique<GroupCallControl>(gc, *mm.host);
      if (i < 2) {
        PrivateCallEndpoint::Config pc;
        pc.user_id = mm.uri;
        pc.address = mm.host->ip();
        mm.pc = std::make_unique<PrivateCallEndpoint>(pc, *w.Named(ids[i])->id,
                                                      std::vector<security::mikey_sakke::KmsPublicInfo>{w.universes[0].kms},
                                                      *mm.host);
        mm.pc->on_established = [this, i](const PrivateCallKeys& k, const std::string&, const codec::McpttSdp&, bool) {
          m[i].established = k;
        };
      }
      mm.host->Dispatch([&] { mm.floor->Start(); });
    }
  }

  void SendFloor(int from, const codec::FloorMessage& msg) {
    FUZZ_CHECK(++floor_messages[static_cast<int64_t>(net.now())] <= kMaxPerSecond);
    FUZZ_CHECK(codec::Validate(msg, /*off_network=*/true).ok());
    const Bytes wire = codec::Encode(msg);
    auto back = codec::Decode(wire);
    FUZZ_CHECK(back.ok());
    for (int j = 0; j < kMembers; ++j) {
      if (!link[from][j]) continue;
      net.After(0.0365, [this, j, wire]() {
        auto got = codec::Decode(wire);
        m[j].host->Dispatch([&] { m[j].floor->Receive(*got); });
      });
    }
  }

  uint32_t Ssrc(uint8_t c, Input& in) {
    if (c < 3 * kMembers) return m[c % kMembers].ssrc;
    if (c < 250) return 0x1001 + c % 8;
    return c == 250 ? 0 : in.U32();
  }
  std::string User(uint8_t c, Input& in) {
    if (c < 3 * kMembers) return m[c % kMembers].uri;
    if (c < 250) return "sip:other" + std::to_string(c % 4) + "@mcx.example.org";
    return c == 250 ? std::string() : in.Str8();
  }

  codec::FloorMessage BuildFloor(Input& in) {
    using codec::FloorMsgType;
    const uint8_t type = in.U8();
    const uint32_t ssrc = Ssrc(in.U8(), in);
    const std::string user = User(in.U8(), in);
    const uint8_t prio = in.U8() & 7;
    codec::FloorMessage f;
    switch (type % 11) {
      case 0: f = codec::OffnetFloorRequest(ssrc, user, prio); break;
      // Each read in a statement of its own: the order of a call's arguments is unspecified.
      case 1: {
        const uint32_t granted = Ssrc(in.U8(), in);
        const uint16_t seconds = in.U16();
        f = codec::OffnetFloorGranted(ssrc, user, granted, seconds, prio);
        break;
      }
      case 2: {
        const std::string granted = User(in.U8(), in);
        const bool permission = in.U8() & 1;
        const uint16_t seq = in.U16();
        f = codec::OffnetFloorTaken(ssrc, user, granted, permission, seq);
        break;
      }
      case 3: {
        const std::string to = User(in.U8(), in);
        const uint16_t reason = in.U16();
        f = codec::OffnetFloorDeny(ssrc, to, reason);
        break;
      }
      case 4: f = codec::OffnetFloorRelease(ssrc, user); break;
      case 5: f = codec::FloorIdle(ssrc, in.U16()); break;
      case 6: f = codec::FloorRevoke(ssrc, in.U16()); break;
      case 7: f = codec::FloorQueuePositionRequest(ssrc); break;
      case 8: {
        const std::string queued = User(in.U8(), in);
        const uint8_t position = in.U8();
        f = codec::OffnetFloorQueuePositionInfo(ssrc, user, queued, position, prio);
        break;
      }
      case 9: f = codec::FloorAck(ssrc, static_cast<FloorMsgType>(in.U8() & 15), codec::Source::kParticipant); break;
      default: f = codec::FloorRequest(ssrc, prio); break;  // the on-network form, without a User ID
    }
    if (type & 0x80 && !f.fields.empty()) f.fields.erase(f.fields.begin() + in.U8() % f.fields.size());
    if (type & 0x40) f.subtype |= codec::kAckRequested;
    return f;
  }

  Bytes BuildGroupCall(int at, Input& in) {
    codec::MonpGroupCallMessage g;
    const uint8_t t = in.U8();
    g.type = static_cast<codec::MonpType>(1 + t % 3);
    const auto current = m[at].call->call_id();
    const uint8_t c = in.U8();
    g.call_id = c < 128 && current ? *current : in.U16();
    g.call_type = 1 + (t >> 2 & 3);
    static const uint16_t kRefresh[] = {10000, 1000, 100, 65535};
    const uint8_t r = in.U8();
    g.refresh_interval_ms = r < 192 ? kRefresh[r % 4] : in.U16();
    const uint64_t now = m[at].host->UnixTime();
    const uint8_t s = in.U8();
    g.call_start_time = s < 64 ? now - s : s < 128 ? now + (s - 64) : in.U32();
    g.last_call_type_change_time = g.call_start_time;
    g.group_id = t & 0x20 ? std::string("sip:group2@mcx.example.org") : fuzz::World::Group();
    g.sdp = codec::McpttSdp{kGroupAddress, 49150, 49151, {}, {}}.Text();
    g.originating_user = User(in.U8(), in);
    g.last_user_to_change_call_type = g.originating_user;
    g.sending_user = g.originating_user;
    g.confirm_mode = t & 0x40;
    g.probe_response = t & 0x80;
    return codec::Encode(g);
  }

  Bytes BuildPrivate(Input& in) {
    const uint8_t t = in.U8();
    auto last = codec::DecodeMonp(last_private);
    if (t & 0x80 && last) {  // the last private call message on the air, changed a little
      codec::MonpPrivateCallMessage p = *last;
      switch (t & 7) {
        case 0: break;
        case 1: p.call_id = in.U16(); break;
        case 2: p.callee = User(in.U8(), in); break;
        case 3: p.caller = User(in.U8(), in); break;
        case 4: p.type = static_cast<codec::MonpType>(8 + in.U8() % 6); break;
        case 5: p.sdp = in.Str8(); break;
        default: p.reason = in.U8(); break;
      }
      return codec::Encode(p);
    }
    codec::MonpPrivateCallMessage p;
    p.type = static_cast<codec::MonpType>(8 + t % 6);
    p.call_id = last && (t & 0x40) ? last->call_id : in.U16();
    p.caller = User(in.U8(), in);
    p.callee = User(in.U8(), in);
    if (p.type == codec::MonpType::kPrivateCallSetupRequest || p.type == codec::MonpType::kPrivateCallAccept)
      p.sdp = codec::McpttSdp{"10.0.0.9", 49150, 49151, t & 0x20 ? in.Lv8() : Bytes(), {}}.Text();
    p.reason = in.U8() % 6;
    return codec::Encode(p);
  }

  void Advance(double s) { net.RunUntil(net.now() + s); }

  void Run(Input& in) {
    for (int ops = 0; !in.empty() && ops < 200; ++ops) {
      const uint8_t op = in.U8();
      const int at = (op >> 4) % kMembers;
      Member& mm = m[at];
      switch (op & 15) {
        case 0: mm.host->Dispatch([&] { mm.floor->PressPtt(); }); break;
        case 1: mm.host->Dispatch([&] { mm.floor->ReleasePtt(); }); break;
        case 2: {
          if (auto f = codec::Decode(in.Lv8())) mm.host->Dispatch([&] { mm.floor->Receive(*f); });
          break;
        }
        case 3: {
          auto f = codec::Decode(codec::Encode(BuildFloor(in)));
          FUZZ_CHECK(f.ok());
          mm.host->Dispatch([&] { mm.floor->Receive(*f); });
          break;
        }
        case 4: {
          const uint32_t ssrc = Ssrc(in.U8(), in);
          mm.host->Dispatch([&] { mm.floor->MediaReceived(ssrc); });
          break;
        }
        case 5: Advance(0.010 * in.U8()); break;
        case 6: {
          const uint8_t s = in.U8();
          Advance(s == 255 ? 700.0 : s);
          break;
        }
        case 7:
          mm.host->Dispatch([&] {
            if (mm.floor->state() == OffnetFloorState::kStartStop) mm.floor->Start();
            else mm.floor->Stop();
          });
          break;
        case 8: mm.host->Dispatch([&] { mm.call->Initiate(); }); break;
        case 9: {
          const Bytes b = in.Lv16();
          mm.host->Dispatch([&] { mm.call->Receive(b); });
          break;
        }
        case 10: {
          const Bytes b = BuildGroupCall(at, in);
          mm.host->Dispatch([&] { mm.call->Receive(b); });
          break;
        }
        case 11: mm.host->Dispatch([&] { mm.call->Release(); }); break;
        case 12: {
          if (!mm.pc || ++calls > 2) break;  // each call is a SAKKE encapsulation and a signature
          Member& peer = m[1 - at];
          mm.host->Dispatch([&] { mm.pc->Call(peer.uri, peer.host->ip()); });
          break;
        }
        case 13: {
          const Bytes b = in.Lv16();
          const int from = in.U8() % (kMembers + 1);
          const std::string ip = from < kMembers ? m[from].host->ip() : "10.0.0.99";
          if (mm.pc) mm.host->Dispatch([&] { mm.pc->Receive(ip, b); });
          break;
        }
        case 14: {
          const Bytes b = BuildPrivate(in);
          const int from = in.U8() % kMembers;
          if (mm.pc) mm.host->Dispatch([&] { mm.pc->Receive(m[from].host->ip(), b); });
          break;
        }
        default: {
          const uint8_t l = in.U8();
          const int a = l % kMembers, b = (l >> 2) % kMembers;
          if (a != b) link[a][b] = !link[a][b];
          break;
        }
      }
    }
    Advance(2.0);  // what is on the air arrives (op 6 with 255 lets T230, 600 s, run out)
    // A private call both ends established: the same key at both.
    if (m[0].established && m[1].established && m[0].established->pck_id == m[1].established->pck_id) {
      FUZZ_CHECK(ByteView(m[0].established->pck) == ByteView(m[1].established->pck));
      FUZZ_CHECK(m[0].established->rand == m[1].established->rand);
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::World::Get();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  auto h = std::make_unique<Harness>();
  h->Setup(in);
  h->Run(in);
  // The members go before the network whose events point at them.
  for (auto& mm : h->m) {
    mm.pc.reset();
    mm.call.reset();
    mm.floor.reset();
  }
  return 0;
}
