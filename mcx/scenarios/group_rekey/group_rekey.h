// Scenario group-rekey: a KMS, a GMS and an MCX server behind an access network (LTE/EPC or an
// ideal wired star) and N UEs in G groups. Everyone provisions from the KMS, registers (with CSK
// upload), subscribes; the GMS distributes an initial GMK and then performs K rekeys. The result
// holds every member's answer to every rekey, provisioning times, bytes and errors.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "mcx/scenarios/registry/run_seeds.h"
#include "mcx/scenarios/shared/onnet_world_params.h"

namespace mcx::scenarios {

struct GroupRekeyParams {
  OnnetWorldParams world;
  uint32_t rekeys = 3;
  double rekey_start_s = 0;        ///< 0 = chosen from the population size
  double rekey_interval_s = 0;     ///< 0 = chosen from the population size
  bool leave_before_last_rekey = false;  ///< one member leaves; the last rekey must exclude it
  double drain_s = 0;              ///< the run goes on this long after the last rekey (0: 2 s, 120 s with faults)
  /// An attacker node sends every member a GMK the GMS did not issue: none | rogue | stale |
  /// replay | tampered (procedures::RogueGms).
  std::string attack = "none";
  double attack_at_s = 0;          ///< when (0: half an interval after the first rekey)
  RunSeeds seeds;
};

struct MemberAnswer {
  std::string group, member, result;
  uint32_t gmk_id = 0, rekey = 0;
  double start_s = 0, latency_s = 0;
};

struct GroupRekeyResult {
  GroupRekeyParams params;
  double rekey_start_s = 0, rekey_interval_s = 0, sim_end_s = 0;
  std::vector<MemberAnswer> answers;             ///< from the GMS's RekeyOutcome trace
  std::vector<double> provisioning_s;            ///< per UE, from its Provisioned trace
  std::map<std::string, uint64_t> errors;        ///< by kind (UEs, MCX server, members' answers)
  std::map<std::string, uint64_t> signalling_bytes;
  std::map<std::string, double> crypto_seconds;  ///< simulated crypto time by role
  std::map<std::string, std::map<uint32_t, uint32_t>> keys_stored;  ///< member -> GMK-ID -> count
  uint32_t registered = 0, csk_uploaded = 0;
  uint32_t mcx_server_gmks = 0;                  ///< GMKs the MCX server holds (mixing option)
  uint32_t keys_activated = 0;                   ///< KeyActive events at the UEs
  std::vector<uint32_t> rekey_gmk_ids;           ///< GMK-ID of each rekey (group 0), initial first
  std::map<std::string, uint64_t> retries;       ///< requests the clients tried again, by what
  /// Who should hold their group's last GMK: (member, group).
  std::vector<std::pair<std::string, std::string>> final_members;
  std::map<std::string, uint32_t> last_gmk_id;   ///< by group: the last GMK the GMS issued
  std::map<std::string, std::string> last_error; ///< by member: the last failure it reported
  std::set<std::string> provisioned_members, registered_members;  ///< by their traces
  uint64_t attack_sent = 0;                      ///< attack messages sent
  std::map<std::string, uint64_t> attack_answers; ///< the members' answers to them, by result
};

GroupRekeyResult RunGroupRekey(const GroupRekeyParams& p);

}  // namespace mcx::scenarios
