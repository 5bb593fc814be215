// On-network private calls with automatic commencement (TS 24.379 11.1.1) on fake hosts with a
// real KMS: the caller's PCK in a=key-mgmt:mikey through the controlling MCX server, which relays it
// unread; the callee's receiver checks (TS 33.180 5.7) deciding between 200 OK and a refusal that
// names the failed check and reaches the caller; voice under the PCK at both ends; floor control
// through the server; a callee of another KMS domain; BYE from either side; security off.
#include <gtest/gtest.h>

#include "mcx/crypto/base64.h"
#include "mcx/procedures/onnet/info_protection.h"
#include "mcx/procedures/transport/sip_util.h"
#include "mcx/security/call_protection.h"
#include "tests/support/onnet_call_world.h"

using namespace mcx::procedures;
namespace codec = mcx::codec;
namespace security = mcx::security;
using mcx::crypto::Bytes;
using mcx::crypto::ByteView;
using World = mcx::testing::OnnetCallWorld;

namespace {

/// The a=key-mgmt:mikey value of the SDP in a SIP message's text ("" if none).
std::string KeyMgmt(const std::string& sip_text) {
  const std::string tag = "a=key-mgmt:mikey ";
  const auto at = sip_text.find(tag);
  if (at == std::string::npos) return "";
  const auto end = sip_text.find_first_of("\r\n", at);
  return sip_text.substr(at + tag.size(), end - at - tag.size());
}

/// Every INVITE sent, with its Request-URI's user.
std::vector<std::string> Invites(const World& w) {
  std::vector<std::string> out;
  for (const std::string& m : w.sip_wire)
    if (m.rfind("INVITE ", 0) == 0) out.push_back(m);
  return out;
}

// A voice frame from `from` under its private call's PCK; sent if it holds the floor.
bool SpeakProtected(World& w, World::Ue& from, security::CallProtection& p, uint16_t seq) {
  codec::RtpPacket rtp;
  rtp.ssrc = from.client->ssrc();
  rtp.sequence = seq;
  rtp.payload = Bytes(33, static_cast<uint8_t>(seq));
  auto wire = p.ProtectMedia(codec::Encode(rtp));
  EXPECT_TRUE(wire.ok());
  bool sent = false;
  from.host->Dispatch([&] { sent = from.client->SendMedia(*wire); });
  (void)w;
  return sent;
}

/// A UE of the world, provisioned by its KMS.
World::Ue& Provisioned(World& w, const std::string& name) {
  World::Ue& ue = w.Add(name);
  w.Provision(ue);
  return ue;
}

/// `from` calls `to` and the world runs until `until`.
void CallAndRun(World& w, World::Ue& from, World::Ue& to, double until) {
  from.host->Dispatch([&] { from.client->CallPrivate(to.uri); });
  w.Run(until);
}

}  // namespace

TEST(OnnetPrivateCall, TheCalleeTakesThePckThroughTheServerAndTheCallerIsGranted) {
  World w;
  auto& a = Provisioned(w, "alice");
  auto& b = Provisioned(w, "bob");
  a.host->Dispatch([&] { EXPECT_TRUE(a.client->CallPrivate(b.uri)); });
  w.Run(2.0);
  ASSERT_TRUE(a.client->in_call());
  ASSERT_TRUE(b.client->in_call());
  EXPECT_TRUE(a.client->private_call());
  EXPECT_EQ(a.client->group(), b.uri);
  EXPECT_EQ(b.client->group(), a.uri);
  // Both ends hold the same PCK, which only the caller and the callee ever had in the clear.
  ASSERT_NE(a.client->private_keys(), nullptr);
  ASSERT_NE(b.client->private_keys(), nullptr);
  EXPECT_EQ(a.client->private_keys()->pck_id, b.client->private_keys()->pck_id);
  EXPECT_TRUE(a.client->private_keys()->pck == b.client->private_keys()->pck);
  EXPECT_EQ(a.client->private_keys()->rand, b.client->private_keys()->rand);
  // The server's INVITE to the callee carries the caller's I_MESSAGE byte for byte.
  const auto invites = Invites(w);
  ASSERT_EQ(invites.size(), 2u);
  EXPECT_FALSE(KeyMgmt(invites[0]).empty());
  EXPECT_EQ(KeyMgmt(invites[0]), KeyMgmt(invites[1]));
  EXPECT_NE(invites[1].find("<session-type>private</session-type>"), std::string::npos);
  // Who calls whom is encrypted on both hops (TS 33.180 9.3), each under its own client's CSK.
  for (int i : {0, 1}) {
    EXPECT_NE(invites[i].find("<mcptt-request-uri type=\"Encrypted\">"), std::string::npos);
    EXPECT_NE(invites[i].find("<mcptt-calling-user-id type=\"Encrypted\">"), std::string::npos);
    EXPECT_EQ(invites[i].find("<mcpttURI>"), std::string::npos);
  }
  auto to_callee = SipMessage::Parse(ByteView(invites[1]));
  ASSERT_TRUE(to_callee.ok());
  const auto bobs = CskKeyLookup({&b.csk}, b.uri), alices = CskKeyLookup({&a.csk}, a.uri);
  auto info = OpenMcpttInfo(*to_callee, &bobs);
  ASSERT_TRUE(info.ok()) << mcx::crypto::ErrorName(info.error());
  EXPECT_EQ(ParseMcpttInfo(*info)->request_uri, b.uri);
  EXPECT_EQ(ParseMcpttInfo(*info)->calling_user, a.uri);
  EXPECT_FALSE(OpenMcpttInfo(*to_callee, &alices).ok());
  // Automatic commencement with an implicit request: the caller talks, the callee knows it.
  ASSERT_EQ(a.outcomes.size(), 1u);
  EXPECT_EQ(a.outcomes[0].first, FloorOutcome::kGranted);
  EXPECT_EQ(b.client->floor()->talker(), a.uri);
  // Set-up: four one-way trips (INVITE, INVITE, 200 OK, 200 OK) and the crypto on both ends
  // (the caller's encapsulation and signature, the callee's checks and decapsulation).
  ASSERT_TRUE(a.setup_s.has_value());
  EXPECT_GT(*a.setup_s, 4 * w.net.latency);
  EXPECT_EQ(w.server->counters().private_connected, 1u);
  EXPECT_EQ(a.client->counters().private_calls_made, 1u);
  EXPECT_EQ(b.client->counters().private_calls_answered, 1u);
  EXPECT_TRUE(w.server->counters().errors.empty());
  EXPECT_TRUE(a.client->counters().errors.empty());
  EXPECT_TRUE(b.client->counters().errors.empty());
}

TEST(OnnetPrivateCall, VoiceUnderThePckOpensAtTheOtherEndAndTheFloorPassesThroughTheServer) {
  World w;
  auto& a = Provisioned(w, "alice");
  auto& b = Provisioned(w, "bob");
  CallAndRun(w, a, b, 1.0);
  ASSERT_TRUE(b.client->in_call());
  const PrivateCallKeys& ka = *a.client->private_keys();
  const PrivateCallKeys& kb = *b.client->private_keys();
  auto pa = security::CallProtection::ForPrivate(ka.pck.view(), ka.pck_id, ka.rand, /*initiator=*/true);
  auto pb = security::CallProtection::ForPrivate(kb.pck.view(), kb.pck_id, kb.rand, /*initiator=*/false);
  for (uint16_t i = 0; i < 10; ++i) EXPECT_TRUE(SpeakProtected(w, a, pa, i));
  w.Run(1.5);
  ASSERT_EQ(b.media.size(), 10u);
  for (const Bytes& m : b.media) {
    EXPECT_FALSE(codec::DecodeRtp(m).ok() && codec::DecodeRtp(m)->payload.size() == 33) << "voice in the clear";
    EXPECT_TRUE(pb.UnprotectMedia(m).ok());
  }
  // The floor passes to the callee through the server; its voice opens at the caller.
  a.host->Dispatch([&] { a.client->ReleasePtt(); });
  w.Run(2.0);
  b.host->Dispatch([&] { b.client->PressPtt(); });
  w.Run(2.5);
  EXPECT_EQ(b.client->floor()->state(), OnnetFloorState::kHasPermission);
  EXPECT_FALSE(SpeakProtected(w, a, pa, 100));  // no longer a's to send
  for (uint16_t i = 0; i < 5; ++i) EXPECT_TRUE(SpeakProtected(w, b, pb, i));
  w.Run(3.0);
  ASSERT_EQ(a.media.size(), 5u);
  for (const Bytes& m : a.media) EXPECT_TRUE(pa.UnprotectMedia(m).ok());
  // A key of another call does not open it.
  auto other = security::CallProtection::ForPrivate(Bytes(16, 7), ka.pck_id, ka.rand, true);
  EXPECT_FALSE(other.UnprotectMedia(a.media[0]).ok());
}

TEST(OnnetPrivateCall, AKeyMgmtAlteredOnTheWayIsRefusedWithTheCheckThatFailed) {
  World w;
  w.server_cfg.corrupt_key_mgmt = true;  // a compromised server flips one byte of the I_MESSAGE
  auto& a = Provisioned(w, "alice");
  auto& b = Provisioned(w, "bob");
  CallAndRun(w, a, b, 2.0);
  EXPECT_FALSE(a.client->in_call());
  EXPECT_FALSE(b.client->in_call());
  ASSERT_EQ(a.failed.size(), 1u);
  EXPECT_EQ(a.failed[0].first, 488);
  // The callee named the check; the server passed the name on.
  ASSERT_EQ(b.client->counters().errors.size(), 1u);
  const std::string check = b.client->counters().errors.begin()->first;
  EXPECT_EQ(a.failed[0].second, check);
  EXPECT_NE(check, "no_key_in_offer");
  EXPECT_EQ(b.client->counters().calls_refused, 1u);
  EXPECT_EQ(w.server->counters().private_refused, 1u);
  EXPECT_EQ(w.server->CallCount(), 0u);  // nothing of the refused call is left
  EXPECT_EQ(w.server->counters().calls, 0u);
}

TEST(OnnetPrivateCall, AnIMessageSignedByAnotherUserThanTheCallerIsRefused) {
  World w;
  auto& a = w.Add("alice");
  auto& b = w.Add("bob");
  // Alice's device holds (only) Eve's key set: the I_MESSAGE verifies, but its initiator is Eve.
  auto eve = w.Kms().Provision("sip:eve@example.org", security::UnixToNtpSeconds(w.net.start_unix), w.rng);
  ASSERT_TRUE(eve.ok());
  a.keys.PutIdentity(*eve);
  a.keys.PutKms(w.Kms().info());
  w.Provision(b);
  CallAndRun(w, a, b, 2.0);
  EXPECT_FALSE(b.client->in_call());
  ASSERT_EQ(a.failed.size(), 1u);
  EXPECT_EQ(a.failed[0].first, 488);
  EXPECT_EQ(a.failed[0].second, mcx::crypto::ErrorName(mcx::crypto::Error::kSenderNotAuthorised));
}

TEST(OnnetPrivateCall, ACalleeOfAnotherKmsDomainIsReachedThroughItsKmsCertificate) {
  World w;
  auto other = security::Domain::Create("kms.fire.example.net", w.rng);
  ASSERT_TRUE(other.ok());
  w.callee_kms = {{"sip:bob@example.org", other->info().kms_uri}};
  auto& a = w.Add("alice");
  auto& b = w.Add("bob");
  w.Provision(a);
  a.keys.PutKms(other->info());  // KmsCertCache: the external KMS's certificate
  w.Provision(b, &*other);       // bob's key set is from the other KMS; he knows ours too
  CallAndRun(w, a, b, 2.0);
  ASSERT_TRUE(b.client->in_call());
  EXPECT_TRUE(a.client->private_keys()->pck == b.client->private_keys()->pck);
  // Without the external certificate the caller cannot make the I_MESSAGE at all.
  World w2;
  w2.callee_kms = {{"sip:bob@example.org", other->info().kms_uri}};
  auto& a2 = w2.Add("alice");
  w2.Add("bob");
  w2.Provision(a2);
  a2.host->Dispatch([&] { EXPECT_FALSE(a2.client->CallPrivate("sip:bob@example.org")); });
  EXPECT_EQ(a2.client->counters().errors.count("private_callee_kms_unknown"), 1u);
}

TEST(OnnetPrivateCall, TheCalleesBusyAndItsSilenceReachTheCaller) {
  World w;
  auto& a = w.Add("alice");
  auto& b = w.Add("bob");
  auto& c = w.Add("carol");
  for (auto* u : {&a, &b, &c}) w.Provision(*u);
  // Bob is in a call with Carol: Alice's call gets his 486.
  c.host->Dispatch([&] { c.client->CallPrivate(b.uri); });
  w.Run(1.0);
  ASSERT_TRUE(b.client->in_call());
  CallAndRun(w, a, b, 2.0);
  ASSERT_EQ(a.failed.size(), 1u);
  EXPECT_EQ(a.failed[0], (std::pair<int, std::string>{486, "busy"}));
  EXPECT_TRUE(b.client->in_call());  // his call goes on
  EXPECT_EQ(w.server->CallCount(), 1u);
  // Carol's device goes silent (every SIP message to it is lost): Bob's call to her is refused
  // 480 when the server's INVITE times out (Timer B, 64 T1), and nothing of it is left.
  b.host->Dispatch([&] { b.client->Hangup(); });
  w.Run(3.0);
  w.net.drop = [&](const Endpoint&, const Endpoint& to, const std::string& text) {
    w.sip_wire.push_back(text);
    return to.host == c.host->ip();
  };
  b.host->Dispatch([&] { b.client->CallPrivate(c.uri); });
  w.Run(3.0 + 64 * 0.5 + 1.0);
  ASSERT_EQ(b.failed.size(), 1u);
  EXPECT_EQ(b.failed[0], (std::pair<int, std::string>{480, "callee_no_answer"}));
  EXPECT_EQ(w.server->CallCount(), 0u);
}

TEST(OnnetPrivateCall, AReplayedInviteOrOneWithoutItsCallerIsRefusedByTheCallee) {
  World w;
  auto& a = Provisioned(w, "alice");
  auto& b = Provisioned(w, "bob");
  CallAndRun(w, a, b, 1.0);
  ASSERT_TRUE(b.client->in_call());
  b.host->Dispatch([&] { b.client->Hangup(); });
  w.Run(1.5);
  // The server (or whoever holds its messages) sends Bob the same INVITE again, in a new
  // transaction and dialog: its signature and I_MESSAGE verify, but the PCK was used already.
  auto replay = SipMessage::Parse(ByteView(Invites(w)[1]));
  ASSERT_TRUE(replay.ok());
  replay->PopVia();
  replay->AddVia("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKreplay1");
  replay->SetCallId("replayed-call@10.0.0.1");
  std::vector<std::pair<int, std::string>> answers;
  auto send = [&](const SipMessage& m) {
    w.server_host.Dispatch([&] {
      InviteHandlers h;
      h.final = [&](const SipMessage* r) {
        const auto warning = r ? r->Header("Warning") : std::nullopt;
        answers.push_back({r ? r->Status() : 0, r ? WarningOrStatus(warning ? &*warning : nullptr, r->Status()) : ""});
      };
      w.server_host.sip().SendInvite(Endpoint{b.host->ip(), 5060}, m, h);
    });
  };
  send(*replay);
  w.Run(2.0);
  ASSERT_EQ(answers.size(), 1u);
  EXPECT_EQ(answers[0], (std::pair<int, std::string>{488, "pck_replayed"}));
  EXPECT_FALSE(b.client->in_call());
  // A private INVITE that names no caller: there is no one to bind the I_MESSAGE's initiator to.
  SipMessage anonymous = SipMessage::Request("INVITE", b.uri);
  anonymous.SetFrom("<sip:mcx-server@example.org>;tag=s9");
  anonymous.SetTo("<" + b.uri + ">");
  anonymous.SetCallId("anonymous@10.0.0.1");
  anonymous.SetCSeq(1, "INVITE");
  anonymous.SetContact("<sip:mcx@10.0.0.1:5060>");
  anonymous.AddBody(kSdpContentType, *replay->Body(kSdpContentType));
  McpttInfo info;
  info.session_type = "private";
  info.request_uri = b.uri;
  const auto keys = CskSignallingKeys(b.csk, b.uri);
  ASSERT_TRUE(AddMcpttInfo(anonymous, info, &keys, w.server_host.Rng()).ok());
  send(anonymous);
  w.Run(2.5);
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[1], (std::pair<int, std::string>{403, "no_calling_user"}));
}

TEST(OnnetPrivateCall, EitherPartysByeEndsTheCallForBoth) {
  World w;
  auto& a = Provisioned(w, "alice");
  auto& b = Provisioned(w, "bob");
  CallAndRun(w, a, b, 1.0);
  ASSERT_TRUE(a.client->in_call());
  b.host->Dispatch([&] { b.client->Hangup(); });
  w.Run(1.5);
  EXPECT_FALSE(a.client->in_call());
  EXPECT_FALSE(b.client->in_call());
  EXPECT_EQ(a.ended, (std::vector<std::string>{"released"}));
  EXPECT_EQ(b.ended, (std::vector<std::string>{"hangup"}));
  EXPECT_EQ(a.client->private_keys(), nullptr);
  EXPECT_EQ(w.server->counters().calls_ended, 1u);
  // They can call again, with a fresh PCK.
  a.host->Dispatch([&] { EXPECT_TRUE(a.client->CallPrivate(b.uri)); });
  w.Run(2.5);
  ASSERT_TRUE(b.client->in_call());
  EXPECT_EQ(w.server->counters().private_connected, 2u);
}

TEST(OnnetPrivateCall, TheServerRefusesWhatItCanAnswerItself) {
  World w;
  auto& a = w.Add("alice");
  w.Provision(a);
  a.host->Dispatch([&] { a.client->CallPrivate("sip:nobody@example.org"); });
  w.Run(1.0);
  ASSERT_EQ(a.failed.size(), 1u);
  EXPECT_EQ(a.failed[0], (std::pair<int, std::string>{404, "callee_not_registered"}));
  // A client without end-to-end security calling through a server with it: its mcpttinfo is not
  // protected (refused first, TS 33.180 9.3); and, where the server does not ask for XML
  // protection, its offer has no PCK: no call either way.
  w.security_on = false;
  auto& x = w.Add("xavier");
  w.Provision(x);
  x.host->Dispatch([&] { x.client->CallPrivate(a.uri); });
  w.Run(2.0);
  ASSERT_EQ(x.failed.size(), 1u);
  EXPECT_EQ(x.failed[0], (std::pair<int, std::string>{403, "info_missing_payload"}));
  EXPECT_FALSE(a.client->in_call());
  World w2;
  w2.server_cfg.xml_protection = false;
  auto& a2 = w2.Add("alice");
  w2.security_on = false;
  auto& x2 = w2.Add("xavier");
  x2.host->Dispatch([&] { x2.client->CallPrivate(a2.uri); });
  w2.Run(2.0);
  ASSERT_EQ(x2.failed.size(), 1u);
  EXPECT_EQ(x2.failed[0], (std::pair<int, std::string>{488, "no_key_in_offer"}));
}

TEST(OnnetPrivateCall, WithSecurityOffTheSameCallRunsWithoutAKey) {
  World w;
  w.security_on = false;
  auto& a = w.Add("alice");
  auto& b = w.Add("bob");
  CallAndRun(w, a, b, 1.0);
  ASSERT_TRUE(b.client->in_call());
  EXPECT_EQ(a.client->private_keys(), nullptr);
  EXPECT_EQ(b.client->private_keys(), nullptr);
  for (const std::string& inv : Invites(w)) EXPECT_EQ(KeyMgmt(inv), "");
  EXPECT_EQ(a.outcomes.size(), 1u);
  EXPECT_NEAR(*a.setup_s, 4 * w.net.latency, 1e-6);  // no crypto: the trips alone
}
