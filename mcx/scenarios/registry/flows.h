// Call-flow charts, checked against the spec (mcxsim run --flows DIR): every SIP message and MONP
// message the run's applications send is recorded with its simulated time, grouped into flows
// (a SIP dialog or transaction by its Call-ID, an off-network call by its call identifier), and
// written as a Mermaid sequenceDiagram and a plain-text ladder. A scenario declares the message
// sequences its procedures must produce (TS 24.379, TS 24.380, TS 33.180); each recorded flow a
// declaration applies to conforms or deviates, and the first deviation is named. docs/flows.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mcx/crypto/bytes.h"

namespace mcx::scenarios {

/// One message as it left its sender.
struct FlowMessage {
  double t_s = 0;
  std::string from, to;  ///< IPv4 addresses
  std::string label;     ///< "INVITE", "200 OK (INVITE)", "PRIVATE CALL SETUP REQUEST"
  int copies = 1;        ///< consecutive identical sends (retransmissions) folded into one
};

struct Flow {
  std::string protocol;  ///< "SIP" or "MONP"
  std::string id;        ///< Call-ID, or the MONP call identifier
  std::vector<FlowMessage> messages;
};

/// An expected message: from one role to another (roles bind to addresses on first use).
struct FlowStep {
  std::string from, to, label;
  bool optional = false;
  /// May come again later: a retransmission that crossed the answer (SIP Timer A/G, TFP1).
  bool repeats = false;
};

/// A sequence a procedure must produce. It applies to the recorded flows of its protocol whose
/// first message has the first step's label.
struct FlowSpec {
  std::string name;    ///< "pre-arranged group call, originating client's dialog"
  std::string source;  ///< "TS 24.379 10.1.1.2.1"
  std::string protocol;
  std::vector<FlowStep> steps;
};

struct FlowVerdict {
  std::string spec;
  bool conforms = false;
  std::string deviation;  ///< the first one, when it does not conform
};

/// The verdict of `spec` on `flow`, or nothing when the spec does not apply to it.
std::optional<FlowVerdict> CheckFlow(const Flow& flow, const FlowSpec& spec);

/// The on-network floor port (the MCX server's and the clients', TS 24.380 with psc-ns3's ports).
inline constexpr uint16_t kOnnetFloorPort = 49150;

/// The label and grouping key of a message, from its bytes: SIP (request method or status, and
/// the Call-ID), MONP on port 8809, or on-network floor control on kOnnetFloorPort (its message
/// type, from the RTCP header SRTCP leaves in clear; the key is filled in by the recorder);
/// nothing for any other datagram (voice).
struct MessageKey {
  std::string protocol, id, label;
};
std::optional<MessageKey> Classify(uint16_t to_port, const std::string& bytes);

/// Records the messages of every McxApp and OffnetMcpttApp while it is connected.
class FlowRecorder {
 public:
  /// Connects to every application of every node (call once the scenario built them).
  void Connect();
  void Add(double t_s, const std::string& from, const std::string& to, uint16_t port, const std::string& bytes);
  /// The flows in order of their first message.
  std::vector<Flow> Flows() const;

 private:
  void OnMessage(std::string from, std::string to, uint16_t port, const crypto::Bytes& message);
  std::vector<Flow> flows_;
  std::map<std::string, size_t> index_;  ///< protocol + id -> flows_ (open ones)
  std::map<std::string, int> exchanges_;  ///< floor control: exchanges so far, by address pair
  std::map<std::string, size_t> closed_;  ///< floor control: the last period that ended, by pair
};

std::string Mermaid(const Flow& flow, const std::string& title);
std::string Ladder(const Flow& flow, const std::string& title);

}  // namespace mcx::scenarios
