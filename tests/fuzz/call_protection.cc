// Fuzz target: a call's protection as the clients use it (security/call_protection.h): a group
// call's receiver under the GMKs of a key store, the MKI naming the GMK and the sender's GUK-ID
// (TS 33.180 7.4.2), and a private call's callee under a PCK. The store holds the group's GMK
// (active from the start), a second one (active from T0 + 600 s, expired at T0 + 3600 s), a
// revoked one, and another group's GMK.
//
// The input is a sequence of operations (op byte):
//   bits 0-2: 0 raw bytes (16-bit length) to the group receiver, 1 raw bytes to the private
//             callee, 2 a genuine packet from a sender (next byte: three members of the group, one
//             holding the revoked GMK, one of the other group), 3 a genuine packet from the
//             private caller, 4 time goes on (16-bit seconds), 5 the last genuine packet again;
//   bit 3: media (SRTP, an RTP packet with the input's payload) instead of a floor message (SRTCP);
//   bit 4: the genuine packet with one byte changed (16-bit position, byte to XOR).
//
// Properties: a genuine packet unchanged is opened to exactly what was sent (a floor message
// that encodes the same, an RTP packet byte for byte) if it is under the group's usable GMK or the
// PCK; one under the revoked GMK is refused with kKeyRevoked, one under the other group's GMK with
// kGroupMismatch; a packet with a byte changed is never opened; an opened packet delivered again
// is refused.
#include <functional>
#include <memory>

#include "mcx/codec/floor.h"
#include "mcx/security/call_protection.h"
#include "tests/fuzz/fuzz_support.h"

using namespace mcx;
using crypto::Bytes;
using crypto::ByteView;
using crypto::Error;
using crypto::Result;
using fuzz::Input;
using security::CallProtection;
using security::KeyStore;
using security::StoredKey;

namespace {

constexpr uint64_t kT0 = 1790000000;
const char* kGroup = "sip:group1@mcx.example.org";
const char* kOtherGroup = "sip:group2@mcx.example.org";
constexpr uint32_t kGmkA = 0x01000001, kGmkB = 0x01000002, kGmkRevoked = 0x01000003, kGmkOther = 0x01000004;
constexpr uint32_t kPckId = 0x16992638;

StoredKey Gmk(uint32_t id, uint8_t fill, const char* group, uint64_t activation, uint64_t expiry, bool revoked) {
  StoredKey k;
  k.purpose = security::KeyPurpose::kGmk;
  k.key_id = id;
  k.key = crypto::SecretBytes(Bytes(16, fill));
  k.rand = Bytes(16, static_cast<uint8_t>(fill ^ 0x5a));
  k.group_uri = group;
  k.activation_time = activation;
  k.expiry_time = expiry;
  k.revoked = revoked;
  return k;
}

std::shared_ptr<const KeyStore> Store() {
  static const std::shared_ptr<const KeyStore> s = [] {
    auto store = std::make_shared<KeyStore>();
    for (StoredKey k : {Gmk(kGmkA, 1, kGroup, 0, 0, false), Gmk(kGmkB, 2, kGroup, kT0 + 600, kT0 + 3600, false),
                        Gmk(kGmkRevoked, 3, kGroup, 0, 0, true), Gmk(kGmkOther, 4, kOtherGroup, 0, 0, false)})
      FUZZ_CHECK(store->Put(std::move(k)).ok());
    return store;
  }();
  return s;
}

// What a sender's packet should come to at the group receiver, unchanged.
enum class Expect { kOpened, kRevoked, kOtherGroup };

struct Sent {
  Bytes wire;
  bool media = false;
  bool to_group = true;
  bool opened = false;  ///< it was delivered unchanged and opened
};

struct Harness {
  uint64_t now = kT0;
  std::function<uint64_t()> clock = [this] { return now; };
  CallProtection rx = CallProtection::ForGroup(Store(), kGroup, "sip:ue0@mcx.example.org", clock);
  struct Sender {
    CallProtection protection;
    Expect expect;
    uint32_t ssrc;
    uint16_t seq = 0;
  };
  std::vector<Sender> senders;
  CallProtection caller = CallProtection::ForPrivate(Bytes(16, 7), kPckId, Bytes(16, 8), true);
  CallProtection callee = CallProtection::ForPrivate(Bytes(16, 7), kPckId, Bytes(16, 8), false);
  uint16_t caller_seq = 0;
  Sent last;

  Harness() {
    for (int i = 1; i <= 3; ++i)
      senders.push_back({CallProtection::ForGroup(Store(), kGroup, "sip:ue" + std::to_string(i) + "@mcx.example.org", clock),
                         Expect::kOpened, 0x1000u + i});
    // A sender whose store still holds the revoked GMK as usable (it never heard of the revocation).
    const StoredKey revoked = Gmk(kGmkRevoked, 3, kGroup, 0, 0, false);
    senders.push_back({CallProtection::ForGroup(revoked.key.view(), kGmkRevoked, revoked.rand, "sip:ue4@mcx.example.org"),
                       Expect::kRevoked, 0x1004});
    senders.push_back({CallProtection::ForGroup(Store(), kOtherGroup, "sip:ue5@mcx.example.org", clock),
                       Expect::kOtherGroup, 0x1005});
  }

  static codec::FloorMessage Floor(uint8_t kind, uint32_t ssrc, uint16_t seq) {
    switch (kind % 3) {
      case 0: return codec::FloorRequest(ssrc, kind >> 2 & 7);
      case 1: return codec::FloorRelease(ssrc);
      default: return codec::FloorIdle(ssrc, seq);
    }
  }
  static Bytes Rtp(uint32_t ssrc, uint16_t seq, ByteView payload) {
    Bytes p = {0x80, 0x60, static_cast<uint8_t>(seq >> 8), static_cast<uint8_t>(seq), 0, 0, 0, static_cast<uint8_t>(seq),
               static_cast<uint8_t>(ssrc >> 24), static_cast<uint8_t>(ssrc >> 16), static_cast<uint8_t>(ssrc >> 8),
               static_cast<uint8_t>(ssrc)};
    p.insert(p.end(), payload.begin(), payload.end());
    return p;
  }

  // Opens `wire` at the group receiver or the callee; the message or packet it came to, encoded.
  Result<Bytes> Open(bool to_group, bool media, ByteView wire) {
    CallProtection& at = to_group ? rx : callee;
    if (media) return at.UnprotectMedia(wire);
    auto m = at.Unprotect(wire);
    if (!m) return m.error();
    return codec::Encode(*m);
  }

  void Deliver(bool to_group, bool media, const Bytes& clear, Bytes wire, Expect expect, Input& in, bool tamper) {
    if (tamper) {
      const size_t at = in.U16() % wire.size();
      const uint8_t x = in.U8();
      wire[at] ^= x ? x : 1;
      FUZZ_CHECK(!Open(to_group, media, wire).ok());
      last = {wire, media, to_group, false};
      return;
    }
    auto got = Open(to_group, media, wire);
    switch (expect) {
      case Expect::kOpened:
        FUZZ_CHECK(got.ok());
        FUZZ_CHECK(*got == clear);
        break;
      case Expect::kRevoked: FUZZ_CHECK(!got.ok() && got.error() == Error::kKeyRevoked); break;
      case Expect::kOtherGroup: FUZZ_CHECK(!got.ok() && got.error() == Error::kGroupMismatch); break;
    }
    last = {wire, media, to_group, got.ok()};
  }

  void Run(Input& in) {
    for (int ops = 0; !in.empty() && ops < 200; ++ops) {
      const uint8_t op = in.U8();
      const bool media = op & 0x08, tamper = op & 0x10;
      switch (op & 7) {
        case 0:
        case 1: {
          const Bytes raw = in.Take(in.U16() % 2048);
          (void)Open((op & 7) == 0, media, raw);
          break;
        }
        case 2: {
          Sender& s = senders[in.U8() % senders.size()];
          const uint8_t kind = in.U8();
          ++s.seq;
          const Bytes clear = media ? Rtp(s.ssrc, s.seq, in.Take(in.U8())) : codec::Encode(Floor(kind, s.ssrc, s.seq));
          auto wire = media ? s.protection.ProtectMedia(clear) : [&]() -> Result<Bytes> {
            auto p = s.protection.Protect(Floor(kind, s.ssrc, s.seq));
            if (!p) return p.error();
            return p->wire;
          }();
          FUZZ_CHECK(wire.ok());  // every sender holds a GMK active now
          Deliver(true, media, clear, *wire, s.expect, in, tamper);
          break;
        }
        case 3: {
          const uint8_t kind = in.U8();
          ++caller_seq;
          const Bytes clear = media ? Rtp(0x2001, caller_seq, in.Take(in.U8())) : codec::Encode(Floor(kind, 0x2001, caller_seq));
          auto wire = media ? caller.ProtectMedia(clear) : [&]() -> Result<Bytes> {
            auto p = caller.Protect(Floor(kind, 0x2001, caller_seq));
            if (!p) return p.error();
            return p->wire;
          }();
          FUZZ_CHECK(wire.ok());
          Deliver(false, media, clear, *wire, Expect::kOpened, in, tamper);
          break;
        }
        case 4: now += in.U16(); break;
        case 5:
          if (last.wire.empty()) break;
          if (last.opened) FUZZ_CHECK(!Open(last.to_group, last.media, last.wire).ok());
          else (void)Open(last.to_group, last.media, last.wire);
          break;
        default: break;
      }
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  Harness h;
  h.Run(in);
  return 0;
}
