// How one PTT press ended, on-network and off-network alike (the outcome codes of psc-ns3's
// floor-access statistics, TS 22.179 KPI 1).
#pragma once

namespace mcx::procedures {

enum class FloorOutcome {
  kGranted,             ///< granted without waiting in a queue ("immediate")
  kTakenUnarbitrated,   ///< off-network: nobody answered, the floor was taken (TS 24.380 7.2)
  kDenied,              ///< Floor Deny
  kAbandoned,           ///< the user released PTT (or the call ended) before an answer
  kGrantedAfterQueue,   ///< granted after Floor Queue Position Info ("queued")
  kFailed,              ///< on-network: no answer after C101 Floor Requests
};

inline const char* FloorOutcomeName(FloorOutcome o) {
  switch (o) {
    case FloorOutcome::kGranted: return "granted";
    case FloorOutcome::kTakenUnarbitrated: return "taken";
    case FloorOutcome::kDenied: return "denied";
    case FloorOutcome::kAbandoned: return "abandoned";
    case FloorOutcome::kGrantedAfterQueue: return "granted_after_queue";
    case FloorOutcome::kFailed: return "failed";
  }
  return "?";
}

}  // namespace mcx::procedures
