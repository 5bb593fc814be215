// Scenario private-call: the on-network world (KMS, GMS, MCX server behind LTE/EPC or an ideal
// network) with UEs in pairs, each pair making private calls with automatic commencement through
// the controlling MCX server (TS 24.379 11.1.1): the caller's PCK travels as a MIKEY-SAKKE
// I_MESSAGE in a=key-mgmt:mikey (TS 33.180 5.7), the callee answers after its receiver checks,
// floor control runs through the server as SRTCP under each client's CSK, and voice as SRTP under
// the PCK. Sessions and talk bursts follow psc-ns3's public-safety call-log figures.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mcx/scenarios/registry/run_seeds.h"
#include "mcx/scenarios/shared/onnet_call_metrics.h"
#include "mcx/scenarios/shared/onnet_world_params.h"

namespace mcx::scenarios {

struct PrivateCallParams {
  OnnetWorldParams world = [] {
    OnnetWorldParams w;
    w.members = 2;  // one pair
    return w;
  }();
  double call_start_s = 0;       ///< the first calls (0: once every UE is registered with its CSK)
  uint32_t calls = 5;            ///< per pair, one after another
  double session_mean_s = 8.58;  ///< psc-ns3's call logs: mean session, exponential
  double talk_mean_s = 4.69;     ///< psc-ns3's call logs: mean talk burst, exponential
  /// Within a session the two talk in turn, bursts separated by exponential pauses of mean
  /// talk_mean_s (1 - activity) / activity.
  double activity = 0.5;
  double gap_mean_s = 5;         ///< between a session's end and the pair's next call: 1 s plus an exponential of this mean
  std::string security = "on";   ///< on | off
  bool xml_protection = true;    ///< with security on: the mcpttinfo XML-protected (TS 33.180 9.3)
  /// corrupt-key-mgmt: a compromised MCX server alters one byte of every I_MESSAGE it relays.
  std::string attack = "none";
  RunSeeds seeds;
};

/// One call attempt.
struct PrivateCallRecord {
  double start_s = 0;
  std::string caller, callee;
  std::string outcome = "no_answer";  ///< connected | refused | no_answer
  uint32_t status = 0;                ///< refused: the SIP status
  std::string why;                    ///< refused: the error the refusal names
  double setup_ms = -1;               ///< PTT to the 200 OK
  double first_voice_ms = -1;         ///< PTT to the first voice frame decrypted at the callee
};

struct PrivateCallResult {
  PrivateCallParams params;
  double call_start_s = 0, sim_end_s = 0;
  std::vector<PrivateCallRecord> calls;
  std::vector<double> mouth_to_ear_ms;
  uint64_t voice_frames_received = 0;
  std::map<std::string, uint64_t> frames_heard;  ///< voice frames decrypted, by UE
  OnnetCallStats stats;
  std::map<std::string, uint64_t> server;  ///< the call server's tallies
};

PrivateCallResult RunPrivateCall(const PrivateCallParams& p);

}  // namespace mcx::scenarios
