#include "mcx/procedures/offnet/private_call_endpoint.h"

namespace mcx::procedures {

using crypto::Bytes;
using crypto::ByteView;

PrivateCallEndpoint::PrivateCallEndpoint(Config cfg, const security::mikey_sakke::LocalIdentity& me,
                                         std::vector<security::mikey_sakke::KmsPublicInfo> kms, Host& host)
    : cfg_(std::move(cfg)), me_(me), kms_(std::move(kms)), host_(host) {}

PrivateCallEndpoint::~PrivateCallEndpoint() {
  if (tfp1_) host_.Cancel(tfp1_);
}

uint64_t PrivateCallEndpoint::NtpNow() const { return security::UnixToNtpSeconds(host_.UnixTime()); }

void PrivateCallEndpoint::Send(const std::string& address, crypto::Bytes datagram) {
  host_.SendDatagram(codec::kMonpPort, Endpoint{address, codec::kMonpPort}, std::move(datagram));
}

void PrivateCallEndpoint::PruneAnswers() {
  const double now = host_.Now();
  for (auto it = answered_.begin(); it != answered_.end();) {
    if (!it->second.call_up && it->second.expires <= now)
      it = answered_.erase(it);
    else
      ++it;
  }
}

void PrivateCallEndpoint::EndAnsweredCall() {
  for (auto& [key, a] : answered_)
    if (a.call_up) {
      a.call_up = false;
      a.expires = host_.Now() + AnswerHoldS();
    }
}

void PrivateCallEndpoint::Call(const std::string& callee, const std::string& callee_address) {
  // A new call: forget the previous one's state.
  EndAnsweredCall();
  if (tfp1_) host_.Cancel(tfp1_);
  tfp1_ = 0;
  keys_.reset();
  setup_s_.reset();
  called_at_ = host_.Now();
  peer_address_ = callee_address;
  auto fail = [this](const std::string& why) {
    if (on_failed) on_failed(why);
  };
  // TS 33.180 5.7 (private call): the caller signs an I_MESSAGE carrying a fresh PCK to the callee.
  // Callee and caller share the KMS here (kms_[0]).
  auto made = MakePck(me_, kms_.at(0), callee, kms_.at(0), NtpNow(), host_.Rng());
  if (!made) return fail(made.error() == crypto::Error::kRandomFailure ? "random_failure" : crypto::ErrorName(made.error()));
  pending_ = std::move(made->keys);
  codec::McpttSdp offer{cfg_.address, cfg_.media_port, cfg_.floor_port, std::move(made->i_message), {}};
  codec::MonpPrivateCallMessage m;
  m.type = codec::MonpType::kPrivateCallSetupRequest;
  auto id = host_.Rng().Generate(2);
  m.call_id = id ? static_cast<uint16_t>((*id)[0] << 8 | (*id)[1]) : 1;
  m.caller = cfg_.user_id;
  m.callee = callee;
  m.sdp = offer.Text();
  setup_ = m;
  sent_ = 0;
  SendSetup();  // once the I_MESSAGE's crypto is done (the host holds the send)
}

void PrivateCallEndpoint::SendSetup() {
  if (!setup_ || keys_) return;
  if (sent_ >= cfg_.cfp1) {
    setup_.reset();
    if (on_failed) on_failed("no_answer");
    return;
  }
  ++sent_;
  Send(peer_address_, Encode(*setup_));
  tfp1_ = host_.Schedule(cfg_.tfp1_s, [this]() {
    tfp1_ = 0;
    SendSetup();
  });
}

void PrivateCallEndpoint::Receive(const std::string& from, ByteView datagram) {
  auto m = codec::DecodeMonp(datagram);
  if (!m) {
    if (on_failed) on_failed(std::string("monp_") + crypto::ErrorName(m.error()));
    return;
  }
  switch (m->type) {
    case codec::MonpType::kPrivateCallSetupRequest:
      OnSetup(from, *m);
      break;
    case codec::MonpType::kPrivateCallAccept: {
      if (!setup_ || m->call_id != setup_->call_id || keys_) return;
      if (tfp1_) host_.Cancel(tfp1_);
      tfp1_ = 0;
      auto answer = codec::McpttSdp::Parse(m->sdp);
      if (!answer) {
        if (on_failed) on_failed("bad_sdp_answer");
        return;
      }
      keys_ = pending_;
      setup_s_ = host_.Now() - called_at_;
      if (on_established) on_established(*keys_, from, *answer, true);
      break;
    }
    case codec::MonpType::kPrivateCallReject:
      if (!setup_ || m->call_id != setup_->call_id) return;
      if (tfp1_) host_.Cancel(tfp1_);
      tfp1_ = 0;
      setup_.reset();
      if (on_failed)
        on_failed(m->reason == static_cast<uint8_t>(codec::PrivateCallRejectReason::kE2eSecurityContextFailure)
                      ? "rejected_e2e_security"
                      : "rejected");
      break;
    default:
      break;
  }
}

void PrivateCallEndpoint::OnSetup(const std::string& from, const codec::MonpPrivateCallMessage& m) {
  if (m.callee != cfg_.user_id) return;
  PruneAnswers();
  AnswerKey request{from, m.caller, m.call_id, m.sdp};
  if (auto it = answered_.find(request); it != answered_.end()) {
    Send(from, it->second.wire);  // the caller missed our answer to this very request: repeat it
    return;
  }
  codec::MonpPrivateCallMessage answer;
  answer.call_id = m.call_id;
  answer.caller = m.caller;
  answer.callee = m.callee;
  auto offer = codec::McpttSdp::Parse(m.sdp);
  std::optional<PrivateCallKeys> key;
  std::string why;
  if (!offer || offer->mikey.empty()) {
    why = "no_key_in_offer";
  } else {
    // Every receiver check, the initiator being the caller the request names.
    auto r = ReceivePck(offer->mikey, me_, kms_, m.caller, NtpNow(), 300);
    if (r) key = std::move(r).value();
    else why = crypto::ErrorName(r.error());
  }
  if (key) {
    answer.type = codec::MonpType::kPrivateCallAccept;
    answer.sdp = codec::McpttSdp{cfg_.address, cfg_.media_port, cfg_.floor_port, {}, {}}.Text();
  } else {
    // TS 24.379 table 15.2.8-1: reason 3, E2E security context failure.
    answer.type = codec::MonpType::kPrivateCallReject;
    answer.reason = static_cast<uint8_t>(codec::PrivateCallRejectReason::kE2eSecurityContextFailure);
  }
  const Bytes wire = Encode(answer);
  // Held for the retransmissions of this request only; at most kMaxAnswers, the one that
  // expires first dropped to make room (never the call that is up).
  if (key) EndAnsweredCall();  // the call this accept sets up replaces the previous one
  if (answered_.size() >= kMaxAnswers) {
    auto drop = answered_.end();
    for (auto it = answered_.begin(); it != answered_.end(); ++it)
      if (!it->second.call_up && (drop == answered_.end() || it->second.expires < drop->second.expires)) drop = it;
    if (drop != answered_.end()) answered_.erase(drop);
  }
  answered_[std::move(request)] = Answer{wire, host_.Now() + AnswerHoldS(), key.has_value()};
  // The answer leaves once the checks' crypto is done; the call is established here.
  Send(from, wire);
  if (key) {
    keys_ = std::move(*key);
    if (on_established) on_established(*keys_, from, *offer, false);
  } else if (on_failed) {
    on_failed(why);
  }
}

}  // namespace mcx::procedures
