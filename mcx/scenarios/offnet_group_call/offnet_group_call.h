// Scenario offnet-group-call: an MCPTT group call among UEs with no network, over the PC5
// sidelink. Before the call a KMS provisions every UE and the GMS, and the GMS delivers the GMK
// to each member in a MIKEY-SAKKE I_MESSAGE that the member checks; floor control is off-network
// (the talker arbitrates) and every floor message is SRTCP, every voice frame SRTP, under the
// GMK-derived per-sender keys.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mcx/scenarios/registry/run_seeds.h"
#include "mcx/scenarios/shared/offnet_call_metrics.h"
#include "mcx/scenarios/shared/sidelink_options.h"
#include "mcx/security/naming_plan.h"

namespace mcx::scenarios {

/// The group of the off-network call (the group the offline toolkit's GMK files must name, docs/toolkit.md).
inline std::string OffnetGroupUri() { return security::naming::GroupUri(1); }

struct OffnetGroupCallParams {
  uint32_t members = 4;
  double radius_m = 100;          ///< members uniform in a disc
  double duration_s = 60;
  double ptt_mean_interval_s = 8; ///< per member, exponential
  double talk_mean_s = 3;
  /// k = 2: two 193-byte TBs per period carry 24 kb/s voice at MCS 16 / 5 PRB.
  SidelinkRadioOptions radio = {16, 5, 2};
  double t201_ms = 40;
  uint32_t c201 = 3;
  /// TS 24.379 call setup (probe / announcement) before floor control; false: every member holding
  /// the GMK is in the call from the start.
  bool call_setup = true;
  uint32_t refresh_interval_ms = 10000;  ///< periodic GROUP CALL ANNOUNCEMENT
  /// Members other than ue0 switch on at 0.5 s + U(0, this) (0: everyone at 0.5 s), so some find a
  /// call running and join it by its announcement or by probing.
  double arrival_window_s = 0;
  bool queueing = false;  ///< the talker queues floor requests and grants them in turn
  uint32_t members_without_gmk = 0;  ///< extra UEs in range that never received the GMK
  /// An attacker UE in the disc, without the GMK: none | tamper | replay | flood
  /// (procedures::PacketAttacker).
  std::string attack = "none";
  double flood_rate_pps = 50;       ///< flood: random datagrams per second to the floor port
  /// Load the keys from offline-provisioned files instead of the set-up exchange: DIR/kms-init.xml
  /// (mcxsim kms init), DIR/ue<i>.xml (mcxsim kms provision for sip:ue<i>@mcx.example.org) and
  /// DIR/ue<i>-gmk.b64 (mcxsim mikey create --type gmk from `gms_uri`); a member without its
  /// GMK file has no GMK.
  std::string key_dir;
  std::string gms_uri = security::naming::GmsUri();
  uint64_t unix_time = 0;  ///< the date the keys are checked at (0 = now)
  RunSeeds seeds;
};

struct OffnetGroupCallResult {
  OffnetGroupCallParams params;
  uint64_t collisions_pscch = 0, collisions_pssch = 0;
  uint64_t duplicate_arbitrators = 0;
  uint64_t probes = 0, announcements = 0;  ///< MONP group call control sent
  OffnetCallStats stats;
  uint64_t attack_sent = 0;  ///< packets the attacker sent
  uint32_t members_with_gmk = 0;  ///< members holding a GMK of the group when the call starts
  double sim_end_s = 0;
};

OffnetGroupCallResult RunOffnetGroupCall(const OffnetGroupCallParams& p);

}  // namespace mcx::scenarios
