#include "mcx/procedures/onnet/onnet_call_client.h"

#include <algorithm>

#include "mcx/codec/rtp.h"
#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/onnet/info_protection.h"
#include "mcx/procedures/transport/sip_util.h"

namespace mcx::procedures {

namespace {
constexpr size_t kMaxEarlyFloor = 8;

}  // namespace

OnnetCallClient::OnnetCallClient(Host& host, SipStack& sip, OnnetCallClientConfig cfg, const security::KeyStore& keys)
    : host_(host), sip_(sip), cfg_(std::move(cfg)), keys_(keys) {
  cfg_.floor.user_id = cfg_.user_uri;
  if (cfg_.floor.ssrc == 0) cfg_.floor.ssrc = DrawSsrc(host_);
  pck_replays_ = PckReplayCache(2.0 * static_cast<double>(cfg_.max_clock_skew_s));
}

OnnetCallClient::~OnnetCallClient() {
  on_call_ended = nullptr;
  on_floor_outcome = nullptr;
  floor_.reset();
}

codec::McpttSdp OnnetCallClient::OurSdp(bool implicit_request) const {
  codec::McpttSdp sdp;
  sdp.address = host_.SipSelf().host;
  sdp.media_port = cfg_.media_port;
  sdp.floor_port = cfg_.floor_port;
  sdp.floor.queueing = cfg_.queueing;
  sdp.floor.priority = cfg_.floor.priority;
  sdp.floor.granted = implicit_request;  // we take a floor granted in the answer
  sdp.floor.implicit_request = implicit_request;
  return sdp;
}

const security::StoredKey* OnnetCallClient::LatestCsk() const {
  const auto csks = keys_.Keys(security::KeyPurpose::kCsk);
  return csks.empty() ? nullptr : csks.back();  // the highest CSK-ID, as the server picks
}

// ---- our call ----

bool OnnetCallClient::CallGroup(const std::string& group, bool emergency, bool broadcast) {
  McpttInfo info;
  info.session_type = "prearranged";
  info.request_uri = group;
  info.calling_user = cfg_.user_uri;
  info.emergency = emergency;
  info.broadcast = broadcast;
  return Dial(info, OurSdp(true), std::nullopt);
}

std::pair<std::shared_ptr<const security::mikey_sakke::LocalIdentity>, const security::mikey_sakke::KmsPublicInfo*>
OnnetCallClient::OwnIdentity(uint64_t ntp_now) const {
  for (const auto& kms : keys_.KmsCertificates())
    if (auto id = keys_.IdentityAt(kms, ntp_now)) return {id, &kms};
  return {nullptr, nullptr};
}

bool OnnetCallClient::CallPrivate(const std::string& callee, bool emergency) {
  namespace ms = security::mikey_sakke;
  if (floor_ || setting_up_) return false;
  codec::McpttSdp offer = OurSdp(true);
  std::optional<PrivateCallKeys> keys;
  if (cfg_.security) {
    // TS 33.180 5.7 (private call): a fresh PCK, signed by us and encrypted to the callee under
    // the callee's KMS (ours, or the one configured for a user of another domain).
    const uint64_t ntp_now = security::UnixToNtpSeconds(host_.UnixTime());
    auto [me, my_kms] = OwnIdentity(ntp_now);
    if (!me) return Fail("private_no_identity"), false;
    auto kms_uri = cfg_.callee_kms.find(callee);
    const ms::KmsPublicInfo* callee_kms = my_kms;
    if (kms_uri != cfg_.callee_kms.end()) {
      callee_kms = nullptr;
      for (const auto& k : keys_.KmsCertificates())
        if (k.kms_uri == kms_uri->second) callee_kms = &k;
    }
    if (!callee_kms) return Fail("private_callee_kms_unknown"), false;
    auto made = MakePck(*me, *my_kms, callee, *callee_kms, ntp_now, host_.Rng());
    if (!made) return Fail(std::string("private_") + crypto::ErrorName(made.error())), false;
    keys = std::move(made->keys);
    offer.mikey = std::move(made->i_message);
  }
  McpttInfo info;
  info.session_type = "private";
  info.request_uri = callee;
  info.calling_user = cfg_.user_uri;
  info.emergency = emergency;
  ++counters_.private_calls_made;
  return Dial(info, offer, std::move(keys));
}

std::variant<PrivateCallKeys, std::string> OnnetCallClient::AcceptPck(const codec::McpttSdp& offer,
                                                                       const std::string& caller) {
  if (offer.mikey.empty()) return std::string("no_key_in_offer");
  const uint64_t ntp_now = security::UnixToNtpSeconds(host_.UnixTime());
  auto [me, my_kms] = OwnIdentity(ntp_now);
  if (!me) return std::string("no_identity");
  // The initiator must be the calling user the server vouches for (its mcptt-calling-user-id).
  auto r = ReceivePck(offer.mikey, *me, keys_.KmsCertificates(), caller, ntp_now, cfg_.max_clock_skew_s);
  if (!r) return std::string(crypto::ErrorName(r.error()));
  // A PCK accepted before, within the timestamp window: a replayed INVITE (a server resending
  // an old call, and with it the caller's recorded voice).
  if (pck_replays_.Seen(r->pck_id, r->rand, host_.Now())) return std::string("pck_replayed");
  return std::move(r).value();
}

bool OnnetCallClient::Dial(const McpttInfo& info, const codec::McpttSdp& offer, std::optional<PrivateCallKeys> keys) {
  if (floor_ || setting_up_) return false;
  const double pressed_at = host_.Now();
  SipMessage inv = SipMessage::Request("INVITE", cfg_.psi);
  inv.SetFrom("<" + cfg_.user_uri + ">;tag=" + sip_.NewToken());
  inv.SetTo("<" + cfg_.psi + ">");
  inv.SetCallId(sip_.NewToken() + "@" + host_.SipSelf().host);
  inv.SetCSeq(1, "INVITE");
  inv.SetContact("<" + cfg_.user_uri.substr(0, cfg_.user_uri.find('@')) + "@" + host_.SipSelf().ToString() + ">");
  // TS 24.379 6.5: the SDP first, then the mcpttinfo, XML-protected under our CSK (TS 33.180 9.3).
  inv.AddBody(kSdpContentType, crypto::ByteView(offer.Text()));
  std::optional<security::xmlsec::SignallingKeys> info_keys;
  if (ProtectInfo()) {
    const security::StoredKey* csk = LatestCsk();
    if (!csk) return Fail("no_csk"), false;
    info_keys = CskSignallingKeys(*csk, cfg_.user_uri);
  }
  if (crypto::Status st = AddMcpttInfo(inv, info, info_keys ? &*info_keys : nullptr, host_.Rng()); !st.ok())
    return Fail("info_" + std::string(crypto::ErrorName(st.error()))), false;
  counters_.invite_bytes += inv.Serialize().size();
  setting_up_ = true;
  const std::string group = info.request_uri;
  const bool emergency = info.emergency, broadcast = info.broadcast, is_private = info.session_type == "private";
  group_ = group;
  ++counters_.calls_made;
  InviteHandlers h;
  dialing_keys_ = std::move(keys);  // ours once the call is up; wiped when it fails
  h.final = [this, inv, group, emergency, broadcast, pressed_at, is_private](const SipMessage* r) {
    setting_up_ = false;
    std::optional<PrivateCallKeys> keys = std::move(dialing_keys_);
    dialing_keys_.reset();
    if (!r || r->Status() >= 300) {
      early_floor_.clear();
      group_.clear();
      release_on_start_ = false;
      std::string why;
      if (r)
        if (auto w = r->Header("Warning")) why = WarningOrStatus(&*w, r->Status());
      Fail(r ? "call_" + std::to_string(r->Status()) : "call_timeout");
      if (on_call_failed) on_call_failed(r ? r->Status() : 0, why);
      return;
    }
    auto dialog = SipDialog::AsCaller(inv, *r);
    const auto body = r->Body(kSdpContentType);
    auto answer = body ? codec::McpttSdp::Parse(std::string(body->begin(), body->end()))
                       : crypto::Result<codec::McpttSdp>(crypto::Error::kMissingPayload);
    if (!dialog) {  // a 2xx we cannot answer (no To tag or Contact): the call failed
      early_floor_.clear();
      group_.clear();
      release_on_start_ = false;
      Fail("no_dialog");
      if (on_call_failed) on_call_failed(r->Status(), "no_dialog");
      return;
    }
    sip_.SendAck(dialog->peer(), dialog->Ack(1));
    dialog_ = std::move(dialog);
    if (!answer || !Begin(group, *answer, emergency, broadcast)) {
      if (!answer) Fail("bad_sdp_answer");
      sip_.SendRequest(dialog_->peer(), dialog_->Request("BYE"), [](const SipMessage*) {});
      dialog_.reset();
      group_.clear();
      release_on_start_ = false;
      return;
    }
    private_call_ = is_private;
    private_keys_ = std::move(keys);
    // The call is up before the floor starts: whoever hears of it prepares its media keys first.
    if (on_call_started) on_call_started(group, host_.Now() - pressed_at);
    // TS 24.380 6.2.4.1: mc_granted in the answer: the floor is ours; else T101 runs for the
    // implicit request until Floor Granted comes.
    StartFloor(answer->floor.granted ? FloorStart::kGrantedInAnswer : FloorStart::kImplicitRequest, pressed_at);
    if (release_on_start_ && floor_) {  // the user let go while the call was being set up
      release_on_start_ = false;
      floor_->ReleasePtt();
    }
  };
  h.retransmitted_2xx = [this](const SipMessage&) {
    if (dialog_) sip_.SendAck(dialog_->peer(), dialog_->Ack(1));
  };
  sip_.SendInvite(cfg_.server_sip, inv, h);
  return true;
}

bool OnnetCallClient::Begin(const std::string& group, const codec::McpttSdp& server_sdp, bool emergency,
                            bool broadcast) {
  if (cfg_.security) {
    const security::StoredKey* latest = LatestCsk();
    if (!latest) {
      Fail("no_csk");
      return false;
    }
    const security::StoredKey& csk = *latest;
    auto& context = csk_contexts_[csk.key_id];
    if (!context) {
      auto protection = security::ControlProtection::ForCsk(csk);
      if (!protection) {
        csk_contexts_.erase(csk.key_id);
        Fail("no_csk");
        return false;
      }
      context = std::make_unique<security::ControlProtection>(std::move(protection).value());
    }
    csk_ = context.get();
  }
  group_ = group;
  server_floor_ = Endpoint{server_sdp.address, server_sdp.floor_port};
  server_media_ = Endpoint{server_sdp.address, server_sdp.media_port};
  OnnetFloorConfig fc = cfg_.floor;
  fc.indicator = codec::CallIndicator(emergency, broadcast);
  OnnetFloorHooks hooks;
  hooks.send = [this](const codec::FloorMessage& m) { SendFloor(m); };
  floor_ = std::make_unique<OnnetFloorParticipant>(fc, host_, hooks);
  floor_->on_outcome = [this](FloorOutcome o, double s) {
    if (on_floor_outcome) on_floor_outcome(o, s);
  };
  return true;
}

void OnnetCallClient::StartFloor(FloorStart how, std::optional<double> pressed_at) {
  floor_->Start(how, pressed_at);
  // Floor messages that overtook the 200 OK (psc-ns3 keeps and replays them the same way).
  std::vector<crypto::Bytes> early = std::move(early_floor_);
  early_floor_.clear();
  for (const crypto::Bytes& d : early) OnFloorDatagram(server_floor_, d);
}

void OnnetCallClient::Hangup() {
  if (!floor_ || !dialog_) return;
  sip_.SendRequest(dialog_->peer(), dialog_->Request("BYE"), [](const SipMessage*) {});
  End("hangup");
}

void OnnetCallClient::End(const std::string& why) {
  if (floor_) floor_->Stop();
  floor_.reset();
  csk_ = nullptr;
  dialog_.reset();
  private_call_ = false;
  private_keys_.reset();
  early_floor_.clear();
  const std::string group = group_;
  group_.clear();
  ++counters_.calls_ended;
  if (on_call_ended) on_call_ended(group, why);
}

// ---- the server's requests ----

bool OnnetCallClient::OnSipRequest(const Endpoint& from, const SipMessage& req) {
  const std::string method = req.Method();
  if (method == "INVITE") {
    // TS 24.379 10.1.1.2.x (terminating, automatic commencement): answered at once.
    auto refuse = [&](int status, const char* reason, const std::string& why) {
      ++counters_.calls_refused;
      Fail(why);
      sip_.SendResponse(from, Refusal(status, reason, req, why, sip_.NewToken()));
      return true;
    };
    // Only our server may pull us into a call (checked first: a stranger's INVITE costs nothing).
    if (from.host != cfg_.server_sip.host) return refuse(403, "Forbidden", "not_our_server");
    // TS 33.180 9.3: the server's mcpttinfo is signed and its identities encrypted under our CSK.
    std::optional<security::xmlsec::KeyLookup> info_keys;
    if (ProtectInfo()) info_keys = CskKeyLookup(keys_.Keys(security::KeyPurpose::kCsk), cfg_.user_uri);
    auto read = ReadGroupCallOffer(req, info_keys ? &*info_keys : nullptr);
    if (auto* why = std::get_if<std::string>(&read)) {
      const auto [status, reason] = OfferRefusal(*why);
      return refuse(status, reason, *why);
    }
    const codec::McpttSdp* offer = &std::get<GroupCallOffer>(read).sdp;
    const McpttInfo* info = &std::get<GroupCallOffer>(read).info;
    // Only for one of our groups, or to us.
    const bool is_private = info->session_type == "private";
    if (is_private && info->request_uri != cfg_.user_uri) return refuse(403, "Forbidden", "not_for_us");
    if (!is_private && !cfg_.groups.empty() &&
        std::find(cfg_.groups.begin(), cfg_.groups.end(), info->request_uri) == cfg_.groups.end())
      return refuse(403, "Forbidden", "not_our_group");
    if (floor_ || setting_up_) return refuse(486, "Busy Here", "busy");
    // A private call names its caller: the party shown to the user and the MIKEY initiator.
    if (is_private && info->calling_user.empty()) return refuse(403, "Forbidden", "no_calling_user");
    std::optional<PrivateCallKeys> keys;
    if (is_private && cfg_.security) {  // TS 24.379 11.1.1.2.2: the E2E context before answering
      auto accepted = AcceptPck(*offer, info->calling_user);
      if (auto* why = std::get_if<std::string>(&accepted)) return refuse(488, "Not Acceptable Here", *why);
      keys = std::move(std::get<PrivateCallKeys>(accepted));
    }
    codec::FloorFmtp ours;
    ours.queueing = cfg_.queueing;
    ours.priority = cfg_.floor.priority;
    codec::McpttSdp answer = OurSdp(false);
    answer.floor = codec::FloorAnswer(offer->floor, ours, false);
    SipMessage ok = SipMessage::Response(200, "OK", req, sip_.NewToken());
    ok.SetContact("<" + cfg_.user_uri.substr(0, cfg_.user_uri.find('@')) + "@" + host_.SipSelf().ToString() + ">");
    ok.AddBody(kSdpContentType, crypto::ByteView(answer.Text()));
    auto dialog = SipDialog::AsCallee(req, ok);
    if (!dialog) return refuse(400, "Bad Request", "no_dialog");
    if (!Begin(is_private ? info->calling_user : info->request_uri, *offer, info->emergency, info->broadcast))
      return refuse(403, "Forbidden", "no_csk");
    dialog_ = std::move(dialog);
    private_call_ = is_private;
    private_keys_ = std::move(keys);
    sip_.SendResponse(from, ok);
    ++counters_.calls_answered;
    if (is_private) ++counters_.private_calls_answered;
    if (on_call_started) on_call_started(group_, std::nullopt);
    StartFloor(FloorStart::kNoRequest, std::nullopt);
    return true;
  }
  if ((method == "BYE" || method == "ACK") && dialog_ && dialog_->Owns(req)) {
    if (method == "ACK") return true;
    if (!dialog_->TakeRemoteCSeq(req)) {
      sip_.SendResponse(from, SipMessage::Response(500, "Server Internal Error", req));
      return true;
    }
    sip_.SendResponse(from, SipMessage::Response(200, "OK", req));
    End("released");
    return true;
  }
  return false;
}

// ---- floor control and media ----

void OnnetCallClient::SendFloor(const codec::FloorMessage& m) {
  auto p = security::FloorToWire(csk_, m);  // TS 24.380 13.1: SRTCP under our CSK (security on)
  if (!p) return Fail("floor_protect_" + std::string(crypto::ErrorName(p.error())));
  ++counters_.floor_sent;
  counters_.floor_bytes_plain += p->sizes.plain;
  counters_.floor_bytes_wire += p->sizes.wire;
  if (on_floor_sent) on_floor_sent(m, p->sizes.plain, p->sizes.wire);
  host_.SendDatagram(cfg_.floor_port, server_floor_, std::move(p->wire));
}

void OnnetCallClient::OnFloorDatagram(const Endpoint& from, crypto::ByteView data) {
  if (!floor_) {
    // Between our INVITE and its 200 OK, the server's first floor messages may arrive first.
    if (setting_up_ && from.host == cfg_.server_sip.host && early_floor_.size() < kMaxEarlyFloor)
      early_floor_.emplace_back(data.begin(), data.end());
    else
      Fail("floor_outside_call");
    return;
  }
  if (!(from == server_floor_)) return Fail("floor_unknown_sender");
  auto m = security::FloorFromWire(csk_, data);
  if (!m) return Fail("floor_" + std::string(crypto::ErrorName(m.error())));
  ++counters_.floor_received;
  floor_->Receive(*m);
}

bool OnnetCallClient::SendMedia(crypto::Bytes packet) {
  if (!floor_ || !floor_->may_send_media()) return false;
  ++counters_.media_sent;
  host_.SendDatagram(cfg_.media_port, server_media_, std::move(packet));
  return true;
}

void OnnetCallClient::OnMediaDatagram(const Endpoint& from, crypto::ByteView data) {
  if (!floor_ || !(from == server_media_)) return Fail("media_outside_call");
  auto rtp = codec::DecodeRtp(data);
  if (!rtp) return Fail("media_not_rtp");
  ++counters_.media_received;
  floor_->MediaReceived(rtp->ssrc);
  if (on_media) on_media(data);
}

void OnnetCallClient::PressPtt(bool emergency) {
  if (floor_) floor_->PressPtt(emergency);
}

void OnnetCallClient::ReleasePtt() {
  if (floor_)
    floor_->ReleasePtt();
  else if (setting_up_)
    release_on_start_ = true;
}

}  // namespace mcx::procedures
