// Fuzz target: on-network floor control (TS 24.380 clause 6) on the fake host: a floor control
// server and four participants, each with its own host, messages crossing a link with latency
// that the input can cut. The input is a header and a sequence of events:
//
//   header: 2 bytes (server: queueing, preemption, acks, broadcast, max queue; participants'
//           priorities)
//   op byte: low 4 bits the event, high bits the member (0-3):
//     0 PTT pressed         1 PTT released          2 a floor packet (8-bit length, bytes) from
//       the member to the server, decoded           3 the same from the server to the member
//     4 a floor message built from fields, to the server (type, priority, indicator, ack bit,
//       possibly without one of its fields)         5 RTP media from the member
//     6 time passes (x 10 ms)  7 time passes (s)    8 queue position request
//     9 the member leaves / joins (late entry)     10 the member's participant stops / starts
//    11 the call stops / starts (with an implicit request from the member)
//    12 the member's link to the server goes down / up, each way
//
// Properties: every message either side sends has the fields TS 24.380 8.2 makes mandatory and
// decodes again; the server's view is consistent after every event (exactly one participant is
// 'U: permitted' or 'U: pending Floor Revoke', and it is the talker, when the floor is taken or
// being revoked; nobody when idle; the queue holds no talker, no duplicate and at most
// max_queue + 1 entries (a pre-emptor goes in front of a full queue); an idle floor has no
// queue); only the talker's media is relayed; neither side floods: at most kMaxPerSecond
// messages in any second of simulated time.
#include <map>
#include <memory>
#include <set>
#include <string>

#include "mcx/codec/floor.h"
#include "mcx/procedures/onnet/floor_control_server.h"
#include "mcx/procedures/onnet/onnet_floor_participant.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/support/fake_network.h"

using namespace mcx;
using namespace mcx::procedures;
using crypto::Bytes;
using fuzz::Input;
using testing::FakeHost;
using testing::FakeNetwork;

namespace {

constexpr int kMembers = 4;
constexpr uint64_t kMaxPerSecond = 2000;
constexpr double kDelay = 0.020;

struct Member {
  std::string id;
  FakeHost* host = nullptr;
  uint32_t ssrc = 0;
  OnnetFloorConfig cfg;
  std::unique_ptr<OnnetFloorParticipant> floor;
  bool joined = true, up = true, down = true;  ///< in the call; uplink and downlink work
};

struct Harness {
  FakeNetwork net;
  FakeHost* server_host = nullptr;
  FloorServerConfig server_cfg;
  std::unique_ptr<FloorControlServer> server;
  Member m[kMembers];
  std::map<int64_t, uint64_t> messages;  ///< by second of simulated time

  static void CheckWire(const codec::FloorMessage& msg) {
    FUZZ_CHECK(codec::Validate(msg, false).ok());
    FUZZ_CHECK(codec::Decode(codec::Encode(msg)).ok());
  }
  void Count() { FUZZ_CHECK(++messages[static_cast<int64_t>(net.now())] <= kMaxPerSecond); }

  int Index(const std::string& id) const {
    for (int i = 0; i < kMembers; ++i)
      if (m[i].id == id) return i;
    return -1;
  }

  void Setup(Input& in) {
    const uint8_t h0 = in.U8(), h1 = in.U8();
    server_host = &net.Add("10.0.0.1", 1);
    server_cfg.ssrc = 0x5e;
    server_cfg.queueing = h0 & 1;
    server_cfg.preemption = h0 >> 1 & 1;
    server_cfg.request_acks = h0 >> 2 & 1;
    server_cfg.broadcast = h0 >> 3 & 1;
    server_cfg.max_queue = h0 >> 4 & 3;
    FloorServerHooks hooks;
    hooks.send = [this](const std::string& to, const codec::FloorMessage& msg) {
      CheckWire(msg);
      Count();
      const int i = Index(to);
      FUZZ_CHECK(i >= 0);
      if (!m[i].down) return;
      net.After(kDelay, [this, i, msg] {
        if (m[i].floor) m[i].host->Dispatch([&] { m[i].floor->Receive(msg); });
      });
    };
    server = std::make_unique<FloorControlServer>(server_cfg, *server_host, hooks);
    for (int i = 0; i < kMembers; ++i) {
      Member& mm = m[i];
      mm.id = "sip:ue" + std::to_string(i + 1) + "@example.org";
      mm.host = &net.Add("10.0.1." + std::to_string(i + 1), static_cast<uint64_t>(i + 2));
      mm.ssrc = 0x1001 + static_cast<uint32_t>(i);
      mm.cfg.user_id = mm.id;
      mm.cfg.ssrc = mm.ssrc;
      mm.cfg.priority = static_cast<uint8_t>(h1 >> (2 * i) & 3);
      mm.cfg.stay_queued_on_release = i == 3;
      mm.floor = MakeParticipant(i);
      server->AddParticipant(mm.id, mm.ssrc, i == 2 ? 1 : 255, i != 1);
    }
  }

  std::unique_ptr<OnnetFloorParticipant> MakeParticipant(int i) {
    OnnetFloorHooks hooks;
    hooks.send = [this, i](const codec::FloorMessage& msg) {
      CheckWire(msg);
      Count();
      ToServer(i, msg);
    };
    return std::make_unique<OnnetFloorParticipant>(m[i].cfg, *m[i].host, hooks);
  }

  void ToServer(int i, const codec::FloorMessage& msg) {
    if (!m[i].up) return;
    const std::string id = m[i].id;
    net.After(kDelay, [this, id, msg] { server_host->Dispatch([&] { server->Receive(id, msg); }); });
  }

  void Media(int i) {
    if (!m[i].up) return;
    const std::string id = m[i].id;
    const uint32_t ssrc = m[i].ssrc;
    net.After(kDelay, [this, id, ssrc] {
      bool relay = false;
      server_host->Dispatch([&] { relay = server->MediaReceived(id); });
      FUZZ_CHECK(!relay || id == server->talker());
      if (!relay) return;
      for (int j = 0; j < kMembers; ++j) {
        if (m[j].id == id || !m[j].down || !m[j].floor) continue;
        net.After(kDelay, [this, j, ssrc] {
          if (m[j].floor) m[j].floor->MediaReceived(ssrc);
        });
      }
    });
  }

  void CheckServer() {
    const FloorServerState s = server->state();
    const std::string& talker = server->talker();
    const bool taken = s == FloorServerState::kFloorTaken || s == FloorServerState::kPendingFloorRevoke;
    FUZZ_CHECK(taken == !talker.empty());
    int permitted = 0;
    for (int i = 0; i < kMembers; ++i) {
      const TowardsParticipantState u = server->participant_state(m[i].id);
      if (u == TowardsParticipantState::kPermitted || u == TowardsParticipantState::kPendingFloorRevoke) {
        ++permitted;
        FUZZ_CHECK(m[i].id == talker);
      }
      if (s == FloorServerState::kStartStop || !m[i].joined) FUZZ_CHECK(u == TowardsParticipantState::kStartStop);
    }
    FUZZ_CHECK(permitted == (taken ? 1 : 0));
    const std::vector<std::string> q = server->queue();
    FUZZ_CHECK(q.size() <= server_cfg.max_queue + 1);
    FUZZ_CHECK(std::set<std::string>(q.begin(), q.end()).size() == q.size());
    for (const std::string& id : q) FUZZ_CHECK(id != talker && Index(id) >= 0 && m[Index(id)].joined);
    if (s != FloorServerState::kFloorTaken && s != FloorServerState::kPendingFloorRevoke) FUZZ_CHECK(q.empty());
  }

  codec::FloorMessage Built(Input& in) {
    const uint8_t kind = in.U8();
    const uint32_t ssrc = in.U32();
    codec::FloorMessage msg;
    switch (kind % 6) {
      case 0: msg = codec::FloorRequest(ssrc, in.U8(), in.U16()); break;
      case 1: msg = codec::FloorRelease(ssrc, in.U16()); break;
      case 2: msg = codec::FloorQueuePositionRequest(ssrc); break;
      case 3: msg = codec::FloorAck(ssrc, static_cast<codec::FloorMsgType>(in.U8() & 15), codec::Source::kParticipant); break;
      case 4: msg = codec::FloorGranted(ssrc, in.U16(), in.U8()); break;
      default: msg = codec::FloorIdle(ssrc, in.U16()); break;
    }
    if (kind & 0x40) msg.subtype |= codec::kAckRequested;
    if ((kind & 0x80) && !msg.fields.empty()) msg.fields.erase(msg.fields.begin() + (in.U8() % msg.fields.size()));
    return msg;
  }

  void Step(Input& in) {
    const uint8_t op = in.U8();
    const int i = (op >> 4) % kMembers;
    Member& mm = m[i];
    switch (op & 15) {
      case 0: if (mm.floor) mm.host->Dispatch([&] { mm.floor->PressPtt(); }); break;
      case 1: if (mm.floor) mm.host->Dispatch([&] { mm.floor->ReleasePtt(); }); break;
      case 2: {
        auto msg = codec::Decode(in.Lv8());
        if (msg) ToServer(i, *msg);
        break;
      }
      case 3: {
        auto msg = codec::Decode(in.Lv8());
        if (msg && mm.floor) mm.host->Dispatch([&] { mm.floor->Receive(*msg); });
        break;
      }
      case 4: ToServer(i, Built(in)); break;
      case 5: Media(i); break;
      case 6: net.RunUntil(net.now() + 0.010 * in.U8()); break;
      case 7: net.RunUntil(net.now() + in.U8()); break;
      case 8: if (mm.floor) mm.host->Dispatch([&] { mm.floor->RequestQueuePosition(); }); break;
      case 9:
        server_host->Dispatch([&] {
          if (mm.joined) {
            server->RemoveParticipant(mm.id);
          } else {
            server->AddParticipant(mm.id, mm.ssrc);
          }
        });
        mm.joined = !mm.joined;
        break;
      case 10:
        mm.host->Dispatch([&] {
          if (mm.floor->state() == OnnetFloorState::kStartStop) {
            mm.floor->Start(static_cast<FloorStart>(in.U8() % 3));
          } else {
            mm.floor->Stop();
          }
        });
        break;
      case 11:
        server_host->Dispatch([&] {
          if (server->state() == FloorServerState::kStartStop) {
            const bool implicit = in.U8() & 1;
            server->Start(implicit ? std::optional<std::string>(mm.id) : std::nullopt, in.U8(), in.U16());
          } else {
            server->Stop();
          }
        });
        break;
      case 12: {
        const uint8_t b = in.U8();
        mm.up = b & 1;
        mm.down = b >> 1 & 1;
        break;
      }
      default: break;
    }
    CheckServer();
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  Input in(data, size);
  Harness h;
  h.Setup(in);
  while (!in.empty()) h.Step(in);
  h.net.RunUntil(h.net.now() + 120);  // every timer runs out
  h.CheckServer();
  return 0;
}
