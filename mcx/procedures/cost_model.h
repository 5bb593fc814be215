// Processing time of the real crypto in simulated time: per-operation costs by device class and
// a pool of worker cores per node (so a GMS rekeying many members shows its serialisation).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace mcx::procedures {

enum class CryptoOp : uint8_t {
  kSakkeEncapsulate,
  kSakkeDecapsulate,
  kSakkeRskValidate,   ///< RSK check with the line-table precomputation (ReceiverKey::Create)
  kEccsiSign,
  kEccsiVerify,
  kEccsiSskValidate,
  kKmsIssueKeySet,     ///< UID + SSK/PVT + RSK for one user and period
  kSymmetric,          ///< a KDF, an AES-GCM payload, a MIKEY parse: the small things
  kCount
};
const char* CryptoOpName(CryptoOp op);

struct CryptoWork {
  std::array<uint32_t, static_cast<size_t>(CryptoOp::kCount)> count{};
  void Add(CryptoOp op, uint32_t n = 1) { count[static_cast<size_t>(op)] += n; }
  bool Empty() const;
};

/// Milliseconds per operation on this project's reference host (2-core x86-64 without AVX-512
/// IFMA, i.e. the MULX path; measured with tests/bench, see README) times a device factor (1 =
/// that host; a handset is slower).
struct CostModel {
  std::array<double, static_cast<size_t>(CryptoOp::kCount)> host_ms{
      1.46,   // SAKKE encapsulate
      3.19,   // SAKKE decapsulate (RSK line table)
      9.60,   // RSK validation incl. building the line table
      0.027,  // ECCSI sign
      0.089,  // ECCSI verify
      0.044,  // ECCSI SSK validation
      1.28,   // KMS key set issuance
      0.002,  // symmetric work
  };
  double device_factor = 1.0;
  double Seconds(const CryptoWork& w) const;
};

/// Worker cores of a node: a job starts when a core is free and takes `seconds`.
class WorkerPool {
 public:
  explicit WorkerPool(uint32_t cores = 1) : free_at_(cores ? cores : 1, 0.0) {}
  /// Returns the completion time of a job arriving at `now`.
  double Assign(double now, double seconds);
  double BusyUntil() const;

 private:
  std::vector<double> free_at_;
};

}  // namespace mcx::procedures
