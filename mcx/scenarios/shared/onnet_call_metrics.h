// What the on-network call scenarios (group-call, private-call) count from the MCX server's and
// the UEs' trace sources, and the metrics they share in summary.json and floor_events.csv.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mcx::scenarios {

struct OnnetApps;  // onnet_world.h

/// One PTT press that ended: when, who, how (procedures::FloorOutcomeName) and its access time.
struct FloorEvent {
  double time_s = 0;  ///< when the press ended
  std::string member, outcome;
  double access_ms = 0;
};

/// Floor control messages by direction ("uplink": clients to the server; "downlink") and type:
/// {count, plain bytes, bytes on the wire}.
using FloorBytes = std::map<std::string, std::map<std::string, std::vector<uint64_t>>>;

struct OnnetCallStats {
  std::vector<FloorEvent> floor_events;
  FloorBytes floor_bytes;
  std::map<std::string, uint64_t> errors;  ///< "ue_" or "mcx_server_" and the kind
  /// The calls' INVITEs: client_invites, client_invite_bytes (what the UEs sent), server_invites,
  /// server_invite_bytes (what the MCX server sent), as serialised.
  std::map<std::string, uint64_t> signalling;
};

/// Connects the MCX server's and every UE's Error, FloorTx and FloorOutcome traces to `st`
/// (which must outlive the simulation run).
void RecordOnnetCalls(const OnnetApps& apps, OnnetCallStats& st);

/// Fills `st.signalling` from the clients' and the server's tallies (before Simulator::Destroy).
void CollectSignallingBytes(const OnnetApps& apps, OnnetCallStats& st);

/// signalling_bytes: INVITEs sent by the clients and by the server, their bytes and bytes per
/// INVITE (the XML protection's cost is in these).
nlohmann::json SignallingBytesJson(const std::map<std::string, uint64_t>& signalling);

/// floor_control_bytes: per direction and type {messages, plain, protected}, and a total.
nlohmann::json FloorBytesJson(const FloorBytes& bytes);
/// floor_outcomes (percentiles of each outcome's access times) and, in `immediate`, the access
/// times of presses granted at once (TS 22.179 KPI 1).
nlohmann::json FloorOutcomesJson(const std::vector<FloorEvent>& events, std::vector<double>* immediate);
std::string FloorEventsCsv(const std::vector<FloorEvent>& events);

}  // namespace mcx::scenarios
