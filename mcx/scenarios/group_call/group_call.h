// Scenario group-call: the on-network world of group-rekey (KMS, GMS, MCX server behind LTE/EPC or
// an ideal network, N UEs in one group) with a pre-arranged group call through the MCX server
// (TS 24.379 10.1.1): once everyone holds the group's GMK, UE 0 presses PTT, which sets up the
// call with an implicit floor request; the server invites every member; then members press PTT
// one after another (the group's activity factor, with optional contention), floor control runs
// through the server as SRTCP
// under each client's CSK, and voice as SRTP under the GMK, relayed by the server. --security off
// runs the same call with plain RTP/RTCP.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mcx/scenarios/registry/run_seeds.h"
#include "mcx/scenarios/shared/onnet_call_metrics.h"
#include "mcx/scenarios/shared/onnet_world_params.h"

namespace mcx::scenarios {

struct GroupCallParams {
  OnnetWorldParams world;
  double call_start_s = 0;   ///< UE 0's first press (0: once everyone can hold the GMK)
  double duration_s = 60;    ///< of the call's workload, from its start
  double talk_mean_s = 4.69; ///< psc-ns3's public-safety call logs: mean talk burst
  /// The group's floor activity: talk bursts (exponential, talk_mean_s) follow each other with
  /// exponential pauses of mean talk_mean_s (1 - activity) / activity, each by a random member
  /// other than the last (psc-ns3's pusher orchestrator with its activity factor).
  double activity = 0.5;
  /// The chance that another random member presses during a burst, at a uniform instant in it.
  double contention = 0;
  std::string security = "on";  ///< on | off
  bool xml_protection = true;   ///< with security on: the mcpttinfo XML-protected (TS 33.180 9.3)
  /// The last `late` UEs start this long after the call started (staggered like the others):
  /// they provision, register and affiliate during the call, and join it (late entry).
  uint32_t late = 0;
  double late_after_s = 5;
  bool queueing = true;
  /// The last member makes an emergency floor request this long after the call's start (0: none):
  /// it pre-empts the talker (Floor Revoke #4) and talks for talk-mean seconds.
  double emergency_at_s = 0;
  /// An attacker node on the core (an outsider with no CSK) floods the MCX server's floor port with
  /// random datagrams: none | flood.
  std::string attack = "none";
  double flood_rate_pps = 200;
  RunSeeds seeds;
};

struct GroupCallResult {
  GroupCallParams params;
  double call_start_s = 0, sim_end_s = 0;
  double setup_200ok_ms = -1;                 ///< UE 0: PTT to the 200 OK
  std::vector<double> first_voice_ms;         ///< per receiver: UE 0's press to its first voice frame
  std::vector<double> mouth_to_ear_ms;
  /// Late entrants: from the server accepting the affiliation to the member in the call (its
  /// answer to the server's INVITE) and to its first voice frame decrypted.
  std::vector<double> late_entry_call_ms, late_entry_voice_ms;
  uint32_t members_in_call = 0;
  uint64_t voice_frames_received = 0;
  OnnetCallStats calls;  ///< floor events, floor control bytes, errors
  std::map<std::string, uint64_t> server;     ///< the group call server's tallies
  uint64_t attack_sent = 0;
};

GroupCallResult RunGroupCall(const GroupCallParams& p);

}  // namespace mcx::scenarios
