// The MCPTT client's side of on-network pre-arranged group calls (TS 24.379 10.1.1.2): a PTT
// press with no call sends the INVITE (mcpttinfo "prearranged", the SDP offer with
// mc_implicit_request), an INVITE from the controlling server is answered at once (automatic
// commencement), and during the call the floor participant (onnet_floor_participant.h) talks to
// the server's floor control over SRTCP under this client's CSK (TS 24.380 13.1). Media packets
// are the caller's (already SRTP under the GMK-derived key); the client only checks the floor
// before sending and reports who it hears.
//
// Private calls with automatic commencement (TS 24.379 11.1.1.2): CallPrivate makes a PCK and
// carries its MIKEY-SAKKE I_MESSAGE (TS 33.180 5.7, signed by us, encrypted to the callee under
// the callee's KMS) as a=key-mgmt:mikey in the offer of an INVITE to the server; a private call's
// INVITE from the server is answered 200 OK only after every receiver check on that I_MESSAGE
// passed (the initiator must be the calling user the server names), else refused 488 with a
// Warning naming the check. Both ends then hold the call's PCK (private_keys()) for the voice;
// floor control still runs with the server under each client's CSK. No ns-3.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "mcx/codec/mcptt_sdp.h"
#include "mcx/procedures/host.h"
#include "mcx/procedures/private_call_keys.h"
#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/onnet/onnet_floor_participant.h"
#include "mcx/procedures/transport/sip_dialog.h"
#include "mcx/procedures/transport/sip_stack.h"
#include "mcx/security/control_protection.h"
#include "mcx/security/key_store.h"

namespace mcx::procedures {

struct OnnetCallClientConfig {
  std::string user_uri;
  Endpoint server_sip;  ///< the MCX server
  std::string psi = "sip:prearranged@mcx.example.org";
  uint16_t floor_port = 49150;
  uint16_t media_port = 49151;
  OnnetFloorConfig floor;  ///< user_id and ssrc are filled in
  /// The groups the user is affiliated to: an INVITE for another is refused (empty: any).
  std::vector<std::string> groups;
  bool queueing = true;    ///< offered as mc_queueing
  /// Floor control protected under our CSK; off: plain RTCP (--security off). Private calls:
  /// off also means no PCK and no key-mgmt in the offer.
  bool security = true;
  /// Private calls: the KMS URI of callees of another domain, by user URI (their KMS certificate
  /// must be in the key store, TS 33.180 5.2.8); everyone else is of our own KMS.
  std::map<std::string, std::string> callee_kms;
  /// Private calls: the I_MESSAGE's timestamp may be this far from our clock (RFC 3830 5.4).
  uint64_t max_clock_skew_s = 300;
  /// With security on, the mcpttinfo of our INVITEs is XML-protected under our CSK (TS 33.180
  /// 9.3), and the server's must be.
  bool xml_protection = true;
};

struct OnnetCallClientCounters {
  uint64_t calls_made = 0, calls_answered = 0, calls_refused = 0, calls_ended = 0;
  uint64_t private_calls_made = 0, private_calls_answered = 0;
  uint64_t invite_bytes = 0;  ///< of the INVITEs we sent (as serialised)
  uint64_t floor_sent = 0, floor_received = 0, media_sent = 0, media_received = 0;
  uint64_t floor_bytes_plain = 0, floor_bytes_wire = 0;  ///< of what this client sent
  std::map<std::string, uint64_t> errors;
};

class OnnetCallClient {
 public:
  /// `keys`: the client's key store, holding the CSK it uploaded at registration.
  OnnetCallClient(Host& host, SipStack& sip, OnnetCallClientConfig cfg, const security::KeyStore& keys);
  ~OnnetCallClient();

  /// PTT pressed outside a call: a pre-arranged group call to `group` with an implicit floor
  /// request (TS 24.379 10.1.1.2.1.1). False if a call is up or being set up.
  bool CallGroup(const std::string& group, bool emergency = false, bool broadcast = false);
  /// PTT pressed to call one user: a private call with automatic commencement and an implicit
  /// floor request (TS 24.379 11.1.1.2.1), a fresh PCK in the offer (security on). False if a
  /// call is up or being set up, or the PCK's I_MESSAGE cannot be made (counted in errors).
  bool CallPrivate(const std::string& callee, bool emergency = false);
  /// The user hangs up: BYE.
  void Hangup();
  /// `emergency`: an emergency request in the running call (pre-empts a normal talker).
  void PressPtt(bool emergency = false);
  void ReleasePtt();
  /// Sends a media packet to the server when the floor is ours (true).
  bool SendMedia(crypto::Bytes packet);

  /// A SIP request: true if it was ours (an INVITE, ACK or BYE of the call).
  bool OnSipRequest(const Endpoint& from, const SipMessage& req);
  void OnFloorDatagram(const Endpoint& from, crypto::ByteView data);
  void OnMediaDatagram(const Endpoint& from, crypto::ByteView data);

  bool in_call() const { return floor_ != nullptr; }
  /// The call's group, or a private call's other party.
  const std::string& group() const { return group_; }
  bool private_call() const { return private_call_; }
  /// A private call's keys (security on), from set-up until the call ends; else nullptr.
  const PrivateCallKeys* private_keys() const { return private_keys_ ? &*private_keys_ : nullptr; }
  OnnetFloorParticipant* floor() { return floor_.get(); }
  const OnnetCallClientCounters& counters() const { return counters_; }
  uint32_t ssrc() const { return cfg_.floor.ssrc; }

  /// The call is up: the group, and for a call we made the time from the PTT press (seconds).
  std::function<void(const std::string& group, std::optional<double> setup_s)> on_call_started;
  std::function<void(const std::string& group, const std::string& why)> on_call_ended;
  /// Each failure, by kind (also counted in counters().errors).
  std::function<void(const std::string& kind)> on_error;
  /// Our call attempt failed: the SIP status (0: no answer) and the error the Warning names if
  /// any (a private call refused by its callee: the receiver check that failed).
  std::function<void(int status, const std::string& why)> on_call_failed;
  std::function<void(FloorOutcome, double access_s)> on_floor_outcome;
  /// A media packet relayed by the server (as it was sent: SRTP).
  std::function<void(crypto::ByteView packet)> on_media;
  /// Each floor message sent (the message, plain and wire sizes).
  std::function<void(const codec::FloorMessage&, size_t plain, size_t wire)> on_floor_sent;

 private:
  void Fail(const std::string& kind) {
    ++counters_.errors[kind];
    if (on_error) on_error(kind);
  }
  codec::McpttSdp OurSdp(bool implicit_request) const;
  /// Our newest CSK (the one the server picks too), or nullptr.
  const security::StoredKey* LatestCsk() const;
  bool ProtectInfo() const { return cfg_.security && cfg_.xml_protection; }
  /// Sends the INVITE of a call we make (to the server's PSI) with `info` and `offer`; `keys`:
  /// a private call's PCK, ours once the call is up.
  bool Dial(const McpttInfo& info, const codec::McpttSdp& offer, std::optional<PrivateCallKeys> keys);
  /// Our identity for the key period of ntp_now and its KMS (nullptr: none held).
  std::pair<std::shared_ptr<const security::mikey_sakke::LocalIdentity>, const security::mikey_sakke::KmsPublicInfo*>
  OwnIdentity(uint64_t ntp_now) const;
  /// A private call's INVITE: the receiver checks on its I_MESSAGE (TS 33.180 5.7). The keys, or
  /// the name of the check that failed.
  std::variant<PrivateCallKeys, std::string> AcceptPck(const codec::McpttSdp& offer, const std::string& caller);
  bool Begin(const std::string& group, const codec::McpttSdp& server_sdp, bool emergency, bool broadcast);
  void StartFloor(FloorStart how, std::optional<double> pressed_at);
  void End(const std::string& why);
  void SendFloor(const codec::FloorMessage& m);

  Host& host_;
  SipStack& sip_;
  OnnetCallClientConfig cfg_;
  const security::KeyStore& keys_;
  std::string group_;
  bool private_call_ = false;
  std::optional<PrivateCallKeys> private_keys_;
  std::optional<PrivateCallKeys> dialing_keys_;  ///< the PCK of the private call we are setting up
  /// PCKs accepted within the timestamp window (2 x the skew: before and after our clock).
  PckReplayCache pck_replays_{0};
  bool setting_up_ = false;
  std::optional<SipDialog> dialog_;
  Endpoint server_floor_, server_media_;
  /// The SRTCP context of each CSK used so far, kept across calls: its SRTCP index goes on and its
  /// replay window keeps refusing an earlier call's messages (one CSK, one master key: a new
  /// context per call would reuse AES-GCM nonces).
  std::map<uint32_t, std::unique_ptr<security::ControlProtection>> csk_contexts_;
  security::ControlProtection* csk_ = nullptr;  ///< the call's
  bool release_on_start_ = false;  ///< PTT released while the call was being set up
  std::unique_ptr<OnnetFloorParticipant> floor_;
  std::vector<crypto::Bytes> early_floor_;  ///< floor datagrams that came before our 200 OK did
  OnnetCallClientCounters counters_;
};

}  // namespace mcx::procedures
