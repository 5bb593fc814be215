// The on-network world's parameters (ns-3-free, so a scenario's parameter struct can hold them):
// the servers, the UEs and their groups, the access network and the key management options.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mcx/procedures/transport/sip_stack.h"
#include "mcx/scenarios/registry/params.h"
#include "mcx/security/naming_plan.h"

namespace mcx::scenarios {

using security::naming::GroupUri;
using security::naming::UeUri;

/// The on-network world: a KMS, a GMS and an MCX server behind an access network (LTE/EPC or an
/// ideal wired tree), and N UEs in G groups (UE i in group i % G), each with the key management
/// client.
struct OnnetWorldParams {
  uint32_t members = 10;          ///< UEs in total, spread evenly over the groups
  uint32_t groups = 1;
  std::string access = "ideal";   ///< lte | ideal
  std::string transport = "sip";  ///< GMK distribution: sip (NOTIFY push) | http (GET pull)
  bool sip_tcp = false;
  double sip_t1_s = procedures::SipTimers{}.t1;
  uint32_t gms_cores = 1;
  double ue_device_factor = 3.0;   ///< UE crypto cost relative to the reference host
  double server_device_factor = 1.0;
  double core_link_delay_ms = 5;   ///< each server's point-to-point link
  std::string core_link_rate = "1Gbps";
  double access_link_delay_ms = 2; ///< ideal access: each UE's link
  std::string access_link_rate = "100Mbps";
  /// ideal access: the queue disc on each UE link's two ends: fifo (none: the device's own
  /// drop-tail FIFO) or fq-codel (ns-3's default, ~15 kB per link in a 1000-member group).
  std::string access_queue = "fifo";
  uint32_t enbs = 1;               ///< lte: eNBs on a line, 1 km apart
  double cell_radius_m = 400;      ///< lte: UEs placed uniformly in a disc around their eNB
  double ue_speed_mps = 0;         ///< lte: UEs walk at this speed (random walk in the cell); 0 = still
  /// lte: the radio's path loss. uma / umi: 3GPP TR 38.901 urban macro / micro street canyon
  /// (distance-dependent, line of sight drawn per link, log-normal shadowing); okumura-hata: its
  /// urban formula, no shadowing; friis: free space (ns-3's LTE default: no cell edge at all).
  std::string pathloss = "uma";
  bool shadowing = true;           ///< lte, uma/umi: the TR 38.901 log-normal shadowing
  double enb_power_dbm = 46;       ///< lte: eNB transmit power (a macro cell's; ns-3's default is 30)
  /// lte: eNB antenna gain, in every direction (a macro sector antenna's boresight gain, less
  /// feeder loss, without modelling sectors; ns-3's default antenna has 0 dB).
  double enb_antenna_gain_db = 15;
  bool tls = true;
  /// The GMS signs with a KMS identity that is not the one the UEs accept for GMKs.
  bool forged_gms = false;
  bool mixing = false;              ///< the GMS also gives each GMK to the MCX server (media mixing)
  double activation_delay_s = 0;    ///< new GMKs become active this long after their rekey
  double rekey_period_s = 0;        ///< the GMS also rekeys on its own every this many seconds
  uint64_t start_unix = security::naming::kEpochUnix;
  uint32_t tcp_segment_bytes = 1400;
  // Faults.
  double signalling_loss = 0;        ///< packet loss probability on the links `loss_on` names
  std::string loss_on = "ue-links";  ///< ue-links (ideal access) | server-links | all
  std::vector<double> kms_outage_s;  ///< {start, duration}, or empty
  std::vector<double> gms_outage_s;
};

/// Which of the world's parameters a scenario lets the user set (the others keep their defaults
/// or the scenario's values).
struct OnnetWorldChoices {
  bool radio_access = true;  ///< --access and the LTE ones (eNBs, cell radius, UE speed)
  bool groups = true;        ///< --groups
};
/// The world's parameters, declared once for every scenario that runs it.
ParamList<OnnetWorldParams> OnnetWorldParamList(OnnetWorldChoices choices);
/// Why the world cannot be built with these parameters, or nothing.
std::optional<std::string> CheckOnnetWorld(const OnnetWorldParams& p);

}  // namespace mcx::scenarios
