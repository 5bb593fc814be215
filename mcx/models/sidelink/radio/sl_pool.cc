#include "mcx/models/sidelink/radio/sl_pool.h"

#include <algorithm>
#include <bitset>

namespace mcx::sidelink {

namespace {
bool BitSet(uint64_t bitmap, uint32_t i) { return (bitmap >> (i % kBitmapLength)) & 1u; }

// TS 36.213 Table 14.1.1.1.1-1 for N_TRP = 8, built from its ordering rule (see the header).
struct TrpTable {
  std::array<uint8_t, kNumTrp> bitmap{};
  TrpTable() {
    uint32_t i = 0;
    for (uint32_t k : {1u, 2u, 4u, 8u})
      for (uint32_t v = 1; v < 256; ++v)
        if (static_cast<uint32_t>(std::bitset<8>(v).count()) == k) bitmap[i++] = static_cast<uint8_t>(v);
  }
};
const TrpTable& Trp() {
  static const TrpTable table;
  return table;
}
}  // namespace

std::optional<std::string> SlCommPool::Validate() const {
  static const uint32_t kPeriods[] = {40, 60, 70, 80, 120, 140, 160, 240, 280, 320};
  if (std::find(std::begin(kPeriods), std::end(kPeriods), periodSubframes) == std::end(kPeriods))
    return "sc-Period must be one of 40, 60, 70, 80, 120, 140, 160, 240, 280, 320 subframes";
  if (scBitmap == 0 || scBitmap >> kBitmapLength) return "scBitmap must be a non-zero 40-bit value";
  if (dataBitmap == 0 || dataBitmap >> kBitmapLength) return "dataBitmap must be a non-zero 40-bit value";
  if (scPrbEnd >= 110 || dataPrbEnd >= 110) return "PRB end beyond 110 PRBs";
  if (scPrbNum == 0 || dataPrbNum == 0) return "empty PRB pool";
  if (scOffset >= kSfnCycleSubframes || scOffset + periodSubframes > kSfnCycleSubframes)
    return "scOffset leaves no whole period in the SFN cycle";
  if (dataOffset >= periodSubframes) return "dataOffset must fall inside the period";
  uint32_t lastPscch = 0;
  for (uint32_t i = 0; i < kBitmapLength; ++i)
    if (BitSet(scBitmap, i)) lastPscch = i;
  if (dataOffset <= lastPscch) return "PSSCH pool (dataOffset) overlaps the PSCCH subframes";
  if ((trptSubset & 0x7) == 0) return "trptSubset allows no k_TRP";
  return std::nullopt;
}

std::vector<uint32_t> PrbPool(uint32_t num, uint32_t start, uint32_t end) {
  std::vector<uint32_t> prbs;
  for (uint32_t q = 0; q <= end; ++q)
    if ((q >= start && q < start + num) || (q + num > end && q <= end)) prbs.push_back(q);
  return prbs;
}

SlPoolMap::SlPoolMap(const SlCommPool& pool) : pool_(pool) {
  for (uint32_t i = 0; i < kBitmapLength && i < pool.periodSubframes; ++i)
    if (BitSet(pool.scBitmap, i)) pscchSubframes_.push_back(i);
  pscchPrbs_ = PrbPool(pool.scPrbNum, pool.scPrbStart, pool.scPrbEnd);
  // TS 36.213 14.1.3 (UE-selected): subframes from dataOffset, the data bitmap repeating.
  for (uint32_t i = pool.dataOffset; i < pool.periodSubframes; ++i)
    if (BitSet(pool.dataBitmap, i - pool.dataOffset)) psschSubframes_.push_back(i);
  psschPrbs_ = PrbPool(pool.dataPrbNum, pool.dataPrbStart, pool.dataPrbEnd);
}

uint32_t SlPoolMap::NextPeriodStartAbsolute(uint32_t now) const {
  const uint32_t p = pool_.periodSubframes, off = pool_.scOffset;
  const uint32_t periods = (kSfnCycleSubframes - off) / p;  // whole periods in one cycle
  now %= kSfnCycleSubframes;
  if (now <= off) return off;
  const uint32_t n = (now - off + p - 1) / p;
  if (n < periods) return off + n * p;
  return (off + kSfnCycleSubframes) % kSfnCycleSubframes;  // next cycle's first period
}

SfnSf SlPoolMap::NextPeriodStart(SfnSf now) const {
  return SfnSf::FromAbsolute(NextPeriodStartAbsolute(now.Absolute()));
}

uint32_t SlPoolMap::NumPscchResources() const {
  return static_cast<uint32_t>(pscchPrbs_.size() / 2 * pscchSubframes_.size());
}

std::array<SlResource, 2> SlPoolMap::PscchTransmissions(uint32_t n) const {
  const uint32_t l = static_cast<uint32_t>(pscchSubframes_.size());
  const uint32_t halfM = static_cast<uint32_t>(pscchPrbs_.size() / 2);
  // TS 36.213 14.2.1.1: a1 = floor(n/L), b1 = n mod L; a2 = a1 + floor(M/2),
  // b2 = (n + 1 + (floor(n/L) mod (L-1))) mod L.
  const uint32_t a1 = n / l, b1 = n % l;
  const uint32_t a2 = a1 + halfM, b2 = (n + 1 + (l > 1 ? a1 % (l - 1) : 0)) % l;
  std::array<SlResource, 2> tx{SlResource{pscchSubframes_[b1], pscchPrbs_[a1]},
                               SlResource{pscchSubframes_[b2], pscchPrbs_[a2]}};
  if (tx[1].subframe < tx[0].subframe) std::swap(tx[0], tx[1]);
  return tx;
}

std::vector<uint32_t> SlPoolMap::PscchPrbsInSubframe(uint32_t subframeInPeriod) const {
  if (std::find(pscchSubframes_.begin(), pscchSubframes_.end(), subframeInPeriod) == pscchSubframes_.end())
    return {};
  return pscchPrbs_;
}

std::vector<uint32_t> SlPoolMap::PsschTransmissions(uint32_t iTrp) const {
  const uint8_t pattern = TrpBitmap(iTrp);
  std::vector<uint32_t> used;
  for (size_t j = 0; j < psschSubframes_.size(); ++j)
    if ((pattern >> (j % kTrpLength)) & 1u) used.push_back(psschSubframes_[j]);
  used.resize(used.size() / kHarqTransmissions * kHarqTransmissions);
  return used;
}

uint32_t SlPoolMap::TbsPerPeriod(uint32_t kTrp) const {
  return PsschTransmissions(TrpRange(kTrp).first).size() / kHarqTransmissions;
}

std::vector<uint32_t> SlPoolMap::PsschRbStarts(uint32_t rbLen) const {
  std::vector<uint32_t> starts;
  if (rbLen == 0) return starts;
  for (size_t i = 0; i + rbLen <= psschPrbs_.size(); ++i)
    if (psschPrbs_[i + rbLen - 1] - psschPrbs_[i] == rbLen - 1) starts.push_back(psschPrbs_[i]);
  return starts;
}

std::optional<std::string> SlPoolMap::CheckGrantFit(uint32_t rbLen, uint32_t kTrp) const {
  const auto [lo, hi] = TrpRange(kTrp);
  if (lo > hi) return "k_TRP must be 1, 2, 4 or 8, not " + std::to_string(kTrp);
  if (rbLen == 0) return std::string("a PSSCH transport block needs at least 1 PRB");
  if (PsschRbStarts(rbLen).empty()) {
    // The longest run of contiguous PRBs in the data pool.
    uint32_t longest = 0, run = 0;
    for (size_t i = 0; i < psschPrbs_.size(); ++i) {
      run = i > 0 && psschPrbs_[i] == psschPrbs_[i - 1] + 1 ? run + 1 : 1;
      longest = std::max(longest, run);
    }
    return std::to_string(rbLen) + " PSSCH PRBs do not fit the data pool (at most " + std::to_string(longest) +
           " contiguous PRBs)";
  }
  for (uint32_t iTrp = lo; iTrp <= hi; ++iTrp)
    if (PsschTransmissions(iTrp).empty())
      return "the PSSCH pool (" + std::to_string(psschSubframes_.size()) + " subframes per " +
             std::to_string(pool_.periodSubframes) + " ms period) holds no transport block for k_TRP " +
             std::to_string(kTrp) + " (I_TRP " + std::to_string(iTrp) + ")";
  return std::nullopt;
}

uint8_t TrpBitmap(uint32_t iTrp) { return iTrp < kNumTrp ? Trp().bitmap[iTrp] : 0; }

uint32_t TrpK(uint32_t iTrp) {
  return iTrp < kNumTrp ? static_cast<uint32_t>(std::bitset<8>(Trp().bitmap[iTrp]).count()) : 0;
}

std::pair<uint32_t, uint32_t> TrpRange(uint32_t kTrp) {
  switch (kTrp) {
    case 1: return {0, 7};
    case 2: return {8, 35};
    case 4: return {36, 105};
    case 8: return {106, 106};
    default: return {1, 0};  // empty
  }
}

}  // namespace mcx::sidelink
