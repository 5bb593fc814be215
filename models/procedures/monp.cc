#include "monp.h"

#include <sstream>

#include "mcx/crypto/base64.h"
#include "mcx/crypto/wire.h"

namespace mcx::models {

using crypto::Bytes;
using crypto::ByteView;
using crypto::Error;

namespace {

// TS 24.379 LV-E: a 16-bit length, then the bytes.
void PutLvE(Bytes& b, const std::string& s) {
  crypto::AppendU16(b, static_cast<uint16_t>(s.size()));
  crypto::Append(b, ByteView(s));
}

std::string GetLvE(crypto::ByteReader& r) {
  const ByteView v = r.Take(r.U16());
  return std::string(v.begin(), v.end());
}

void PutU40(Bytes& b, uint64_t v) {
  for (int s = 32; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

bool IsPrivateCall(uint8_t t) { return t >= 8 && t <= 13; }

}  // namespace

Bytes Encode(const MonpPrivateCallMessage& m) {
  Bytes b{static_cast<uint8_t>(m.type)};
  crypto::AppendU16(b, m.call_id);
  if (m.type == MonpType::kPrivateCallSetupRequest) {
    b.push_back(m.commencement_mode);
    b.push_back(m.call_type);
  }
  PutLvE(b, m.caller);
  PutLvE(b, m.callee);
  if (m.type == MonpType::kPrivateCallSetupRequest || m.type == MonpType::kPrivateCallAccept) PutLvE(b, m.sdp);
  if (m.type == MonpType::kPrivateCallReject) b.push_back(m.reason);
  return b;
}

crypto::Result<MonpPrivateCallMessage> DecodeMonp(ByteView b) {
  crypto::ByteReader r{b};
  MonpPrivateCallMessage m;
  const uint8_t type = r.U8();
  if (!r.ok()) return Error::kTruncated;
  if (!IsPrivateCall(type)) return Error::kUnsupportedValue;
  m.type = static_cast<MonpType>(type);
  m.call_id = r.U16();
  if (m.type == MonpType::kPrivateCallSetupRequest) {
    m.commencement_mode = r.U8();
    m.call_type = r.U8();
  }
  m.caller = GetLvE(r);
  m.callee = GetLvE(r);
  if (m.type == MonpType::kPrivateCallSetupRequest || m.type == MonpType::kPrivateCallAccept) m.sdp = GetLvE(r);
  if (m.type == MonpType::kPrivateCallReject) m.reason = r.U8();
  MCX_TRY(r.Finish());
  return m;
}

Bytes Encode(const MonpGroupCallMessage& m) {
  Bytes b{static_cast<uint8_t>(m.type)};
  if (m.type == MonpType::kGroupCallProbe) {
    PutLvE(b, m.group_id);
    return b;
  }
  crypto::AppendU16(b, m.call_id);
  b.push_back(m.call_type);
  if (m.type == MonpType::kGroupCallAccept) {
    PutLvE(b, m.group_id);
    PutLvE(b, m.sending_user);
    return b;
  }
  crypto::AppendU16(b, m.refresh_interval_ms);
  PutU40(b, m.call_start_time);
  PutU40(b, m.last_call_type_change_time);
  PutLvE(b, m.group_id);
  PutLvE(b, m.sdp);
  PutLvE(b, m.originating_user);
  PutLvE(b, m.last_user_to_change_call_type);
  if (m.confirm_mode) b.push_back(MonpGroupCallMessage::kConfirmModeIei);
  if (m.probe_response) b.push_back(MonpGroupCallMessage::kProbeResponseIei);
  return b;
}

crypto::Result<MonpGroupCallMessage> DecodeMonpGroupCall(ByteView b) {
  crypto::ByteReader r{b};
  MonpGroupCallMessage m;
  const uint8_t type = r.U8();
  if (!r.ok()) return Error::kTruncated;
  if (type < 1 || type > 3) return Error::kUnsupportedValue;
  m.type = static_cast<MonpType>(type);
  if (m.type == MonpType::kGroupCallProbe) {
    m.group_id = GetLvE(r);
  } else {
    m.call_id = r.U16();
    m.call_type = r.U8();
    if (m.type == MonpType::kGroupCallAccept) {
      m.group_id = GetLvE(r);
      m.sending_user = GetLvE(r);
    } else {
      m.refresh_interval_ms = r.U16();
      m.call_start_time = r.U40();
      m.last_call_type_change_time = r.U40();
      m.group_id = GetLvE(r);
      m.sdp = GetLvE(r);
      m.originating_user = GetLvE(r);
      m.last_user_to_change_call_type = GetLvE(r);
      while (!r.AtEnd()) {  // optional type-1 IEs, each at most once, in order
        const uint8_t iei = r.U8();
        if (iei == MonpGroupCallMessage::kConfirmModeIei && !m.confirm_mode && !m.probe_response) m.confirm_mode = true;
        else if (iei == MonpGroupCallMessage::kProbeResponseIei && !m.probe_response) m.probe_response = true;
        else return Error::kUnsupportedValue;
      }
    }
  }
  MCX_TRY(r.Finish());
  return m;
}

std::string OffnetSdp::Text() const {
  // TS 24.379 11.2.1.1.2: o= and s= are dashes; c= is the sender's unicast address.
  std::ostringstream s;
  s << "v=0\r\no=- 0 0 IN IP4 " << address << "\r\ns=-\r\nc=IN IP4 " << address << "\r\nt=0 0\r\n"
    << "m=audio " << media_port << " RTP/SAVP 96\r\ni=speech\r\na=rtpmap:96 AMR-WB/16000\r\na=rtcp:"
    << media_port + 1 << "\r\n";
  if (!mikey.empty()) s << "a=key-mgmt:mikey " << crypto::Base64Encode(mikey) << "\r\n";
  s << "m=application " << floor_port << " udp MCPTT\r\n";
  return s.str();
}

crypto::Result<OffnetSdp> OffnetSdp::Parse(std::string_view text) {
  OffnetSdp sdp;
  bool haveC = false, haveAudio = false;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto port = [&](const std::string& rest) -> std::optional<uint16_t> {
      try {
        const unsigned long v = std::stoul(rest);
        if (v == 0 || v > 65535) return std::nullopt;
        return static_cast<uint16_t>(v);
      } catch (...) {
        return std::nullopt;
      }
    };
    if (line.rfind("c=IN IP4 ", 0) == 0) {
      sdp.address = line.substr(9);
      haveC = true;
    } else if (line.rfind("m=audio ", 0) == 0) {
      auto p = port(line.substr(8));
      if (!p) return Error::kUnsupportedValue;
      sdp.media_port = *p;
      haveAudio = true;
    } else if (line.rfind("m=application ", 0) == 0) {
      auto p = port(line.substr(14));
      if (!p) return Error::kUnsupportedValue;
      sdp.floor_port = *p;
    } else if (line.rfind("a=key-mgmt:mikey ", 0) == 0) {
      auto raw = crypto::Base64Decode(line.substr(17));
      if (!raw) return Error::kUnsupportedValue;
      sdp.mikey = std::move(raw).value();
    }
  }
  if (!haveC || !haveAudio) return Error::kMissingPayload;
  return sdp;
}

// ---------------------------------------------------------------------------------------------

PrivateCallEndpoint::PrivateCallEndpoint(Config cfg, const crypto::mikey_sakke::LocalIdentity& me,
                                         std::vector<crypto::mikey_sakke::KmsPublicInfo> kms, crypto::Rng& rng,
                                         PrivateCallHooks hooks)
    : cfg_(std::move(cfg)), me_(me), kms_(std::move(kms)), rng_(rng), hooks_(std::move(hooks)) {}

PrivateCallEndpoint::~PrivateCallEndpoint() {
  if (tfp1_) hooks_.timers.cancel(tfp1_);
}

double PrivateCallEndpoint::NtpNow() const {
  return static_cast<double>(crypto::UnixToNtpSeconds(cfg_.unix_start)) + hooks_.timers.now();
}

void PrivateCallEndpoint::Call(const std::string& callee, const std::string& callee_address) {
  namespace ms = crypto::mikey_sakke;
  // A new call: forget the previous one's state.
  if (tfp1_) hooks_.timers.cancel(tfp1_);
  tfp1_ = 0;
  keys_.reset();
  setup_s_.reset();
  called_at_ = hooks_.timers.now();
  peer_address_ = callee_address;
  auto fail = [this](const std::string& why) {
    if (on_failed) on_failed(why);
  };
  auto pck = rng_.Generate(16);
  auto pckId = crypto::NewKeyId(crypto::KeyPurpose::kPck, rng_);
  if (!pck || !pckId) return fail("random_failure");
  // TS 33.180 5.7 (private call): the caller signs an I_MESSAGE carrying a fresh PCK to the callee.
  // Callee and caller share the KMS here (kms_[0]).
  auto created = ms::CreateIMessage(ms::Distribution::kPck, me_, kms_.at(0), callee, kms_.at(0), *pckId, *pck,
                                    ms::SendOptions{}, static_cast<uint64_t>(NtpNow()), rng_);
  if (!created) return fail(crypto::ErrorName(created.error()));
  pending_ = PrivateCallKeys{*pck, *pckId, created->rand};
  OffnetSdp offer{cfg_.address, cfg_.media_port, cfg_.floor_port, created->message};
  MonpPrivateCallMessage m;
  m.type = MonpType::kPrivateCallSetupRequest;
  auto id = rng_.Generate(2);
  m.call_id = id ? static_cast<uint16_t>((*id)[0] << 8 | (*id)[1]) : 1;
  m.caller = cfg_.user_id;
  m.callee = callee;
  m.sdp = offer.Text();
  setup_ = m;
  sent_ = 0;
  CryptoWork w;
  w.Add(CryptoOp::kSakkeEncapsulate);
  w.Add(CryptoOp::kEccsiSign);
  hooks_.work(w, [this]() { SendSetup(); });
}

void PrivateCallEndpoint::SendSetup() {
  if (!setup_ || keys_) return;
  if (sent_ >= cfg_.cfp1) {
    setup_.reset();
    if (on_failed) on_failed("no_answer");
    return;
  }
  ++sent_;
  hooks_.send(peer_address_, Encode(*setup_));
  tfp1_ = hooks_.timers.schedule(cfg_.tfp1_s, [this]() {
    tfp1_ = 0;
    SendSetup();
  });
}

void PrivateCallEndpoint::Receive(const std::string& from, ByteView datagram) {
  auto m = DecodeMonp(datagram);
  if (!m) {
    if (on_failed) on_failed(std::string("monp_") + crypto::ErrorName(m.error()));
    return;
  }
  switch (m->type) {
    case MonpType::kPrivateCallSetupRequest:
      OnSetup(from, *m);
      break;
    case MonpType::kPrivateCallAccept: {
      if (!setup_ || m->call_id != setup_->call_id || keys_) return;
      if (tfp1_) hooks_.timers.cancel(tfp1_);
      tfp1_ = 0;
      auto answer = OffnetSdp::Parse(m->sdp);
      if (!answer) {
        if (on_failed) on_failed("bad_sdp_answer");
        return;
      }
      keys_ = pending_;
      setup_s_ = hooks_.timers.now() - called_at_;
      if (on_established) on_established(*keys_, from, *answer, true);
      break;
    }
    case MonpType::kPrivateCallReject:
      if (!setup_ || m->call_id != setup_->call_id) return;
      if (tfp1_) hooks_.timers.cancel(tfp1_);
      tfp1_ = 0;
      setup_.reset();
      if (on_failed)
        on_failed(m->reason == static_cast<uint8_t>(PrivateCallRejectReason::kE2eSecurityContextFailure)
                      ? "rejected_e2e_security"
                      : "rejected");
      break;
    default:
      break;
  }
}

void PrivateCallEndpoint::OnSetup(const std::string& from, const MonpPrivateCallMessage& m) {
  namespace ms = crypto::mikey_sakke;
  if (m.callee != cfg_.user_id) return;
  if (auto it = answered_.find(m.call_id); it != answered_.end()) {
    hooks_.send(from, it->second);  // the caller missed our answer: repeat it
    return;
  }
  MonpPrivateCallMessage answer;
  answer.call_id = m.call_id;
  answer.caller = m.caller;
  answer.callee = m.callee;
  auto offer = OffnetSdp::Parse(m.sdp);
  std::optional<ms::ReceivedKey> key;
  std::string why;
  if (!offer || offer->mikey.empty()) {
    why = "no_key_in_offer";
  } else {
    ms::ReceiveContext ctx;
    ctx.expected = ms::Distribution::kPck;
    ctx.ntp_now = static_cast<uint64_t>(NtpNow());
    ctx.kms = kms_;
    ctx.max_clock_skew_seconds = 300;
    auto r = ms::ProcessIMessage(offer->mikey, me_, ctx);
    if (r) key = std::move(r).value();
    else why = crypto::ErrorName(r.error());
  }
  if (key) {
    answer.type = MonpType::kPrivateCallAccept;
    answer.sdp = OffnetSdp{cfg_.address, cfg_.media_port, cfg_.floor_port, {}}.Text();
  } else {
    // TS 24.379 table 15.2.8-1: reason 3, E2E security context failure.
    answer.type = MonpType::kPrivateCallReject;
    answer.reason = static_cast<uint8_t>(PrivateCallRejectReason::kE2eSecurityContextFailure);
  }
  const Bytes wire = Encode(answer);
  answered_[m.call_id] = wire;
  CryptoWork w;
  w.Add(CryptoOp::kEccsiVerify);
  if (offer && !offer->mikey.empty()) w.Add(CryptoOp::kSakkeDecapsulate);
  hooks_.work(w, [this, from, wire, key, why, offer]() {
    hooks_.send(from, wire);
    if (key) {
      keys_ = PrivateCallKeys{key->key, key->key_id, key->rand};
      if (on_established) on_established(*keys_, from, *offer, false);
    } else if (on_failed) {
      on_failed(why);
    }
  });
}

}  // namespace mcx::models
