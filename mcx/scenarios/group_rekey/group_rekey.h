// Scenario group-rekey: a KMS, a GMS and an MCX server behind an access network (LTE/EPC or an
// ideal wired star) and N UEs in G groups. Everyone provisions from the KMS, registers (with CSK
// upload), subscribes; the GMS distributes an initial GMK and then performs K rekeys. The result
// holds every member's answer to every rekey, provisioning times, bytes and errors.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mcx/security/naming_plan.h"

namespace mcx::scenarios {

struct GroupRekeyParams {
  uint32_t members = 10;          ///< UEs in total, spread evenly over the groups
  uint32_t groups = 1;
  std::string access = "ideal";   ///< lte | ideal
  std::string transport = "sip";  ///< GMK distribution: sip (NOTIFY push) | http (GET pull)
  uint32_t rekeys = 3;
  uint64_t seed = 1;
  bool sip_tcp = false;
  double sip_t1_s = 0.5;
  uint32_t gms_cores = 1;
  double ue_device_factor = 3.0;   ///< UE crypto cost relative to the reference host
  double server_device_factor = 1.0;
  double core_link_delay_ms = 5;   ///< each server's point-to-point link
  std::string core_link_rate = "1Gbps";
  double access_link_delay_ms = 2; ///< ideal access: each UE's link
  std::string access_link_rate = "100Mbps";
  uint32_t enbs = 1;               ///< lte: eNBs on a line, 1 km apart
  double cell_radius_m = 400;      ///< lte: UEs placed uniformly in a disc around their eNB
  double rekey_start_s = 0;        ///< 0 = chosen from the population size
  double rekey_interval_s = 0;     ///< 0 = chosen from the population size
  bool leave_before_last_rekey = false;  ///< one member leaves; the last rekey must exclude it
  bool tls = true;
  /// The GMS signs with a KMS identity that is not the one the UEs accept for GMKs.
  bool forged_gms = false;
  double rekey_period_s = 0;        ///< the GMS also rekeys on its own every this many seconds
  bool mixing = false;              ///< the GMS also gives each GMK to the MCX server (media mixing)
  double activation_delay_s = 0;    ///< new GMKs become active this long after their rekey
  double ue_speed_mps = 0;          ///< lte: UEs walk at this speed (random walk in the cell); 0 = still
  uint64_t start_unix = security::naming::kEpochUnix;
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
};

GroupRekeyResult RunGroupRekey(const GroupRekeyParams& p);

}  // namespace mcx::scenarios
