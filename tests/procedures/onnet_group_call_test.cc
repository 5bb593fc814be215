// On-network pre-arranged group calls (TS 24.379 10.1.1) on fake hosts: the originator's INVITE
// through the controlling MCX server, the members invited, floor control between each client and
// the server as SRTCP under that client's CSK (TS 24.380 13.1), the talker's media relayed,
// late entry, leaving, and the call released after T4. Every floor datagram on the wire is
// checked: it must not read as a plain floor message and must open under its client's CSK.
#include <cstdlib>
#include <fstream>
#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "mcx/codec/rtp.h"
#include "mcx/procedures/onnet/group_call_server.h"
#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/onnet/onnet_call_client.h"
#include "mcx/security/identity.h"
#include "tests/support/fake_network.h"
#include "tests/support/onnet_call_world.h"
#include "tests/support/pcap_writer.h"

using namespace mcx::procedures;
namespace codec = mcx::codec;
namespace security = mcx::security;
using mcx::crypto::Bytes;
using mcx::crypto::ByteView;

namespace {

using World = mcx::testing::OnnetCallWorld;
using mcx::testing::kGroup;

}  // namespace

TEST(OnnetGroupCall, TheOriginatorIsGrantedTheFloorAndEveryMemberIsInvited) {
  World w;
  auto& a = w.Add("alice");
  auto& b = w.Add("bob");
  auto& c = w.Add("carol");
  a.host->Dispatch([&] { EXPECT_TRUE(a.client->CallGroup(kGroup)); });
  w.Run(2.0);
  for (auto* u : {&a, &b, &c}) EXPECT_TRUE(u->client->in_call()) << u->uri;
  EXPECT_EQ(w.server->Participants(kGroup).size(), 3u);
  ASSERT_TRUE(a.setup_s.has_value());
  EXPECT_NEAR(*a.setup_s, 2 * w.net.latency, 1e-6);  // INVITE there, 200 OK back (100 Trying aside)
  ASSERT_EQ(a.outcomes.size(), 1u);
  EXPECT_EQ(a.outcomes[0].first, FloorOutcome::kGranted);
  EXPECT_EQ(a.client->floor()->state(), OnnetFloorState::kHasPermission);  // mc_granted in the answer
  for (auto* u : {&b, &c}) {
    EXPECT_EQ(u->client->floor()->state(), OnnetFloorState::kHasNoPermission);
    EXPECT_EQ(u->client->floor()->talker(), a.uri);  // late entry's Floor Taken
    EXPECT_EQ(u->started, 1);
  }
  EXPECT_EQ(w.server->counters().invites_sent, 2u);
  EXPECT_EQ(w.server->counters().invites_answered, 2u);
  EXPECT_TRUE(w.server->counters().errors.empty());
}

TEST(OnnetGroupCall, EveryFloorMessageOnTheWireIsSrtcpThatOpensOnlyUnderItsClientsCsk) {
  World w;
  auto& a = w.Add("alice");
  auto& b = w.Add("bob");
  a.host->Dispatch([&] { a.client->CallGroup(kGroup); });
  w.Talk(a, 0.1, 1.0);
  w.Run(1.0);
  a.host->Dispatch([&] { a.client->ReleasePtt(); });
  w.Run(1.5);
  b.host->Dispatch([&] { b.client->PressPtt(); });
  w.Run(2.0);
  ASSERT_GE(w.floor_wire.size(), 5u);
  for (const auto& [user, wire] : w.floor_wire) {
    EXPECT_FALSE(codec::Decode(wire).ok()) << "a floor message in the clear";
    EXPECT_GE(wire.size(), codec::Encode(codec::FloorRelease(1)).size() + 24);  // tag, index, MKI
    // It opens under its client's CSK (a fresh receiver: no replay state) and not the other's.
    const security::StoredKey& own = user == a.uri ? a.csk : b.csk;
    const security::StoredKey& other = user == a.uri ? b.csk : a.csk;
    EXPECT_TRUE(security::ControlProtection::ForCsk(own)->Unprotect(wire).ok());
    EXPECT_FALSE(security::ControlProtection::ForCsk(other)->Unprotect(wire).ok());
  }
  EXPECT_EQ(b.client->floor()->state(), OnnetFloorState::kHasPermission);
  EXPECT_GT(w.server->counters().floor_bytes_wire, w.server->counters().floor_bytes_plain);
  EXPECT_EQ(w.server->counters().floor_bytes_wire - w.server->counters().floor_bytes_plain,
            24 * w.server->counters().floor_sent);  // 16-byte tag, 4-byte index, 4-byte CSK-ID MKI
}

TEST(OnnetGroupCall, TheTalkersMediaIsRelayedAndAnotherMembersIsNot) {
  World w;
  auto& a = w.Add("alice");
  auto& b = w.Add("bob");
  auto& c = w.Add("carol");
  a.host->Dispatch([&] { a.client->CallGroup(kGroup); });
  w.Run(0.5);
  w.Talk(a, 0.5, 1.5);  // 50 packets
  w.Run(2.0);
  EXPECT_EQ(b.media.size(), 50u);
  EXPECT_EQ(c.media.size(), 50u);
  EXPECT_FALSE(w.Speak(b, 1));  // b may not send
  EXPECT_EQ(w.server->counters().media_relayed, 100u);
  // A client that sends anyway (a broken one) is not relayed, and is revoked (#3).
  w.server_host.Dispatch([&] { w.server->OnMediaDatagram(Endpoint{b.host->ip(), 49151}, codec::Encode(codec::RtpPacket{})); });
  EXPECT_EQ(w.server->counters().media_dropped, 1u);
  EXPECT_EQ(w.server->Floor(kGroup)->participant_state(b.uri), TowardsParticipantState::kNotPermittedSendsMedia);
}

TEST(OnnetGroupCall, TheFloorPassesOnAReleaseAndRequestsAreQueued) {
  World w;
  auto& a = w.Add("alice");
  auto& b = w.Add("bob");
  auto& c = w.Add("carol");
  a.host->Dispatch([&] { a.client->CallGroup(kGroup); });
  w.Talk(a, 0.1, 3.0);
  w.Run(1.0);
  b.host->Dispatch([&] { b.client->PressPtt(); });
  w.Run(1.5);
  EXPECT_EQ(b.client->floor()->state(), OnnetFloorState::kQueued);
  w.Run(3.0);
  a.host->Dispatch([&] { a.client->ReleasePtt(); });
  w.Run(3.5);
  EXPECT_EQ(b.client->floor()->state(), OnnetFloorState::kHasPermission);
  ASSERT_EQ(b.outcomes.size(), 1u);
  EXPECT_EQ(b.outcomes[0].first, FloorOutcome::kGrantedAfterQueue);
  EXPECT_EQ(c.client->floor()->talker(), b.uri);
}

TEST(OnnetGroupCall, ALateEntrantIsInvitedAndHearsTheCurrentTalker) {
  World w;
  auto& a = w.Add("alice");
  w.Add("bob");
  a.host->Dispatch([&] { a.client->CallGroup(kGroup); });
  w.Talk(a, 0.1, 5.0);
  w.Run(2.0);
  auto& late = w.Add("dave");  // affiliates now
  w.server_host.Dispatch([&] { w.server->OnAffiliated(late.uri, kGroup); });
  // INVITE there, 200 OK back, then Floor Taken: three one-way trips.
  w.Run(2.0 + 3 * w.net.latency - 1e-6);
  EXPECT_TRUE(late.client->floor() == nullptr || late.client->floor()->talker().empty());
  w.Run(2.0 + 3 * w.net.latency + 1e-6);
  ASSERT_TRUE(late.client->in_call());
  EXPECT_EQ(late.client->floor()->talker(), a.uri);
  w.Run(2.5);
  EXPECT_TRUE(late.client->in_call());
  EXPECT_EQ(late.client->floor()->talker(), a.uri);
  EXPECT_FALSE(late.media.empty());
  EXPECT_EQ(w.server->counters().late_entries, 1u);
}

TEST(OnnetGroupCall, AMemberLeavesWithByeAndAnIdleFloorEndsTheCallAfterT4) {
  World w;
  auto& a = w.Add("alice");
  auto& b = w.Add("bob");
  auto& c = w.Add("carol");
  a.host->Dispatch([&] { a.client->CallGroup(kGroup); });
  w.Talk(a, 0.1, 1.0);
  w.Run(1.0);
  a.host->Dispatch([&] { a.client->ReleasePtt(); });
  b.host->Dispatch([&] { b.client->Hangup(); });
  w.Run(2.0);
  EXPECT_FALSE(b.client->in_call());
  EXPECT_EQ(w.server->Participants(kGroup).size(), 2u);
  EXPECT_TRUE(w.server->InCall(kGroup));
  w.Run(1.1 + 30.5);  // T4 = 30 s after the floor went idle
  EXPECT_FALSE(w.server->InCall(kGroup));
  for (auto* u : {&a, &c}) {
    EXPECT_FALSE(u->client->in_call());
    EXPECT_EQ(u->ended, (std::vector<std::string>{"released"}));
  }
  EXPECT_EQ(w.server->counters().calls_ended, 1u);
}

TEST(OnnetGroupCall, ACallIsRefusedToANonMemberAndToAClientWithoutACskAtTheServer) {
  World w;
  auto& a = w.Add("alice");
  auto& x = w.Add("mallory", /*csk_at_server=*/false);
  w.affiliations[a.uri] = {"sip:other@example.org"};
  a.host->Dispatch([&] { a.client->CallGroup(kGroup); });
  x.host->Dispatch([&] { x.client->CallGroup(kGroup); });
  w.Run(1.0);
  ASSERT_EQ(a.failed.size(), 1u);
  EXPECT_EQ(a.failed[0].first, 403);
  EXPECT_NE(a.failed[0].second.find("not_affiliated"), std::string::npos);
  ASSERT_EQ(x.failed.size(), 1u);
  EXPECT_NE(x.failed[0].second.find("no_csk"), std::string::npos);
  EXPECT_FALSE(w.server->InCall(kGroup));
}

TEST(OnnetGroupCall, ATamperedFloorMessageIsRefusedWithItsNamedErrorAndT101RecoversIt) {
  World w;
  auto& a = w.Add("alice");
  auto& b = w.Add("bob");
  a.host->Dispatch([&] { a.client->CallGroup(kGroup); });
  w.Talk(a, 0.1, 0.9);
  w.Run(1.0);
  a.host->Dispatch([&] { a.client->ReleasePtt(); });
  w.Run(1.5);
  w.tamper_next_floor_to_server = true;
  b.host->Dispatch([&] { b.client->PressPtt(); });  // its Floor Request is changed on the way
  w.Run(2.0);
  EXPECT_EQ(w.server->counters().errors.at("floor_authentication_failed"), 1u);
  EXPECT_EQ(b.client->floor()->state(), OnnetFloorState::kPendingRequest);
  w.Run(3.0);  // T101 sent it again
  EXPECT_EQ(b.client->floor()->state(), OnnetFloorState::kHasPermission);
  EXPECT_NEAR(b.outcomes.at(0).second, 1.0 + 2 * w.net.latency, 1e-6);
}

TEST(OnnetGroupCall, WithSecurityOffTheSameCallFlowRunsOnPlainRtcp) {
  World w;
  w.security_on = false;
  auto& a = w.Add("alice", /*csk_at_server=*/false);
  auto& b = w.Add("bob", false);
  a.host->Dispatch([&] { a.client->CallGroup(kGroup); });
  w.Talk(a, 0.1, 1.0);
  w.Run(1.0);
  a.host->Dispatch([&] { a.client->ReleasePtt(); });
  b.host->Dispatch([&] { b.client->PressPtt(); });
  w.Run(2.0);
  EXPECT_EQ(b.client->floor()->state(), OnnetFloorState::kHasPermission);
  for (const auto& [user, wire] : w.floor_wire) EXPECT_TRUE(codec::Decode(wire).ok());
  EXPECT_EQ(w.server->counters().floor_bytes_wire, w.server->counters().floor_bytes_plain);
}

// Found by the group_call fuzz target: a member calling the group while the server's INVITE to it
// was on its way joined by its own INVITE, then the server's INVITE failed (486, busy) and the
// server dropped the member's connected leg but not its floor participant.
TEST(OnnetGroupCall, TwoMembersCallingAtOnceBothEndUpInOneCall) {
  World w;
  auto& a = w.Add("alice");
  auto& b = w.Add("bob");
  auto& c = w.Add("carol");
  a.host->Dispatch([&] { a.client->CallGroup(kGroup); });
  b.host->Dispatch([&] { b.client->CallGroup(kGroup); });
  w.Talk(a, 0.1, 1.0);
  w.Run(2.0);
  const auto in_call = w.server->Participants(kGroup);
  EXPECT_EQ(in_call.size(), 3u);
  for (auto* u : {&a, &b, &c}) {
    EXPECT_TRUE(u->client->in_call()) << u->uri;
    EXPECT_NE(w.server->Floor(kGroup)->participant_state(u->uri), TowardsParticipantState::kStartStop) << u->uri;
  }
  EXPECT_FALSE(b.media.empty());
  EXPECT_EQ(w.server->counters().late_entries, 1u);  // bob joined a running call by its own INVITE
  EXPECT_EQ(w.server->counters().invites_failed, 1u);  // the server's INVITE found bob busy
}

TEST(OnnetGroupCall, AClientTakesCallsOnlyFromItsServerAndForItsGroups) {
  World w;
  auto& a = w.Add("alice");
  auto& b = w.Add("bob");
  // An INVITE as the server would send it, from elsewhere: refused, no call.
  auto& stranger = w.net.Add("10.0.9.9", 99);
  SipMessage inv = SipMessage::Request("INVITE", b.uri);
  inv.SetFrom("<sip:mcx-server@example.org>;tag=s1");
  inv.SetTo("<" + b.uri + ">");
  inv.SetCallId("stranger-1");
  inv.SetCSeq(1, "INVITE");
  inv.SetContact("<sip:x@10.0.9.9:5060>");
  mcx::codec::McpttSdp sdp;
  sdp.address = "10.0.9.9";
  sdp.media_port = 40000;
  sdp.floor_port = 40002;
  inv.AddBody(kSdpContentType, ByteView(sdp.Text()));
  McpttInfo info;
  info.session_type = "prearranged";
  info.request_uri = kGroup;
  inv.AddBody(kMcpttInfoContentType, ByteView(BuildMcpttInfo(info)));
  std::vector<int> answers;
  stranger.Dispatch([&] {
    InviteHandlers h;
    h.final = [&](const SipMessage* r) { answers.push_back(r ? r->Status() : 0); };
    stranger.sip().SendInvite(Endpoint{b.host->ip(), 5060}, inv, h);
  });
  w.Run(1.0);
  EXPECT_EQ(answers, (std::vector<int>{403}));
  EXPECT_FALSE(b.client->in_call());
  EXPECT_EQ(b.client->counters().errors.at("not_our_server"), 1u);
  (void)a;
}

// Wireshark (tshark from Debian) reads the originator's INVITE: a SIP INVITE whose multipart body
// holds the SDP with the voice line and the MCPTT floor-control line, and the mcpttinfo.
TEST(OnnetGroupCall, TsharkReadsOurInviteWithItsSdpAndMcpttInfo) {
  ASSERT_EQ(std::system("command -v tshark >/dev/null 2>&1"), 0) << "tshark is not installed (scripts/mcx installs it)";
  World w;
  auto& a = w.Add("alice");
  w.Add("bob");
  a.host->Dispatch([&] { a.client->CallGroup(kGroup); });
  w.Run(1.0);
  ASSERT_FALSE(w.sip_wire.empty());
  ASSERT_EQ(w.sip_wire[0].rfind("INVITE ", 0), 0u);
  char tmpl[] = "/tmp/mcx-invite-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  const std::string pcap = dir + "/invite.pcap", out = dir + "/tshark.txt";
  {
    mcx::test::PcapWriter pw(pcap);
    pw.Udp(5060, 5060, ByteView(w.sip_wire[0]));
  }
  const std::string cmd = "tshark -r " + pcap + " -V > " + out + " 2>/dev/null";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::ifstream in(out);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* line : {"Method: INVITE", "Request-URI: sip:prearranged@mcx.example.org",
                           "Content-Type: multipart/mixed",
                           "Media Description, name and address (m): audio 49151 RTP/SAVP 96",
                           "Media Description, name and address (m): application 49150 udp MCPTT",
                           "Media Format: MCPTT [Mission Critical Push To Talk]",
                           "Media format specific parameters: mc_queueing",
                           "Media format specific parameters: mc_priority=1",
                           "Media format specific parameters: mc_implicit_request",
                           "Encapsulated multipart part:  (application/vnd.3gpp.mcptt-info+xml)", "prearranged",
                           // TS 33.180 9.3 on the wire: the group and the caller encrypted, the
                           // body signed in an mcptt-signed+xml part that names it by Content-ID.
                           "type=\"Encrypted\"", "xenc:EncryptedData", "http://www.w3.org/2009/xmlenc11#aes128-gcm",
                           "Content-ID: <mcpttinfo@mcx>",
                           "Encapsulated multipart part:  (application/vnd.3gpp.mcptt-signed+xml)", "ds:Signature",
                           "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256", "cid:mcpttinfo@mcx"})
    EXPECT_NE(text.find(line), std::string::npos) << line;
  EXPECT_EQ(text.find("Malformed"), std::string::npos);
  EXPECT_EQ(text.find("sip:fire-crew@example.org"), std::string::npos) << "the group in the clear";
  // The mcpttinfo part, from its header to the signature part's: no identity in the clear.
  const auto info_at = text.find("(application/vnd.3gpp.mcptt-info+xml)");
  const auto signed_at = text.find("(application/vnd.3gpp.mcptt-signed+xml)");
  ASSERT_LT(info_at, signed_at);
  const std::string info = text.substr(info_at, signed_at - info_at);
  EXPECT_EQ(info.find(a.uri), std::string::npos) << "the caller in the clear in the mcpttinfo";
  EXPECT_NE(info.find("EncryptedData"), std::string::npos);
}
