// Scenario on-off-transition (TS 33.180 5.7 with off-network operation): a group is provisioned
// on-network (KMS, GMS, MCX server and UE clients over the ideal access network, every key
// through the real MIKEY-SAKKE procedures); some members leave coverage one after another and
// carry on with an off-network group call over the PC5 sidelink using the GMKs their client
// stored; the GMS rekeys while they are away; they keep the keys they hold (sending under the one
// active, refusing expired ones) and catch up when they return (REGISTER again, SUBSCRIBE, the
// first NOTIFY brings the current GMK). Per member: how long it held a stale key and how many
// off-network messages it could not decrypt.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mcx/scenarios/registry/run_seeds.h"
#include "mcx/scenarios/shared/onnet_world_params.h"
#include "mcx/scenarios/shared/offnet_call_metrics.h"
#include "mcx/scenarios/shared/sidelink_options.h"

namespace mcx::scenarios {

struct OnOffTransitionParams {
  /// The on-network world (one group, ideal access).
  OnnetWorldParams world = [] {
    OnnetWorldParams w;
    w.members = 6;
    return w;
  }();
  uint32_t away = 3;             ///< members ue0 .. ue<away-1> leave coverage
  double leave_s = 10;           ///< ue0 leaves then
  double leave_stagger_s = 6;    ///< ue<i> leaves at leave_s + i * this
  std::vector<double> rekeys_s = {20};  ///< the GMS rekeys the group at these times
  double return_s = 60;          ///< every away member is back in coverage
  double key_lifetime_s = 0;     ///< a GMK expires this long after its activation (0 = never)
  double end_s = 0;              ///< 0: 15 s after the return, and at least 75 s
  // The off-network group call among the members away.
  double radius_m = 100;
  double ptt_mean_interval_s = 4;
  double talk_mean_s = 2;
  SidelinkRadioOptions radio = {16, 5, 2};
  double t201_ms = 40;
  uint32_t c201 = 3;
  RunSeeds seeds;
};

struct MemberTransition {
  std::string member;
  bool away = false;
  double left_s = 0, returned_s = 0;          ///< away members
  /// Time during which the group's current GMK (the latest activated by the GMS, from the first
  /// rekey on) was not held, ms; censored at the end of the run.
  double stale_key_ms = 0;
  /// Time during which it held no GMK of the group that was active and unexpired, ms (from the
  /// first GMK's activation on).
  double without_usable_gmk_ms = 0;
  std::optional<double> catch_up_ms;          ///< return until the current GMK is held again
  bool current_at_end = false;                ///< holds the GMS's current GMK at the end
  uint64_t undecryptable = 0;                 ///< off-network messages refused: GMK unknown, expired or revoked
  std::map<std::string, uint64_t> undecryptable_by_reason;
  uint64_t no_active_gmk = 0;                 ///< PTT presses refused: no GMK active
};

struct OnOffTransitionResult {
  OnOffTransitionParams params;
  std::vector<MemberTransition> members;
  std::map<std::string, uint64_t> rekey_answers;  ///< the GMS's record of members' answers, by result
  std::map<std::string, uint64_t> errors;         ///< on-network procedures, by kind
  OffnetCallStats offnet;                         ///< the away members' call
  /// Sidelink packets sent x the other members away at that moment (the PRR's denominator).
  double expected_receptions = 0;
  uint64_t collisions_pscch = 0, collisions_pssch = 0;
  double sim_end_s = 0;
};

/// The run's end: end_s, or 15 s after the return and at least 75 s.
double EndOf(const OnOffTransitionParams& p);
/// Why these parameters make no timeline, or nothing.
std::optional<std::string> CheckOnOffTransition(const OnOffTransitionParams& p);
/// Throws std::invalid_argument with CheckOnOffTransition's reason.
OnOffTransitionResult RunOnOffTransition(const OnOffTransitionParams& p);

}  // namespace mcx::scenarios
