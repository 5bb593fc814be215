// SRTP/SRTCP benchmarks: a 33-byte voice frame and a floor request, ns per packet, with the
// bytes of overhead reported as counters (the wire size minus the plain size).
#include <benchmark/benchmark.h>

#include "mcx/crypto/rng.h"
#include "mcx/security/srtp.h"
#include "mcx/codec/floor.h"

namespace {

using namespace mcx::crypto;
using namespace mcx::security;

srtp::MasterKey Key(size_t mki_len) {
  HmacDrbg rng(1, "srtp-bench");
  srtp::MasterKey mk{*rng.Generate(16), *rng.Generate(12), {}};
  mk.mki = rng.Generate(mki_len)->Expose();
  return mk;
}

Bytes Voice(uint16_t seq) {
  Bytes p{0x80, 0x60};
  AppendU16(p, seq);
  AppendU32(p, 160u * seq);
  AppendU32(p, 0x11223344);
  p.resize(12 + 33, 0x5a);  // 33-byte payload (e.g. an AMR-WB 12.65 kbit/s frame)
  return p;
}

void BM_SrtpProtectVoice(benchmark::State& s) {
  const size_t mki = static_cast<size_t>(s.range(0));
  srtp::Sender tx(Key(mki));
  uint16_t seq = 0;
  size_t overhead = 0;
  for (auto _ : s) {
    Bytes p = Voice(++seq);
    auto out = tx.ProtectRtp(p);
    overhead = out->size() - p.size();
    benchmark::DoNotOptimize(out);
  }
  s.counters["overhead_B"] = static_cast<double>(overhead);
}

// Unprotects pre-protected packets in order; a fresh receiver (outside the timing) when they run
// out, so no packet is ever a replay.
void UnprotectAll(benchmark::State& s, const srtp::MasterKey& mk, const std::vector<Bytes>& packets,
                  mcx::crypto::Result<Bytes> (srtp::Receiver::*unprotect)(ByteView)) {
  auto lookup = [mk](ByteView) -> std::optional<srtp::MasterKey> { return mk; };
  srtp::Receiver rx(mk.mki.size(), lookup);
  size_t i = 0;
  for (auto _ : s) {
    if (i == packets.size()) {
      s.PauseTiming();
      rx = srtp::Receiver(mk.mki.size(), lookup);
      i = 0;
      s.ResumeTiming();
    }
    benchmark::DoNotOptimize((rx.*unprotect)(packets[i++]));
  }
}

void BM_SrtpUnprotectVoice(benchmark::State& s) {
  const srtp::MasterKey mk = Key(static_cast<size_t>(s.range(0)));
  srtp::Sender tx(mk);
  std::vector<Bytes> packets;
  for (uint16_t i = 1; i <= 50000; ++i) packets.push_back(*tx.ProtectRtp(Voice(i)));
  UnprotectAll(s, mk, packets, &srtp::Receiver::UnprotectRtp);
}

void BM_SrtcpProtectFloorRequest(benchmark::State& s) {
  const size_t mki = static_cast<size_t>(s.range(0));
  srtp::Sender tx(Key(mki));
  const Bytes plain = mcx::codec::Encode(mcx::codec::OffnetFloorRequest(0x11223344, "sip:alice@example.org", 5));
  size_t overhead = 0;
  for (auto _ : s) {
    auto out = tx.ProtectRtcp(plain);
    overhead = out->size() - plain.size();
    benchmark::DoNotOptimize(out);
  }
  s.counters["plain_B"] = static_cast<double>(plain.size());
  s.counters["overhead_B"] = static_cast<double>(overhead);
}

void BM_SrtcpUnprotectFloorRequest(benchmark::State& s) {
  const srtp::MasterKey mk = Key(static_cast<size_t>(s.range(0)));
  srtp::Sender tx(mk);
  const Bytes plain = mcx::codec::Encode(mcx::codec::OffnetFloorRequest(0x11223344, "sip:alice@example.org", 5));
  std::vector<Bytes> packets;
  for (int i = 0; i < 50000; ++i) packets.push_back(*tx.ProtectRtcp(plain));
  UnprotectAll(s, mk, packets, &srtp::Receiver::UnprotectRtcp);
}

// Argument: MKI length (0, 4 = PCK/CSK-ID, 8 = GMK-ID||GUK-ID).
BENCHMARK(BM_SrtpProtectVoice)->Arg(0)->Arg(4)->Arg(8);
BENCHMARK(BM_SrtpUnprotectVoice)->Arg(8);
BENCHMARK(BM_SrtcpProtectFloorRequest)->Arg(0)->Arg(4)->Arg(8);
BENCHMARK(BM_SrtcpUnprotectFloorRequest)->Arg(8);

}  // namespace
