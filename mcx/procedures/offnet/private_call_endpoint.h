// One side of an off-network private call (TS 24.379 clause 11.2, automatic commencement), the
// PCK carried in the SDP offer as a=key-mgmt:mikey (TS 33.180 5.7: a MIKEY-SAKKE I_MESSAGE from
// caller to callee). No ns-3.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "mcx/codec/monp.h"
#include "mcx/codec/mcptt_sdp.h"
#include "mcx/procedures/host.h"
#include "mcx/procedures/private_call_keys.h"
#include "mcx/security/mikey_sakke.h"

namespace mcx::procedures {

/// One side of an off-network private call with automatic commencement (TS 24.379 11.2.2):
/// the caller sends PRIVATE CALL SETUP REQUEST with the PCK I_MESSAGE in the SDP offer and
/// repeats it on TFP1 up to CFP1 times; the callee runs every TS 33.180 receiver check on the
/// I_MESSAGE and answers ACCEPT, or REJECT with "E2E security context failure".
class PrivateCallEndpoint {
 public:
  struct Config {
    std::string user_id;
    std::string address;        ///< own IPv4 address for the SDP
    uint16_t media_port = 49150, floor_port = 49151;
    double tfp1_s = 0.040;      ///< setup request retransmission (psc-ns3)
    uint32_t cfp1 = 3;
  };
  /// Sends MONP datagrams to the peer's port 8809 through `host`, whose DRBG makes the PCK, its ID
  /// and the call identifiers; the crypto each side computes takes its time on the host's cores.
  PrivateCallEndpoint(Config cfg, const security::mikey_sakke::LocalIdentity& me,
                      std::vector<security::mikey_sakke::KmsPublicInfo> kms, Host& host);
  ~PrivateCallEndpoint();

  /// Calls `callee` at `callee_address` with a fresh PCK (ending this side's previous call).
  void Call(const std::string& callee, const std::string& callee_address);
  /// A MONP datagram from `from_address`.
  void Receive(const std::string& from_address, crypto::ByteView datagram);

  /// Established: (keys, peer address, peer SDP, true when this side called).
  std::function<void(const PrivateCallKeys&, const std::string&, const codec::McpttSdp&, bool)> on_established;
  /// The call failed: reason (e.g. "rejected_e2e_security", "no_answer", an ErrorName).
  std::function<void(const std::string&)> on_failed;
  bool established() const { return keys_.has_value(); }
  /// Answers held for repeated setup requests (bounded by kMaxAnswers).
  size_t answered_count() const { return answered_.size(); }
  static constexpr size_t kMaxAnswers = 64;
  /// Seconds from Call() to ACCEPT received (caller side).
  std::optional<double> setup_s() const { return setup_s_; }

 private:
  void SendSetup();
  void OnSetup(const std::string& from, const codec::MonpPrivateCallMessage& m);
  uint64_t NtpNow() const;
  void Send(const std::string& address, crypto::Bytes datagram);
  /// How long an answer is held for the caller's retransmissions: 2 x TFP1 x CFP1 (the caller
  /// sends CFP1 requests TFP1 apart, TS 24.379 11.2.2.x); the established call's while it lasts.
  double AnswerHoldS() const { return 2 * cfg_.tfp1_s * cfg_.cfp1; }
  void PruneAnswers();
  /// The current call ended (a new one starts): its answer now expires like the others.
  void EndAnsweredCall();

  Config cfg_;
  const security::mikey_sakke::LocalIdentity& me_;
  std::vector<security::mikey_sakke::KmsPublicInfo> kms_;
  Host& host_;
  std::optional<PrivateCallKeys> keys_;
  std::optional<double> setup_s_;
  // Caller state.
  std::optional<codec::MonpPrivateCallMessage> setup_;
  std::string peer_address_;
  double called_at_ = 0;
  uint32_t sent_ = 0;
  TimerId tfp1_ = 0;
  PrivateCallKeys pending_;
  // Callee: requests already answered, so that a repeated request (the caller's retransmission
  // on TFP1, byte for byte the same) gets the same answer. Keyed by who asked (address and
  // caller MCPTT ID), the call identifier and the offer itself: a request from anyone else, or
  // another request under the same call identifier, is processed on its own and never gets an
  // answer made for another (a 16-bit call identifier alone is trivially forged).
  struct AnswerKey {
    std::string from, caller;
    uint16_t call_id = 0;
    std::string sdp;
    bool operator<(const AnswerKey& o) const {
      return std::tie(from, caller, call_id, sdp) < std::tie(o.from, o.caller, o.call_id, o.sdp);
    }
  };
  struct Answer {
    crypto::Bytes wire;
    double expires = 0;    ///< host time after which it is dropped (unless call_up)
    bool call_up = false;  ///< it accepted the call that is up now: held while the call lasts
  };
  std::map<AnswerKey, Answer> answered_;
};

}  // namespace mcx::procedures
