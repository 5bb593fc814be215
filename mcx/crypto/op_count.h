// The operations a simulation prices (mcx/procedures/cost_model.h), counted where they are
// computed: while an OpCounter lives on a thread, every priced operation that thread computes adds
// one to it. The primitives count themselves (an ECCSI signature, a SAKKE decapsulation...), the
// security layer counts what it composes (a KMS key set, a key derivation inside a MIKEY message),
// so a simulated node is charged for exactly what its procedures really computed, failures
// included, and no call site charges by hand.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace mcx::crypto {

enum class Op : uint8_t {
  kSakkeEncapsulate,   ///< RFC 6508 6.2.1 (sakke::Encapsulate, Encapsulator::Encapsulate)
  kSakkeDecapsulate,   ///< RFC 6508 6.2.2 (ReceiverKey::Decapsulate, sakke::Decapsulate)
  kSakkeRskValidate,   ///< RFC 6508 6.1.2 with the RSK's line table (ReceiverKey::Create, ValidateRsk)
  kEccsiSign,          ///< RFC 6507 5.2.1
  kEccsiVerify,        ///< RFC 6507 5.2.2
  kEccsiSskValidate,   ///< RFC 6507 5.1.2 (Signer::Create, ValidateSsk)
  kKmsIssueKeySet,     ///< a KMS issuing one user's key set for one period (UID, SSK + PVT, RSK)
  kSymmetric,          ///< a key derivation or an AES-GCM payload inside a MIKEY message
  kCount
};
inline constexpr size_t kOpCount = static_cast<size_t>(Op::kCount);

/// The operation's name in logs ("sakke_encapsulate", ...).
const char* OpName(Op op);

struct OpCounts {
  std::array<uint32_t, kOpCount> n{};
  uint32_t operator[](Op op) const { return n[static_cast<size_t>(op)]; }
  void Add(Op op, uint32_t count = 1) { n[static_cast<size_t>(op)] += count; }
  bool Empty() const;
  OpCounts& operator+=(const OpCounts& o);
};

/// Counts the operations this thread computes while it lives. Counters nest: the innermost one
/// counts, the outer ones see nothing of it.
class OpCounter {
 public:
  OpCounter();
  ~OpCounter();
  OpCounter(const OpCounter&) = delete;
  OpCounter& operator=(const OpCounter&) = delete;
  const OpCounts& counts() const { return counts_; }
  /// The counts so far, and counting starts again from zero.
  OpCounts Take();

 private:
  friend void CountOp(Op op);
  OpCounts counts_;
  OpCounter* outer_;
};

/// One more `op` for the thread's innermost counter, if any.
void CountOp(Op op);

}  // namespace mcx::crypto
