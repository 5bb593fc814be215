#include "mcx/procedures/cost_model.h"

#include <algorithm>

namespace mcx::procedures {

const char* CryptoOpName(CryptoOp op) {
  switch (op) {
    case CryptoOp::kSakkeEncapsulate: return "sakke_encapsulate";
    case CryptoOp::kSakkeDecapsulate: return "sakke_decapsulate";
    case CryptoOp::kSakkeRskValidate: return "sakke_rsk_validate";
    case CryptoOp::kEccsiSign: return "eccsi_sign";
    case CryptoOp::kEccsiVerify: return "eccsi_verify";
    case CryptoOp::kEccsiSskValidate: return "eccsi_ssk_validate";
    case CryptoOp::kKmsIssueKeySet: return "kms_issue_key_set";
    case CryptoOp::kSymmetric: return "symmetric";
    case CryptoOp::kCount: break;
  }
  return "unknown";
}

bool CryptoWork::Empty() const {
  return std::all_of(count.begin(), count.end(), [](uint32_t c) { return c == 0; });
}

double CostModel::Seconds(const CryptoWork& w) const {
  double ms = 0;
  for (size_t i = 0; i < w.count.size(); ++i) ms += w.count[i] * host_ms[i];
  return ms * device_factor / 1e3;
}

double WorkerPool::Assign(double now, double seconds) {
  auto core = std::min_element(free_at_.begin(), free_at_.end());
  const double start = std::max(now, *core);
  *core = start + seconds;
  return *core;
}

double WorkerPool::BusyUntil() const { return *std::max_element(free_at_.begin(), free_at_.end()); }

}  // namespace mcx::procedures
