// The NIST sidelink error model (psc-ns3 LteNistErrorModel, NISTIR 8157): BLER-versus-SINR curves
// from link-level simulation (AWGN, SISO), looked up with linear-SINR interpolation, and the
// psc-ns3 HARQ rule that combines the four blind PSSCH transmissions of a transport block.
// Curves: models/sidelink/data/nist-bler-*.json (data only, each with its source line).
#pragma once

#include <cstdint>
#include <vector>

namespace mcx::sidelink {

// One curve: point i sits at minDb + i*stepDb. BLER is 1 below the first point, 0 above the last;
// in between it is interpolated linearly against linear-scale SINR.
struct BlerCurve {
  double minDb = 0, stepDb = 0.2;
  std::vector<double> bler;

  double MaxDb() const { return minDb + stepDb * static_cast<double>(bler.size() - 1); }
  double Bler(double sinrDb) const;
  // The inverse lookup (psc-ns3 GetSinrValue): the SINR at which the curve falls to `bler`.
  double SinrDb(double bler) const;
};

constexpr uint32_t kMaxPsschMcs = 20;  // PSSCH caps the modulation order at 4 (16QAM)

// HARQ state of one transport block at one receiver: receptions so far and the effective SINR.
struct SlHarqState {
  uint32_t receptions = 0;
  double effSinrDb = 0;
};

class NistErrorModel {
 public:
  // The curves compiled into the library.
  static const NistErrorModel& Instance();

  const BlerCurve& Pscch() const { return pscch_; }
  // Curve for PSSCH `mcs` (0..20) after `tx` (1..4) combined transmissions.
  const BlerCurve& Pssch(uint32_t mcs, uint32_t tx) const;

  // BLER of one SCI copy.
  double PscchBler(double sinrDb) const { return pscch_.Bler(sinrDb); }
  // BLER of the next reception of a TB at `sinrDb`, updating `state` (psc-ns3 GetBler with
  // harq = earlier receptions): equal SINR uses curve k directly; otherwise the two curve-k BLERs are
  // averaged with the higher-SINR one weighted by the SINR ratio, and the effective SINR becomes the
  // inverse lookup of the result.
  double PsschBler(uint32_t mcs, double sinrDb, SlHarqState& state) const;

 private:
  NistErrorModel();
  BlerCurve pscch_;
  std::vector<std::vector<BlerCurve>> pssch_;  // [mcs][tx-1]
};

}  // namespace mcx::sidelink
