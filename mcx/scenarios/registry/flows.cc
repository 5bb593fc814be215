#include "mcx/scenarios/registry/flows.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <sstream>

#include <ns3/application.h>
#include <ns3/node-list.h>
#include <ns3/node.h>
#include <ns3/simulator.h>

#include "mcx/codec/floor.h"
#include "mcx/codec/monp.h"
#include "mcx/models/apps/model/mcx_app.h"
#include "mcx/models/apps/model/offnet_mcptt_app.h"

namespace mcx::scenarios {

namespace {

std::string Describe(const std::string& from, const std::string& to, const std::string& label) {
  return from + " -> " + to + ": " + label;
}

std::string Ms(double t_s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f s", t_s);
  return b;
}

// The value of a SIP header (full or compact name), or empty.
std::string Header(const std::string& msg, const std::string& name, const std::string& compact) {
  std::istringstream in(msg);
  for (std::string line; std::getline(in, line) && line != "\r" && !line.empty();) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    while (!key.empty() && key.back() == ' ') key.pop_back();
    for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (key != name && key != compact) continue;
    std::string v = line.substr(colon + 1);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(v.begin());
    while (!v.empty() && (v.back() == '\r' || v.back() == ' ')) v.pop_back();
    return v;
  }
  return "";
}

}  // namespace

std::optional<MessageKey> Classify(uint16_t to_port, const std::string& bytes) {
  if (to_port == codec::kMonpPort && !bytes.empty()) {
    const crypto::ByteView b(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
    const auto type = static_cast<codec::MonpType>(b[0]);
    const char* name = codec::MonpTypeName(type);
    if (!name) return std::nullopt;
    if (auto m = codec::DecodeMonp(b)) return MessageKey{"MONP", "private call " + std::to_string(m->call_id), name};
    if (auto m = codec::DecodeMonpGroupCall(b))
      return MessageKey{"MONP", type == codec::MonpType::kGroupCallProbe ? "group call probe " + m->group_id
                                                                         : "group call " + std::to_string(m->call_id),
                        name};
    return std::nullopt;
  }
  // On-network floor control (TS 24.380 8): RTCP APP packets to a floor port. SRTCP leaves the
  // first 8 bytes (version, subtype, packet type, length, SSRC) in clear (RFC 3711 3.4), so the
  // message type reads whether the packet is protected or not.
  if (to_port == kOnnetFloorPort && bytes.size() >= 8 && (static_cast<uint8_t>(bytes[0]) >> 6) == 2 &&
      static_cast<uint8_t>(bytes[1]) == 204)
    return MessageKey{"Floor", "", codec::FloorMsgTypeName(static_cast<codec::FloorMsgType>(bytes[0] & 0x0f))};
  // SIP: a request line "METHOD uri SIP/2.0" or a status line "SIP/2.0 CODE reason".
  const auto eol = bytes.find("\r\n");
  if (eol == std::string::npos) return std::nullopt;
  const std::string first = bytes.substr(0, eol);
  const std::string call_id = Header(bytes, "call-id", "i");
  if (call_id.empty()) return std::nullopt;
  if (first.rfind("SIP/2.0 ", 0) == 0) {
    const std::string cseq = Header(bytes, "cseq", "cseq");
    const auto sp = cseq.find(' ');
    return MessageKey{"SIP", call_id, first.substr(8) + (sp == std::string::npos ? "" : " (" + cseq.substr(sp + 1) + ")")};
  }
  const auto sp = first.find(' ');
  if (sp == std::string::npos || first.size() < 8 || first.compare(first.size() - 8, 8, " SIP/2.0") != 0)
    return std::nullopt;
  return MessageKey{"SIP", call_id, first.substr(0, sp)};
}

void FlowRecorder::Add(double t_s, const std::string& from, const std::string& to, uint16_t port,
                       const std::string& bytes) {
  auto key = Classify(port, bytes);
  if (!key) return;
  // Floor control between a participant and the server: one flow per exchange, from its first
  // message to the server's Floor Idle (the floor is free again), numbered per pair.
  const bool floor = key->protocol == "Floor";
  if (floor) key->id = std::min(from, to) + " - " + std::max(from, to);
  const std::string k = key->protocol + "\n" + key->id;
  auto it = index_.find(k);
  if (floor && it == index_.end() && (key->label == "Floor Idle" || key->label == "Floor Release"))
    if (auto last = closed_.find(key->id); last != closed_.end()) {
      // What ends a period, repeated after it ended (the participant's Floor Release on T100, the
      // server's Floor Idle answering it or on T7): still that period, if it came in it already.
      auto& messages = flows_[last->second].messages;
      const bool seen = std::any_of(messages.begin(), messages.end(), [&](const FlowMessage& m) {
        return m.from == from && m.to == to && m.label == key->label;
      });
      if (seen) {
        if (messages.back().from == from && messages.back().to == to && messages.back().label == key->label)
          ++messages.back().copies;
        else
          messages.push_back(FlowMessage{t_s, from, to, key->label, 1});
        return;
      }
    }
  if (it == index_.end()) {
    it = index_.emplace(k, flows_.size()).first;
    flows_.push_back(Flow{key->protocol, floor ? key->id + " #" + std::to_string(++exchanges_[key->id]) : key->id, {}});
  }
  if (floor && key->label == "Floor Idle") {
    auto& messages = flows_[it->second].messages;
    if (messages.empty() || messages.back().label != "Floor Idle" || messages.back().from != from)
      messages.push_back(FlowMessage{t_s, from, to, key->label, 1});
    else
      ++messages.back().copies;
    closed_[key->id] = it->second;
    index_.erase(it);  // the exchange is over
    return;
  }
  auto& messages = flows_[it->second].messages;
  if (!messages.empty() && messages.back().from == from && messages.back().to == to && messages.back().label == key->label) {
    ++messages.back().copies;  // a retransmission
    return;
  }
  messages.push_back(FlowMessage{t_s, from, to, key->label, 1});
}

void FlowRecorder::OnMessage(std::string from, std::string to, uint16_t port, const crypto::Bytes& m) {
  Add(ns3::Simulator::Now().GetSeconds(), from, to, port, std::string(m.begin(), m.end()));
}

void FlowRecorder::Connect() {
  for (uint32_t n = 0; n < ns3::NodeList::GetNNodes(); ++n) {
    ns3::Ptr<ns3::Node> node = ns3::NodeList::GetNode(n);
    for (uint32_t a = 0; a < node->GetNApplications(); ++a) {
      ns3::Ptr<ns3::Application> app = node->GetApplication(a);
      if (ns3::DynamicCast<models::McxApp>(app) || ns3::DynamicCast<models::OffnetMcpttApp>(app))
        app->TraceConnectWithoutContext("Message", ns3::MakeCallback(&FlowRecorder::OnMessage, this));
    }
  }
}

std::vector<Flow> FlowRecorder::Flows() const { return flows_; }

std::optional<FlowVerdict> CheckFlow(const Flow& flow, const FlowSpec& spec) {
  if (flow.protocol != spec.protocol || flow.messages.empty() || spec.steps.empty() ||
      flow.messages.front().label != spec.steps.front().label)
    return std::nullopt;
  FlowVerdict v{spec.name, false, ""};
  std::map<std::string, std::string> role_of_address, address_of_role;
  // A role names one address, and an address one role.
  auto binds = [&](const std::string& role, const std::string& address) {
    auto r = address_of_role.find(role);
    if (r != address_of_role.end()) return r->second == address;
    auto a = role_of_address.find(address);
    return a == role_of_address.end() || a->second == role;
  };
  auto matches = [&](const FlowStep& s, const FlowMessage& m) {
    return s.label == m.label && binds(s.from, m.from) && binds(s.to, m.to) && (s.from != s.to) == (m.from != m.to);
  };
  auto bind = [&](const FlowStep& s, const FlowMessage& m) {
    address_of_role[s.from] = m.from, role_of_address[m.from] = s.from;
    address_of_role[s.to] = m.to, role_of_address[m.to] = s.to;
  };
  size_t k = 0;  // the next expected step
  for (size_t i = 0; i < flow.messages.size(); ++i) {
    const FlowMessage& m = flow.messages[i];
    // The next step it matches, past optional ones only.
    size_t j = k;
    while (j < spec.steps.size() && !matches(spec.steps[j], m) && spec.steps[j].optional) ++j;
    if (j < spec.steps.size() && matches(spec.steps[j], m)) {
      bind(spec.steps[j], m);
      k = j + 1;
      continue;
    }
    // Or a repeat of a step already seen (a retransmission crossing the answer).
    bool repeat = false;
    for (size_t r = 0; r < k && !repeat; ++r) repeat = spec.steps[r].repeats && matches(spec.steps[r], m);
    if (repeat) continue;
    // The next step that had to come (optional ones could also have come, but need not).
    size_t need = k;
    while (need < spec.steps.size() && spec.steps[need].optional) ++need;
    if (need == spec.steps.size()) {
      v.deviation = "message " + std::to_string(i + 1) + " (" + Describe(m.from, m.to, m.label) +
                    ") comes after the expected sequence ended";
      return v;
    }
    const FlowStep& s = spec.steps[need];
    v.deviation = "message " + std::to_string(i + 1) + ": expected " + Describe(s.from, s.to, s.label) + ", got " +
                  Describe(m.from, m.to, m.label);
    return v;
  }
  while (k < spec.steps.size() && spec.steps[k].optional) ++k;
  if (k < spec.steps.size()) {
    v.deviation = "the flow ended before " + Describe(spec.steps[k].from, spec.steps[k].to, spec.steps[k].label);
    return v;
  }
  v.conforms = true;
  return v;
}

std::string Mermaid(const Flow& flow, const std::string& title) {
  std::string s = "sequenceDiagram\n  title " + title + "\n";
  std::map<std::string, int> seen;
  for (const auto& m : flow.messages)
    for (const auto* a : {&m.from, &m.to})
      if (seen.emplace(*a, 0).second) s += "  participant " + *a + "\n";
  for (const auto& m : flow.messages)
    s += "  " + m.from + "->>" + m.to + ": " + m.label + (m.copies > 1 ? " (x" + std::to_string(m.copies) + ")" : "") +
         " at " + Ms(m.t_s) + "\n";
  return s;
}

std::string Ladder(const Flow& flow, const std::string& title) {
  std::string s = title + "\n";
  for (const auto& m : flow.messages) {
    char line[256];
    std::snprintf(line, sizeof line, "%12s  %-15s --> %-15s  %s%s\n", Ms(m.t_s).c_str(), m.from.c_str(), m.to.c_str(),
                  m.label.c_str(), m.copies > 1 ? (" (x" + std::to_string(m.copies) + ")").c_str() : "");
    s += line;
  }
  return s;
}

}  // namespace mcx::scenarios
