#include "mcx/crypto/op_count.h"

#include <algorithm>

namespace mcx::crypto {

namespace {
thread_local OpCounter* g_innermost = nullptr;
}  // namespace

const char* OpName(Op op) {
  switch (op) {
    case Op::kSakkeEncapsulate: return "sakke_encapsulate";
    case Op::kSakkeDecapsulate: return "sakke_decapsulate";
    case Op::kSakkeRskValidate: return "sakke_rsk_validate";
    case Op::kEccsiSign: return "eccsi_sign";
    case Op::kEccsiVerify: return "eccsi_verify";
    case Op::kEccsiSskValidate: return "eccsi_ssk_validate";
    case Op::kKmsIssueKeySet: return "kms_issue_key_set";
    case Op::kSymmetric: return "symmetric";
    case Op::kCount: break;
  }
  return "unknown";
}

bool OpCounts::Empty() const {
  return std::all_of(n.begin(), n.end(), [](uint32_t c) { return c == 0; });
}

OpCounts& OpCounts::operator+=(const OpCounts& o) {
  for (size_t i = 0; i < kOpCount; ++i) n[i] += o.n[i];
  return *this;
}

OpCounter::OpCounter() : outer_(g_innermost) { g_innermost = this; }

OpCounter::~OpCounter() { g_innermost = outer_; }

OpCounts OpCounter::Take() {
  OpCounts c = counts_;
  counts_ = OpCounts{};
  return c;
}

void CountOp(Op op) {
  if (g_innermost != nullptr) g_innermost->counts_.Add(op);
}

}  // namespace mcx::crypto
