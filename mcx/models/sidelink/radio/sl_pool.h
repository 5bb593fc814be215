// ProSe PC5 (Rel-12/13 sidelink communication, UE-autonomous "mode 2") resource pools: SC-period
// timing, PSCCH and PSSCH resource mapping, T-RPT. No ns-3 here: this is the exact part of the
// sidelink model (the PC5 design brief section 15, see docs/sidelink.md "model exactly"), checked against the
// psc-ns3 unit vectors.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mcx::sidelink {

constexpr uint32_t kSubframesPerFrame = 10;
constexpr uint32_t kSfnCycleSubframes = 10240;  // 1024 frames x 10 subframes
constexpr uint32_t kBitmapLength = 40;          // SC and data subframe bitmaps
constexpr uint32_t kTrpLength = 8;              // N_TRP for FDD
constexpr uint32_t kHarqTransmissions = 4;      // each PSSCH TB is sent 4 times (RV 0, 2, 3, 1)

// SL-CommResourcePool-r12 fields we model (no frequency hopping, common timing).
struct SlCommPool {
  uint32_t periodSubframes = 40;          // sc-Period: 40, 60, 70, 80, 120, 140, 160, 240, 280, 320
  uint64_t scBitmap = 0xFF;               // bit i (LSB = 0) = i-th subframe of the period
  uint32_t scPrbNum = 22, scPrbStart = 0, scPrbEnd = 49;
  uint32_t scOffset = 0;                  // offsetIndicator, subframes into the SFN cycle
  uint64_t dataBitmap = 0xFFFFFFFFFFull;  // repeated over the PSSCH pool (mode 2)
  uint32_t dataPrbNum = 25, dataPrbStart = 0, dataPrbEnd = 49;
  uint32_t dataOffset = 8;                // PSSCH pool start, from the period start
  uint8_t trptSubset = 0x7;               // bit 0: k=1, bit 1: k=2, bit 2: k=4 allowed

  // The NIST out-of-coverage pre-configured pool (LteSlPreconfigPoolFactory).
  static SlCommPool PreconfiguredDefault() { return SlCommPool{}; }
  // Empty when the fields are inconsistent; the text says why.
  std::optional<std::string> Validate() const;
};

// Frame/subframe, 0-based, within the SFN cycle.
struct SfnSf {
  uint32_t frame = 0, subframe = 0;
  uint32_t Absolute() const { return frame * kSubframesPerFrame + subframe; }
  static SfnSf FromAbsolute(uint32_t sf) {
    sf %= kSfnCycleSubframes;
    return {sf / kSubframesPerFrame, sf % kSubframesPerFrame};
  }
  bool operator==(const SfnSf& o) const { return frame == o.frame && subframe == o.subframe; }
};

struct SlResource {
  uint32_t subframe = 0;  // relative to the SC period start
  uint32_t prb = 0;
};

// TS 36.213 14.2.3 / 14.1.3: PRB q is in the pool if start <= q < start+num or end-num < q <= end.
std::vector<uint32_t> PrbPool(uint32_t num, uint32_t start, uint32_t end);

class SlPoolMap {
 public:
  explicit SlPoolMap(const SlCommPool& pool);

  const SlCommPool& Pool() const { return pool_; }
  // Start of the first SC period at or after `now` (periods start at scOffset + n*P; the tail of
  // the SFN cycle that holds no whole period is unused, then the pattern restarts).
  SfnSf NextPeriodStart(SfnSf now) const;
  uint32_t NextPeriodStartAbsolute(uint32_t nowAbsolute) const;

  const std::vector<uint32_t>& PscchSubframes() const { return pscchSubframes_; }  // rel. period
  const std::vector<uint32_t>& PscchPrbs() const { return pscchPrbs_; }
  const std::vector<uint32_t>& PsschSubframes() const { return psschSubframes_; }  // rel. period
  const std::vector<uint32_t>& PsschPrbs() const { return psschPrbs_; }
  // N_PSCCH = floor(M/2) * L_PSCCH.
  uint32_t NumPscchResources() const;
  // TS 36.213 14.2.1.1: the two SCI copies of resource n_PSCCH, in time order.
  std::array<SlResource, 2> PscchTransmissions(uint32_t nPscch) const;
  // PSCCH PRBs used in a subframe relative to the period start (empty outside the PSCCH pool).
  std::vector<uint32_t> PscchPrbsInSubframe(uint32_t subframeInPeriod) const;
  // TS 36.213 14.1.1.1: the PSSCH subframes (relative to the period start) selected by I_TRP:
  // pool subframe j is used when b'[j mod 8] = 1; trimmed to a multiple of 4, each run of 4 is one TB.
  std::vector<uint32_t> PsschTransmissions(uint32_t iTrp) const;
  // Transport blocks per period for a k_TRP.
  uint32_t TbsPerPeriod(uint32_t kTrp) const;
  // The PSSCH rbStart values that keep rbLen contiguous PRBs inside the data PRB pool.
  std::vector<uint32_t> PsschRbStarts(uint32_t rbLen) const;
  // Whether a UE can transmit in this pool with TBs of rbLen PSSCH PRBs and a T-RPT of k_TRP
  // ones: k_TRP is 1, 2, 4 or 8, rbLen contiguous PRBs fit the data PRB pool and every I_TRP of
  // that k_TRP selects at least one TB's 4 subframes of the PSSCH pool. Empty when it can;
  // otherwise why not, in one line.
  std::optional<std::string> CheckGrantFit(uint32_t rbLen, uint32_t kTrp) const;

 private:
  SlCommPool pool_;
  std::vector<uint32_t> pscchSubframes_, pscchPrbs_, psschSubframes_, psschPrbs_;
};

// TS 36.213 Table 14.1.1.1.1-1 (N_TRP = 8): I_TRP 0..106 -> 8-bit pattern, bit j (LSB = 0) = b'_j.
// The table lists, for k = 1, 2, 4, 8, every pattern with k ones in increasing order of this
// integer; that rule also gives I_TRP 62 = 10100110 where psc-ns3's table repeats entry 61.
uint8_t TrpBitmap(uint32_t iTrp);
uint32_t TrpK(uint32_t iTrp);
constexpr uint32_t kNumTrp = 107;
// The I_TRP range [first, last] for a k_TRP (1, 2, 4 or 8).
std::pair<uint32_t, uint32_t> TrpRange(uint32_t kTrp);

}  // namespace mcx::sidelink
