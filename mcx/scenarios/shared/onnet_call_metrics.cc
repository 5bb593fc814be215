#include "mcx/scenarios/shared/onnet_call_metrics.h"

#include <ns3/core-module.h>

#include <sstream>

#include "mcx/scenarios/shared/onnet_world.h"
#include "mcx/scenarios/shared/summary.h"

namespace mcx::scenarios {

using namespace ns3;
using nlohmann::json;

void RecordOnnetCalls(const OnnetApps& apps, OnnetCallStats& st) {
  auto error = [&st](const std::string& who) {
    return Callback<void, std::string>([&st, who](std::string e) { ++st.errors[who + e]; });
  };
  auto bytes = [&st](const std::string& dir, const std::string& type, uint32_t plain, uint32_t wire) {
    auto& v = st.floor_bytes[dir][type];
    v.resize(3);
    v[0] += 1, v[1] += plain, v[2] += wire;
  };
  apps.mcx->TraceConnectWithoutContext("Error", error("mcx_server_"));
  apps.mcx->TraceConnectWithoutContext(
      "FloorTx", Callback<void, std::string, std::string, uint32_t, uint32_t>(
                     [bytes](std::string, std::string type, uint32_t plain, uint32_t wire) {
                       bytes("downlink", type, plain, wire);
                     }));
  for (uint32_t i = 0; i < apps.ues.size(); ++i) {
    const Ptr<models::UeApp>& ue = apps.ues[i];
    const std::string member = UeUri(i);
    ue->TraceConnectWithoutContext("Error", error("ue_"));
    ue->TraceConnectWithoutContext("FloorOutcome", Callback<void, std::string, double>([&st, member](std::string o, double s) {
                                     st.floor_events.push_back({Simulator::Now().GetSeconds(), member, o, Round3(s * 1e3)});
                                   }));
    ue->TraceConnectWithoutContext("FloorTx", Callback<void, std::string, uint32_t, uint32_t>(
                                                  [bytes](std::string type, uint32_t plain, uint32_t wire) {
                                                    bytes("uplink", type, plain, wire);
                                                  }));
  }
}

void CollectSignallingBytes(const OnnetApps& apps, OnnetCallStats& st) {
  uint64_t n = 0, bytes = 0;
  for (const auto& ue : apps.ues)
    if (const procedures::OnnetCallClientCounters* c = ue->CallCounters()) n += c->calls_made, bytes += c->invite_bytes;
  st.signalling["client_invites"] = n;
  st.signalling["client_invite_bytes"] = bytes;
  if (const procedures::GroupCallServer* calls = apps.mcx->GroupCalls()) {
    st.signalling["server_invites"] = calls->counters().invites_sent;
    st.signalling["server_invite_bytes"] = calls->counters().invite_bytes;
  }
}

json SignallingBytesJson(const std::map<std::string, uint64_t>& s) {
  auto per = [&s](const char* n, const char* b) -> json {
    const uint64_t count = s.count(n) ? s.at(n) : 0;
    return count ? json(Round3(static_cast<double>(s.at(b)) / count)) : json();
  };
  json m = s;
  m["client_bytes_per_invite"] = per("client_invites", "client_invite_bytes");
  m["server_bytes_per_invite"] = per("server_invites", "server_invite_bytes");
  return m;
}

json FloorBytesJson(const FloorBytes& floor_bytes) {
  json bytes = json::object();
  for (const auto& [dir, types] : floor_bytes) {
    uint64_t n = 0, plain = 0, wire = 0;
    for (const auto& [type, v] : types) {
      bytes[dir][type] = {{"messages", v[0]}, {"plain", v[1]}, {"protected", v[2]}};
      n += v[0], plain += v[1], wire += v[2];
    }
    bytes[dir]["total"] = {{"messages", n}, {"plain", plain}, {"protected", wire}};
  }
  return bytes;
}

json FloorOutcomesJson(const std::vector<FloorEvent>& events, std::vector<double>* immediate) {
  std::map<std::string, std::vector<double>> by_outcome;
  for (const auto& e : events) {
    by_outcome[e.outcome].push_back(e.access_ms);
    if (immediate && e.outcome == "granted") immediate->push_back(e.access_ms);
  }
  json outcomes = json::object();
  for (const auto& [o, v] : by_outcome) outcomes[o] = Percentiles(v, 1.0);
  return outcomes;
}

std::string FloorEventsCsv(const std::vector<FloorEvent>& events) {
  std::ostringstream out;
  out << "time_s,member,outcome,access_ms\n";
  for (const auto& e : events) out << Round3(e.time_s) << ',' << e.member << ',' << e.outcome << ',' << e.access_ms << '\n';
  return out.str();
}

}  // namespace mcx::scenarios
