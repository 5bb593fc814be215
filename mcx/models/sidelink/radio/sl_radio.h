// The sidelink radio abstraction (the PC5 design brief sections 9 and 11, see docs/sidelink.md): the
// outdoor-to-outdoor D2D path loss (TR 36.843 via WINNER II / WINNER+ B1, as psc-ns3 implements it)
// and the per-subframe SINR of every transmission at one receiver. No ns-3 here.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace mcx::sidelink {

// Effective antenna heights of the B1 LOS breakpoint formula: psc-ns3's code uses z-1.0 and z-0.7
// (0.5 and 0.8 m for 1.5 m UEs; matches NIST's numbers), its documentation 0.8 and 0.8 m.
enum class O2oHeights { Code, Documented };

struct O2oParams {
  double frequencyHz = 793e6;  // band 14 UL (EARFCN 23330), public safety
  O2oHeights heights = O2oHeights::Code;
  double freeSpaceConstantDb = 46.6;  // psc-ns3 code; WINNER II eq. 4.24 says 46.4
  double nlosOffsetDb = -5.0;
};

// Free space, LOS and NLOS B1 path loss in dB; d in metres, heights in metres (zTx, zRx).
double O2oFreeSpaceDb(double distanceM, const O2oParams& p);
double O2oLosDb(double distanceM, double zTx, double zRx, const O2oParams& p);
double O2oNlosDb(double distanceM, double zTx, double zRx, const O2oParams& p);
// PL = max(free space, B1 for the link state); free space only below 3 m.
double O2oPathLossDb(double distanceM, double zTx, double zRx, bool los, const O2oParams& p);
// P_LOS = min(18/d, 1)(1 - e^(-d/36)) + e^(-d/36).
double O2oLosProbability(double distanceM);

// Radio constants (section 12).
struct SlRadioParams {
  double txPowerDbm = 23.0;
  double noiseFigureDb = 9.0;
  double simoGainDb = 4.0;  // psc-ns3 LteUePhy::SlRxGain, applied before every BLER lookup
  double NoisePerRbDbm() const;  // -174 dBm/Hz + 10log10(180 kHz) + NF
};

// One transmission in one subframe: a PSCCH copy (1 PRB) or one PSSCH HARQ transmission.
struct SlAirTx {
  uint32_t node = 0;      // transmitter
  uint32_t rbStart = 0;   // contiguous PRBs [rbStart, rbStart + rbLen)
  uint32_t rbLen = 1;
};

// SINR in dB on the BLER-curve axis (SIMO gain included) of each transmission of one subframe at
// receiver `rx`: power spread evenly over the transmitter's RBs in the subframe, interference the
// sum of every other transmission on the same RB, linear mean over the transmission's RBs.
// `lossDb(tx, rx)` is the path loss plus shadowing. `rbsPerNode` is each transmitter's total RB
// count in the subframe (PSCCH and PSSCH share its power); by default each transmission's own.
std::vector<double> SubframeSinrDb(const std::vector<SlAirTx>& txs, uint32_t rx,
                                   const std::function<double(uint32_t, uint32_t)>& lossDb,
                                   const SlRadioParams& radio,
                                   const std::function<uint32_t(uint32_t)>& rbsPerNode = nullptr);

}  // namespace mcx::sidelink
