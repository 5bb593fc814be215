// Fuzz target: the SIP transaction layer (procedures/transport/sip_stack.h) over UDP on the fake
// host, as every node uses it: requests (built from the input, or raw bytes) from a peer with
// branches drawn from a small set so that retransmissions and collisions happen, a handler that
// answers some and drops others, responses to the node's own requests and stray ones, and time.
//
// The input is a sequence of operations (op byte):
//   bits 0-1: 0 raw bytes (16-bit length) to the node; 1 a request (method, branch, Call-ID and
//             whether the handler answers it, from the next bytes); 2 time goes on (next byte x
//             100 ms); 3 the node sends a request to the peer, which answers it (a response
//             with the next byte's status) or not; with bit 5 an INVITE (bit 4: cancelled at
//             once), whose 2xx the node ACKs.
//
// Properties: the handler gets a request at most once while its transaction is kept (64 T1 from
// when it came), a retransmitted request that was answered gets the same response again, every
// request of the node ends with exactly one final response or a timeout (Timer F, B or C; an
// INVITE reports no provisional response after its final one, and a retransmitted 2xx only after
// a 2xx), and once Timer C and 64 T1 pass without input the node keeps no transaction (INVITEs,
// ACKs and CANCELs to the node come from the raw operations).
#include <map>
#include <set>

#include "mcx/procedures/transport/sip_stack.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/support/fake_network.h"

using namespace mcx;
using crypto::Bytes;
using fuzz::Input;
using procedures::Endpoint;
using procedures::SipMessage;

namespace {

const char* kMethods[] = {"MESSAGE", "NOTIFY", "SUBSCRIBE", "REGISTER", "OPTIONS", "PUBLISH"};

Bytes Request(const std::string& method, uint8_t branch, uint8_t call) {
  const std::string m = method + " sip:node@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKfz" +
                        std::to_string(branch) + "\r\nFrom: <sip:peer@x>;tag=p\r\nTo: <sip:node@x>\r\nCall-ID: c" +
                        std::to_string(call) + "\r\nCSeq: 1 " + method + "\r\nContent-Length: 0\r\n\r\n";
  return Bytes(m.begin(), m.end());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  testing::FakeNetwork net;
  auto& peer = net.Add("10.0.0.1", 1);
  auto& node = net.Add("10.0.0.2", 2);
  const double window_s = 64 * procedures::SipTimers{}.t1;
  const double kSettle = 2.5 * net.latency;  // what an operation sends has arrived (a round trip)

  bool answer_next = false;
  std::map<std::string, double> handled;      // branch + method -> when the handler got it
  std::map<std::string, Bytes> answered;      // branch + method -> the response sent
  node.sip_handler = [&](const Endpoint& from, const SipMessage& req) {
    const std::string key = req.TopViaBranch() + " " + req.Method();
    auto seen = handled.find(key);
    FUZZ_CHECK(seen == handled.end() || net.now() - seen->second >= window_s);
    handled[key] = net.now();
    if (!answer_next) {
      answered.erase(key);
      return;
    }
    const SipMessage resp = SipMessage::Response(200, "OK", req, "n");
    answered[key] = resp.Serialize();
    node.sip().SendResponse(from, resp);
  };
  std::vector<Bytes> at_peer;  // responses the node sent
  peer.sip().SetStrayResponseHandler([&](const SipMessage& r) { at_peer.push_back(r.Serialize()); });
  bool peer_answers = false;
  int peer_status = 200;
  peer.sip_handler = [&](const Endpoint& from, const SipMessage& req) {
    if (req.Method() == "ACK") return;  // never answered
    if (peer_answers) peer.sip().SendResponse(from, SipMessage::Response(peer_status, "X", req, "p"));
  };
  uint32_t sent = 0, ended = 0;
  // The node's INVITEs: what each reported (RFC 3261 17.1.1 with RFC 6026).
  struct InviteSeen {
    bool final = false;
    int status = 0;
  };
  std::vector<InviteSeen> invites;
  invites.reserve(400);

  for (int ops = 0; !in.empty() && ops < 300; ++ops) {
    const uint8_t op = in.U8();
    switch (op & 3) {
      case 0: {
        const Bytes raw = in.Take(in.U16() % 4096);
        node.Dispatch([&] { node.sip().OnBytes({"10.0.0.1", 5060}, raw); });
        net.RunUntil(net.now() + kSettle);
        break;
      }
      case 1: {
        const std::string method = kMethods[in.U8() % 6];
        const uint8_t branch = in.U8() % 8;
        const uint8_t call = in.U8();
        answer_next = op & 4;
        const std::string key = "z9hG4bKfz" + std::to_string(branch) + " " + method;
        const bool known = answered.count(key) && net.now() - handled[key] < window_s;
        const Bytes expect = known ? answered[key] : Bytes();
        const size_t before = at_peer.size();
        node.Dispatch([&] { node.sip().OnBytes({"10.0.0.1", 5060}, Request(method, branch, call)); });
        net.RunUntil(net.now() + kSettle);
        // A request retransmitted within the window after it was answered gets the same response.
        if (known) {
          FUZZ_CHECK(at_peer.size() == before + 1);
          FUZZ_CHECK(at_peer.back() == expect);
        }
        break;
      }
      case 2: net.RunUntil(net.now() + in.U8() * 0.1); break;
      case 3: {
        peer_answers = op & 4;
        peer_status = 100 + in.U8() % 6 * 100;
        if (op & 0x20) {  // an INVITE: the peer's stack sends 100 Trying, its user maybe more
          SipMessage inv = SipMessage::Request("INVITE", "sip:peer@10.0.0.1");
          inv.SetFrom("<sip:node@x>;tag=n");
          inv.SetTo("<sip:peer@x>");
          inv.SetCallId("i" + std::to_string(sent));
          inv.SetCSeq(1, "INVITE");
          ++sent;
          const size_t k = invites.size();
          invites.push_back({});
          procedures::InviteHandlers h;
          h.provisional = [&, k](const SipMessage& r) { FUZZ_CHECK(!invites[k].final && r.Status() < 200); };
          h.final = [&, k, inv](const SipMessage* r) {
            FUZZ_CHECK(!invites[k].final);  // exactly one final report
            FUZZ_CHECK(r == nullptr || r->Status() >= 200);
            invites[k] = {true, r ? r->Status() : 0};
            ++ended;
            if (r && r->Status() < 300) {  // 13.2.2.4: the caller ACKs a 2xx
              SipMessage ack = SipMessage::Request("ACK", "sip:peer@10.0.0.1");
              ack.SetFrom(inv.From());
              ack.SetTo(r->To());
              ack.SetCallId(inv.CallId());
              ack.SetCSeq(1, "ACK");
              node.sip().SendAck({"10.0.0.1", 5060}, ack);
            }
          };
          h.retransmitted_2xx = [&, k](const SipMessage& r) {
            FUZZ_CHECK(invites[k].final && invites[k].status < 300 && r.Status() < 300);
          };
          const bool cancel = op & 0x10;
          node.Dispatch([&, inv, h, cancel] {
            const std::string branch = node.sip().SendInvite({"10.0.0.1", 5060}, inv, h);
            if (cancel) (void)node.sip().SendCancel(branch, nullptr);
          });
          net.RunUntil(net.now() + kSettle);
          break;
        }
        SipMessage req = SipMessage::Request(kMethods[op >> 3 & 3], "sip:peer@10.0.0.1");
        req.SetFrom("<sip:node@x>;tag=n");
        req.SetTo("<sip:peer@x>");
        req.SetCallId("n" + std::to_string(sent));
        req.SetCSeq(1, kMethods[op >> 3 & 3]);
        ++sent;
        node.Dispatch([&] {
          node.sip().SendRequest({"10.0.0.1", 5060}, req, [&](const SipMessage* r) {
            FUZZ_CHECK(r == nullptr || r->Status() >= 200);
            ++ended;
          });
        });
        net.RunUntil(net.now() + kSettle);
        break;
      }
    }
  }
  // Quiet for longer than any transaction lives (an INVITE its handler dropped: Timer C, then its
  // 408's 64 T1): everything ended, nothing kept.
  net.RunUntil(net.now() + procedures::SipTimers{}.timer_c + 2 * window_s);
  FUZZ_CHECK(ended == sent);
  FUZZ_CHECK(node.sip().server_transactions() == 0);
  FUZZ_CHECK(node.sip().client_transactions() == 0);
  return 0;
}
