// Fuzz target: SRTP and SRTCP receivers (security/srtp.h) with fixed keys: one with the RFC 7714
// session keys and no MKI, one keyed by 4-byte MKIs (private call keys, PCK-ID), one keyed by
// 8-byte MKIs (GMK-ID || any GUK-ID names a group member's key, TS 33.180 7.4.2) holding at most
// four senders. The input is a sequence of operations on them:
//   op byte: bits 0-1 receiver (0 fixed, 1 4-byte MKI, 2-3 8-byte MKI), bit 2 RTCP, bits 3-4:
//   0 a raw packet (16-bit length, bytes) to unprotect;
//   1 a clear RTP/RTCP packet (16-bit length, bytes) protected by one of the receiver's senders
//     (sender byte), optionally with one byte changed (bit 5; 16-bit position), then unprotected;
//   2 the last packet a sender protected for this receiver, delivered again;
//   3 the receiver forgets a sender's MKI, or a sender jumps its ROC / SRTCP index (32 bits).
// So packets authenticate, and the ROC estimate, the replay windows and the bounded state of the
// receivers are driven by what authentic senders do.
//
// Properties: an authentic packet unchanged decrypts to exactly what was protected; a packet with
// a byte changed anywhere the tag covers is refused; an accepted packet delivered again is refused
// while its sender's state is kept; the counters add up to the packets seen.
#include <cstdlib>
#include <map>
#include <memory>

#include "mcx/security/srtp.h"
#include "mcx/security/srtp_keys.h"
#include "tests/fuzz/fuzz_support.h"

using namespace mcx;
using crypto::Bytes;
using crypto::ByteView;
using security::srtp::MasterKey;
using security::srtp::Receiver;
using security::srtp::Sender;
using security::srtp::SessionKeys;

namespace {

Bytes H(const char* hex) { return *crypto::FromHex(hex); }

const Bytes kGmk = H("07d1a1677ac36d8e81620484689b3c2d");
const Bytes kPck = H("b4c96b703acd5c1bf7d4cc45068d9965");
const Bytes kRand = H("ca2f5d51ff0866362c1d85a56f84651e");
constexpr uint32_t kGmkId = 0x0df9bc39;
constexpr uint32_t kPckIds[] = {0x16992638, 0x1000abcd};
constexpr uint32_t kGukIds[] = {0x06a12aea, 0x00000001, 0x0fffffff, 0x12345678, 0x0000abcd, 0x0a0b0c0d};

SessionKeys Rfc7714() {
  return SessionKeys{crypto::SecretBytes(H("000102030405060708090a0b0c0d0e0f")),
                     crypto::SecretBytes(H("517569642070726f2071756f"))};
}

struct Rx {
  Rx(Receiver r, size_t mki) : receiver(std::move(r)), mki_bytes(mki) {}
  Receiver receiver;
  size_t mki_bytes;
  std::vector<std::unique_ptr<Sender>> senders;
  std::vector<Bytes> mkis;
  uint64_t calls = 0;
  uint64_t forgotten = 0;  ///< ForgetMki calls
  // The last packet each sender protected, and whether it was accepted (with the evictions and
  // forgets counted then).
  struct Last {
    Bytes wire;
    bool rtcp = false;
    bool accepted = false;
    uint64_t evicted = 0, forgotten = 0;
  };
  std::map<size_t, Last> last;
};

std::unique_ptr<Rx> Fixed() {
  auto rx = std::make_unique<Rx>(Receiver::WithSessionKeys(Rfc7714(), Rfc7714()), 0);
  rx->senders.push_back(std::make_unique<Sender>(Sender::WithSessionKeys(Rfc7714(), Rfc7714(), {})));
  rx->mkis.push_back({});
  return rx;
}

std::unique_ptr<Rx> PrivateCalls() {
  auto lookup = [](ByteView mki) -> std::optional<MasterKey> {
    auto f = security::ParseMki(mki);
    if (!f) return std::nullopt;
    for (uint32_t id : kPckIds)
      if (f->key_id == id) return security::PrivateCallMasterKey(kPck, id, kRand, 0);
    return std::nullopt;
  };
  auto rx = std::make_unique<Rx>(Receiver(4, lookup), 4);
  for (uint32_t id : kPckIds) {
    MasterKey mk = security::PrivateCallMasterKey(kPck, id, kRand, 0);
    rx->mkis.push_back(mk.mki);
    rx->senders.push_back(std::make_unique<Sender>(std::move(mk)));
  }
  return rx;
}

std::unique_ptr<Rx> Group() {
  auto lookup = [](ByteView mki) -> std::optional<MasterKey> {
    auto f = security::ParseMki(mki);
    if (!f || !f->guk_id || f->key_id != kGmkId) return std::nullopt;
    return security::GroupSenderMasterKey(kGmk, kGmkId, *f->guk_id, kRand, 4);
  };
  auto rx = std::make_unique<Rx>(Receiver(8, lookup, /*max_senders=*/4), 8);
  for (uint32_t guk : kGukIds) {
    MasterKey mk = security::GroupSenderMasterKey(kGmk, kGmkId, guk, kRand, 4);
    rx->mkis.push_back(mk.mki);
    rx->senders.push_back(std::make_unique<Sender>(std::move(mk)));
  }
  return rx;
}

crypto::Result<Bytes> Unprotect(Rx& rx, bool rtcp, ByteView wire) {
  ++rx.calls;
  auto r = rtcp ? rx.receiver.UnprotectRtcp(wire) : rx.receiver.UnprotectRtp(wire);
  const auto& c = rx.receiver.counters();
  FUZZ_CHECK(c.ok + c.auth_failed + c.replayed + c.unknown_mki + c.malformed == rx.calls);
  FUZZ_CHECK(rx.receiver.sender_count() <= (rx.mki_bytes == 8 ? 4u : Receiver::kDefaultMaxSenders));
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  std::unique_ptr<Rx> rxs[3] = {Fixed(), PrivateCalls(), Group()};
  for (int ops = 0; !in.empty() && ops < 256; ++ops) {
    const uint8_t op = in.U8();
    Rx& rx = *rxs[std::min(op & 3, 2)];
    const bool rtcp = op & 4;
    switch ((op >> 3) & 3) {
      case 0: (void)Unprotect(rx, rtcp, in.Lv16()); break;
      case 1: {
        const size_t s = in.U8() % rx.senders.size();
        Sender& sender = *rx.senders[s];
        Bytes plain = in.Lv16();
        const bool tamper = op & 0x20;
        const uint16_t pos = in.U16();
        const bool auth_only = rtcp && (op & 0x40);
        auto wire = !rtcp ? sender.ProtectRtp(plain) : auth_only ? sender.AuthenticateRtcp(plain) : sender.ProtectRtcp(plain);
        if (!wire) break;
        const size_t at = wire->empty() ? 0 : pos % wire->size();
        if (tamper && !wire->empty()) (*wire)[at] ^= static_cast<uint8_t>(1 + (op >> 7));
        auto got = Unprotect(rx, rtcp, *wire);
        if (tamper && !wire->empty()) {
          // Everything but the MKI is covered by the tag (the RTP header and the SRTCP E flag and
          // index as associated data).
          if (at < wire->size() - rx.mki_bytes) FUZZ_CHECK(!got);
        } else if (got) {
          FUZZ_CHECK(*got == plain);
        }
        rx.last[s] = Rx::Last{*wire, rtcp, got.ok() && !tamper, rx.receiver.counters().evicted, rx.forgotten};
        break;
      }
      case 2: {
        if (rx.last.empty()) break;
        auto it = rx.last.begin();
        std::advance(it, in.U8() % rx.last.size());
        const Rx::Last& l = it->second;
        auto got = Unprotect(rx, l.rtcp, l.wire);
        if (l.accepted && l.evicted == rx.receiver.counters().evicted && l.forgotten == rx.forgotten)
          FUZZ_CHECK(!got);
        break;
      }
      default: {
        const size_t s = in.U8() % rx.senders.size();
        const uint32_t v = in.U32();
        switch (op >> 5 & 3) {
          case 0:
            rx.receiver.ForgetMki(rx.mkis[s]);
            ++rx.forgotten;
            break;
          case 1: rx.senders[s]->set_roc(v); break;
          default: rx.senders[s]->set_srtcp_index(v); break;
        }
        break;
      }
    }
  }
  static const bool verbose = std::getenv("MCX_FUZZ_VERBOSE") != nullptr;
  if (verbose)
    for (const auto& rx : rxs) {
      const auto& c = rx->receiver.counters();
      std::fprintf(stderr, "srtp_unprotect: mki %zu: ok %llu auth_failed %llu replayed %llu unknown_mki %llu malformed %llu\n",
                   rx->mki_bytes, (unsigned long long)c.ok, (unsigned long long)c.auth_failed,
                   (unsigned long long)c.replayed, (unsigned long long)c.unknown_mki, (unsigned long long)c.malformed);
    }
  return 0;
}
