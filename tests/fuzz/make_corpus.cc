// The seed corpus of every fuzz target: test vectors from tests/data and messages the code itself
// makes (I_MESSAGEs of every key type and option with the fixed-seed keys of fuzz_world.h, KMS
// documents, group documents, SIP and HTTP messages, floor and MONP messages, SDP, RTP, SRTP
// operation sequences, protected XML, off-network event sequences).
//
//   fuzz_make_corpus DIR     writes DIR/<target>/seed-* (DIR is normally tests/fuzz/corpus)
//
// Deterministic: the same files every run (fixed seeds, fixed DRBGs), so running it again after a
// change shows in git what the change did to the seeds. Fuzzing adds its own entries next to
// these (tests/fuzz/README.md, "Merging").
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "mcx/codec/floor.h"
#include "mcx/codec/monp.h"
#include "mcx/codec/mcptt_sdp.h"
#include "mcx/codec/rtp.h"
#include "mcx/crypto/base64.h"
#include "mcx/crypto/rng.h"
#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/transport/http_message.h"
#include "mcx/procedures/transport/sip_message.h"
#include "mcx/security/domain.h"
#include "mcx/security/key_params.h"
#include "mcx/security/kms.h"
#include "mcx/security/srtp.h"
#include "mcx/security/srtp_keys.h"
#include "mcx/security/xml_protect.h"
#include "tests/fuzz/fuzz_world.h"
#include "tests/support/monp_samples.h"

using namespace mcx;
using crypto::Bytes;
using crypto::ByteView;
namespace fs = std::filesystem;
namespace ms = security::mikey_sakke;
namespace keyparams = security::keyparams;
namespace kms = security::kms;
using fuzz::World;

namespace {

fs::path g_out;
size_t g_files = 0;

void Write(const std::string& target, const std::string& name, ByteView data) {
  const fs::path dir = g_out / target;
  fs::create_directories(dir);
  std::ofstream f(dir / ("seed-" + name), std::ios::binary);
  f.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  ++g_files;
}
void Write(const std::string& target, const std::string& name, const std::string& s) { Write(target, name, ByteView(s)); }

Bytes B(const std::string& s) { return Bytes(s.begin(), s.end()); }
void Lv16(Bytes& b, ByteView v) {
  crypto::AppendU16(b, static_cast<uint16_t>(v.size()));
  crypto::Append(b, v);
}

// ---- I_MESSAGEs ----

std::vector<std::pair<std::string, Bytes>> IMessages() {
  std::vector<std::pair<std::string, Bytes>> out;
  const World& w = World::Get();
  crypto::HmacDrbg rng(7, "fuzz-corpus");
  const Bytes key(16, 0x5a);
  const auto& own = w.universes[0];
  auto make = [&](const std::string& name, ms::Distribution d, const char* from, const char* to, uint32_t key_id,
                  ms::SendOptions o) {
    const fuzz::Party* s = w.Named(from);
    const fuzz::Party* r = w.Named(to);
    auto c = ms::CreateIMessage(d, *s->id, w.universes[s->universe].kms, r->uri(), w.universes[r->universe].kms, key_id,
                                key, o, w.universes[s->universe].ntp_now, rng);
    if (!c) {
      std::cerr << "cannot make " << name << ": " << crypto::ErrorName(c.error()) << "\n";
      std::exit(1);
    }
    out.emplace_back(name, c->message);
  };
  const uint64_t unix_now = security::NtpToUnixSeconds(own.ntp_now);
  ms::SendOptions gmk;
  gmk.group_uri = World::Group();
  gmk.text = "group 1 key";
  gmk.expiry_time = unix_now + 86400;
  make("gmk", ms::Distribution::kGmk, "gms", "ue1", 0x0123abcd, gmk);
  ms::SendOptions o = gmk;
  o.hide_identities = true;
  make("gmk-hidden", ms::Distribution::kGmk, "gms", "ue1", 0x0123abce, o);
  o = gmk;
  o.sakke_to_self = true;
  make("gmk-sakke-to-self", ms::Distribution::kGmk, "gms", "ue1", 0x0123abcf, o);
  o = gmk;
  o.revoked = true;
  o.activation_time = unix_now + 60;
  make("gmk-revoked", ms::Distribution::kGmk, "gms", "ue2", 0x0123abd0, o);
  o = gmk;
  o.key_parameters = false;
  make("gmk-no-key-parameters", ms::Distribution::kGmk, "gms", "ue2", 0x0123abd1, o);
  o = gmk;
  o.group_uri = security::naming::GroupUri(2);
  make("gmk-other-group", ms::Distribution::kGmk, "gms", "ue1", 0x0123abd2, o);
  make("pck", ms::Distribution::kPck, "ue1", "ue2", 0x1a2b3c4d, {});
  o = {};
  o.hide_identities = true;
  o.sakke_to_self = true;
  make("pck-hidden-sakke-to-self", ms::Distribution::kPck, "ue2", "ue1", 0x1a2b3c4e, o);
  make("pck-foreign-caller", ms::Distribution::kPck, "foreign-ue", "ue1", 0x1a2b3c4f, {});
  o = {};
  o.algorithms = keyparams::AlgorithmChoice{{keyparams::kAlgAes128Gcm, 0x02}, keyparams::kAlgAes128Gcm};
  make("csk-upload", ms::Distribution::kCskUpload, "ue1", "mcx-server", 0x2ddd5bf0, o);
  make("key-download-csk", ms::Distribution::kKeyDownload, "mcx-server", "ue2", 0x2a000001, {});
  o = {};
  o.group_uri = World::Group();
  make("key-download-musik", ms::Distribution::kKeyDownload, "mcx-server", "ue1", 0x6b000002, o);
  // The vendors' messages (and Alea's one that does not verify).
  for (const auto& [file, list] : {std::pair<const char*, const char*>{"streamwide-v5.json", "messages"},
                                   {"alea-v3.json", "messages"}, {"alea-v3.json", "excluded_messages"}}) {
    const auto doc = test::LoadJson(file);
    for (const auto& m : doc.at(list)) {
      auto b = crypto::Base64Decode(m.at("i_message_base64").get<std::string>());
      if (b) out.emplace_back(std::string(file).substr(0, std::string(file).find('-')) + "-" + m.at("name").get<std::string>(), *b);
    }
  }
  return out;
}

void Mikey() {
  for (const auto& [name, msg] : IMessages()) {
    Write("mikey_decode", name, msg);
    Write("imessage_process", name, msg);
  }
}

// ---- key parameters ----

void KeyParams() {
  const Bytes dppk = *crypto::FromHex("07d1a1677ac36d8e81620484689b3c2d");  // key_params.cc's kDppk
  crypto::HmacDrbg rng(8, "fuzz-corpus");
  std::vector<std::pair<std::string, keyparams::KeyParameters>> kps;
  keyparams::KeyParameters kp;
  kp.key_type = security::KeyPurpose::kGmk;
  kp.activation_time = 1790000000;
  kp.expiry_time = 0xffffffff;
  kp.text = "group key";
  kp.group_ids = {"sip:group1@mcx.example.org", "sip:g2@x"};
  kps.emplace_back("gmk", kp);
  kp = {};
  kp.key_type = security::KeyPurpose::kCsk;
  kp.algorithms = keyparams::AlgorithmChoice{{1, 2}, 1};
  kps.emplace_back("csk-algorithms", kp);
  kp = {};
  kp.key_type = security::KeyPurpose::kMusik;
  kp.status = 0;
  kps.emplace_back("musik-no-groups", kp);
  kp = {};
  kp.key_type = security::KeyPurpose::kPck;
  kps.emplace_back("pck", kp);
  for (const auto& [name, p] : kps) {
    const Bytes plain = keyparams::Encode(p);
    Write("key_params", "plain-" + name, plain);
    auto sealed = keyparams::Protect(dppk, 0x06a12aea, plain, 1790000000, rng);
    Write("key_params", "protected-" + name, keyparams::EncodePayload(*sealed));
  }
  // The vendors' GE type 7 contents (Streamwide test1's is sealed under the same DPPK) and their
  // decrypted parameters.
  for (const char* file : {"streamwide-v5.json", "alea-v3.json"}) {
    const auto doc = test::LoadJson(file);
    int i = 0;
    for (const auto& m : doc.at("messages")) {
      const std::string tag = std::string(file).substr(0, std::string(file).find('-')) + "-" + std::to_string(i++);
      const auto& parsed = m.at("parsed_here");
      if (parsed.contains("general_extensions"))
        for (const auto& ge : parsed.at("general_extensions"))
          if (ge.at("type") == 7) Write("key_params", "ge7-" + tag, *crypto::FromHex(ge.at("data").get<std::string>()));
      if (m.contains("derived_here") && m.at("derived_here").contains("key_parameters_ge7"))
        Write("key_params", "decrypted-" + tag,
              *crypto::FromHex(m.at("derived_here").at("key_parameters_ge7").at("decrypted_key_parameters").get<std::string>()));
    }
  }
}

// ---- KMS XML ----

std::string ReadFile(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

void KmsXml() {
  for (const char* f : {"test_init_response.xml", "test_key_prov_response.xml"})
    Write("kms_xml", f, ReadFile(fs::path(MCX_TEST_DATA_DIR) / f));
  crypto::HmacDrbg rng(9, "fuzz-corpus");
  test::TestDomain d(security::naming::KmsUri(), 1);  // the fuzz world's own domain
  test::TestDomain other(security::naming::KmsUri(security::naming::kForeignDomain), 2);
  d.kms().AddExternalCertificate(other.kms().certificate());
  const std::string user = security::naming::UeUri(1);
  Write("kms_xml", "init", kms::WriteResponse(d.kms().InitResponse(user, d.ntp_now())));
  Write("kms_xml", "keyprov", kms::WriteResponse(*d.kms().KeyProvResponse(user, d.ntp_now(), rng, 1)));
  Write("kms_xml", "certcache", kms::WriteResponse(d.kms().CertCacheResponse(user, d.ntp_now())));
  kms::Response err;
  err.user_uri = user;
  err.kms_uri = d.info().kms_uri;
  err.time = kms::XsDateTime(security::naming::kEpochUnix);
  err.client_req_url = "https://kms/keymanagement/identity/v1/keyprov";
  err.error = std::make_pair("403", "not provisioned");
  Write("kms_xml", "error", kms::WriteResponse(err));
  kms::Request q{user, d.info().kms_uri, kms::XsDateTime(security::naming::kEpochUnix), "client-1",
                 "https://kms/keymanagement/identity/v1/init"};
  Write("kms_xml", "request", kms::WriteRequest(q));
  kms::RedirectResponse krr;
  krr.user_uri = user;
  krr.kms_uri = d.info().kms_uri;
  krr.time = kms::XsDateTime(security::naming::kEpochUnix);
  krr.rejected_kms_uri = "kms.evil.example.org";
  krr.proposed_kms_uris = {d.info().kms_uri, other.info().kms_uri};
  kms::RedirectResponse outer = krr;
  outer.nested = {krr};
  Write("kms_xml", "redirect-nested", kms::WriteRedirect(outer));
  Write("kms_xml", "datetime", std::string("2026-09-21T17:46:40.123Z"));
}

// ---- group documents ----

void GroupDocuments() {
  const auto msgs = IMessages();
  std::vector<procedures::Gktp> g = {{"0123abcd", "2026-09-21T17:46:40Z", msgs[0].second}, {"0123abce", "", msgs[1].second}};
  Write("group_document", "group-with-gktps",
        procedures::BuildGroupDocument(World::Group(), {security::naming::UeUri(1), security::naming::UeUri(2)}, g));
  Write("group_document", "group-no-gktp", procedures::BuildGroupDocument("sip:g&\"<>@x", {"sip:a@x"}, {}));
  Write("group_document", "xcap-diff",
        procedures::BuildXcapDiff(security::naming::XcapRoot(), procedures::GroupDocumentSelector(World::Group()), "etag-1"));
  Write("group_document", "affiliation", procedures::BuildAffiliation({World::Group(), security::naming::GroupUri(2)}));
  Write("group_document", "resource-lists", procedures::BuildResourceLists({security::naming::UeUri(1)}));
}

// ---- SIP and HTTP ----

std::vector<std::pair<std::string, Bytes>> SipMessages() {
  using procedures::SipMessage;
  std::vector<std::pair<std::string, Bytes>> out;
  const auto msgs = IMessages();
  SipMessage reg = SipMessage::Request("REGISTER", "sip:10.0.0.1");
  reg.SetFrom("<sip:ue1@mcx.example.org>;tag=1a2b");
  reg.SetTo("<sip:ue1@mcx.example.org>");
  reg.SetCallId("c0ffee@10.0.0.2");
  reg.SetCSeq(1, "REGISTER");
  reg.AddVia("SIP/2.0/UDP 10.0.0.2:5060;branch=z9hG4bK0001");
  reg.SetContact("<sip:ue1@10.0.0.2:5060>");
  reg.SetHeader("Expires", "3600");
  reg.AddBody(procedures::kMcpttInfoContentType, ByteView("<mcpttinfo xmlns=\"urn:3gpp:ns:mcpttInfo:1.0\"/>"));
  reg.AddBody(procedures::kMikeyContentType, msgs[9].second);  // the CSK upload
  out.emplace_back("register-multipart", reg.Serialize());
  SipMessage notify = SipMessage::Request("NOTIFY", "sip:10.0.0.2:5060");
  notify.SetFrom("<sip:gms@mcx.example.org>;tag=g1");
  notify.SetTo("<sip:ue1@mcx.example.org>;tag=u1");
  notify.SetCallId("sub-1@10.0.0.3");
  notify.SetCSeq(2, "NOTIFY");
  notify.AddVia("SIP/2.0/TCP 10.0.0.3:5060;branch=z9hG4bK0002");
  notify.SetHeader("Event", "xcap-diff");
  notify.SetHeader("Subscription-State", "active;expires=3600");
  notify.AddBody(procedures::kGroupDocContentType,
                 ByteView(procedures::BuildGroupDocument(World::Group(), {"sip:ue1@mcx.example.org"}, {{"0123abcd", "", msgs[0].second}})));
  out.emplace_back("notify-group-document", notify.Serialize());
  SipMessage msg = SipMessage::Request("MESSAGE", "sip:ue1@mcx.example.org");
  msg.SetFrom("<sip:gms@mcx.example.org>;tag=g2");
  msg.SetTo("<sip:ue1@mcx.example.org>");
  msg.SetCallId("m-1@10.0.0.3");
  msg.SetCSeq(1, "MESSAGE");
  msg.AddVia("SIP/2.0/UDP 10.0.0.3:5060;branch=z9hG4bK0003");
  msg.AddBody(procedures::kMikeyContentType, msgs[0].second);
  out.emplace_back("message-mikey", msg.Serialize());
  SipMessage ok = SipMessage::Response(200, "OK", reg, "srv1");
  ok.SetHeader("Expires", "3600");
  out.emplace_back("response-200", ok.Serialize());
  SipMessage warn = SipMessage::Response(488, "Not Acceptable Here", msg, "x");
  warn.SetHeader("Warning", "399 mcx \"unknown_kms\"");
  warn.AddBody("application/vnd.3gpp.mcptt-kms-redirect+xml", ByteView("<KmsRedirectResponse/>"));
  out.emplace_back("response-488", warn.Serialize());
  return out;
}

void Sip() {
  for (const auto& [name, m] : SipMessages()) Write("sip_message", name, m);
  Write("sip_message", "compact",
        std::string("SUBSCRIBE sip:gms@mcx.example.org SIP/2.0\r\nv: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKc\r\n"
                    "f: <sip:ue1@mcx.example.org>;tag=9\r\nt: <sip:gms@mcx.example.org>\r\ni: cid\r\n"
                    "CSeq: 1 SUBSCRIBE\r\no: xcap-diff\r\nm: <sip:ue1@10.0.0.2>\r\nl: 0\r\n\r\n"));
}

void Http() {
  procedures::HttpRequest init;
  init.method = "POST";
  init.target = kms::kPathInit;
  init.headers["Host"] = "kms.mcx.example.org";
  init.headers["Content-Type"] = "application/xml";
  init.body = "<KmsRequest/>";
  procedures::HttpRequest get;
  get.target = "/xcap-root/" + procedures::GroupDocumentSelector(World::Group());
  get.headers["Host"] = "gms.mcx.example.org";
  get.headers["Authorization"] = "Bearer sip:ue1@mcx.example.org";
  procedures::HttpResponse resp;
  resp.headers["Content-Type"] = procedures::kGroupDocContentType;
  resp.body = procedures::BuildGroupDocument(World::Group(), {"sip:ue1@x"}, {});
  procedures::HttpResponse notfound;
  notfound.status = 404;
  notfound.reason = "Not Found";
  const auto sip = SipMessages();
  auto stream = [](uint8_t seed, std::vector<Bytes> parts) {
    Bytes b{seed};
    for (const auto& p : parts) crypto::Append(b, p);
    return b;
  };
  Write("http_message", "request-post", stream(1, {init.Serialize()}));
  Write("http_message", "request-get", stream(2, {get.Serialize()}));
  Write("http_message", "response-200", stream(3, {resp.Serialize()}));
  Write("http_message", "pipelined", stream(4, {init.Serialize(), notfound.Serialize(), get.Serialize()}));
  Write("http_message", "sip-over-tcp", stream(5, {sip[1].second, sip[3].second}));
  Write("http_message", "chunked",
        stream(6, {B("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")}));
  Write("http_message", "content-length-twice", stream(7, {B("POST / HTTP/1.1\r\nContent-Length: 2\r\nl: 2\r\n\r\nab")}));
}

// ---- codecs ----

void Floor() {
  using namespace codec;
  const std::vector<std::pair<std::string, FloorMessage>> msgs = {
      {"request", FloorRequest(0x1001, 3)},
      {"granted", FloorGranted(0x1001, 30, 3)},
      {"taken", FloorTaken(0x1001, "sip:ue1@x", true, 7)},
      {"deny", FloorDeny(0x1001, 1, "another has permission")},
      {"release", FloorRelease(0x1001)},
      {"idle", FloorIdle(0x1001, 8)},
      {"revoke", FloorRevoke(0x1001, 2)},
      {"queue-position-request", FloorQueuePositionRequest(0x1001)},
      {"queue-position-info", FloorQueuePositionInfo(0x1001, 1, 3)},
      {"ack", FloorAck(0x1001, FloorMsgType::kGranted, Source::kParticipant)},
      {"offnet-request", OffnetFloorRequest(0x1002, "sip:ue2@x", 2)},
      {"offnet-granted", OffnetFloorGranted(0x1002, "sip:ue2@x", 0x1003, 30, 2)},
      {"offnet-taken", OffnetFloorTaken(0x1002, "sip:ue2@x", "sip:ue2@x", true, 1)},
      {"offnet-deny", OffnetFloorDeny(0x1002, "sip:ue3@x", 1)},
      {"offnet-release", OffnetFloorRelease(0x1002, "sip:ue2@x")},
      {"offnet-queue-position-info", OffnetFloorQueuePositionInfo(0x1002, "sip:ue2@x", "sip:ue3@x", 1, 2)},
  };
  for (const auto& [name, m] : msgs) Write("floor", name, Encode(m));
  FloorMessage ack = FloorRequest(0x1001, 3);
  ack.subtype |= kAckRequested;
  Write("floor", "request-ack-requested", Encode(ack));
}

void Monp() {
  using namespace codec;
  const std::string sdp = McpttSdp{"10.0.0.1", 49150, 49151, IMessages()[6].second, {}}.Text();
  for (uint8_t t = 8; t <= 13; ++t) {
    MonpPrivateCallMessage m;
    m.type = static_cast<MonpType>(t);
    m.call_id = 0x1234;
    m.caller = "sip:ue1@mcx.example.org";
    m.callee = "sip:ue2@mcx.example.org";
    if (t == 8) m.sdp = sdp;
    if (t == 10) m.sdp = McpttSdp{"10.0.0.2", 49150, 49151, {}, {}}.Text();
    m.reason = 3;
    Write("monp", "private-" + std::to_string(t), Encode(m));
  }
  MonpGroupCallMessage probe;
  probe.group_id = World::Group();
  Write("monp", "group-probe", Encode(probe));
  MonpGroupCallMessage a = testing::Announcement();
  a.confirm_mode = true;
  Write("monp", "group-announcement", Encode(a));
  a.confirm_mode = false;
  a.probe_response = true;
  Write("monp", "group-announcement-probe-response", Encode(a));
  MonpGroupCallMessage acc;
  acc.type = MonpType::kGroupCallAccept;
  acc.call_id = 0x1234;
  acc.group_id = "sip:g@x";
  acc.sending_user = "sip:b@x";
  Write("monp", "group-accept", Encode(acc));
}

void Sdp() {
  codec::FloorFmtp offered;  // digest 3.1's example: queueing, priority 5, an implicit request
  offered.queueing = true;
  offered.priority = 5;
  offered.granted = true;
  offered.implicit_request = true;
  codec::FloorFmtp granted;
  granted.priority = 3;
  granted.granted = true;
  Write("mcptt_sdp", "offer", codec::McpttSdp{"10.0.0.1", 49150, 49151, IMessages()[6].second, offered}.Text());
  Write("mcptt_sdp", "answer", codec::McpttSdp{"10.0.0.2", 49150, 49151, {}, granted}.Text());
  Write("mcptt_sdp", "group", codec::McpttSdp{"225.0.0.1", 5000, 5001, {}, {}}.Text());
}

void Rtp() {
  codec::RtpPacket p;
  p.sequence = 0xf17b;
  p.timestamp = 0x8041f8d3;
  p.ssrc = 0x5501a0b2;
  p.payload = B("Gallia est omnis divisa in partes tres");
  Write("rtp", "voice", codec::Encode(p));
  p.marker = true;
  p.payload.clear();
  Write("rtp", "marker-empty", codec::Encode(p));
  Bytes ext = *crypto::FromHex("9240f17b8041f8d35501a0b2000000010000000200000003bede000112345678ab");  // CSRCs, extension
  Write("rtp", "csrc-extension", ext);
}

// ---- SRTP operation sequences (srtp_unprotect.cc's format) ----

void Srtp() {
  const auto doc = test::LoadJson("rfc7714-srtp-gcm.json");
  auto hex = [&](const char* a, const char* b) { return *crypto::FromHex(doc.at(a).at(b).get<std::string>()); };
  const Bytes rtp_plain = hex("srtp", "plaintext_packet");
  const Bytes rtcp_plain = hex("srtcp", "plaintext_packet");
  auto raw = [](uint8_t rx, bool rtcp, const Bytes& p) {
    Bytes b;
    crypto::AppendU8(b, static_cast<uint8_t>(rx | (rtcp ? 4 : 0)));
    Lv16(b, p);
    return b;
  };
  auto protect = [](uint8_t rx, bool rtcp, uint8_t sender, const Bytes& plain, bool tamper = false, bool auth_only = false) {
    Bytes b;
    crypto::AppendU8(b, static_cast<uint8_t>(rx | (rtcp ? 4 : 0) | 1 << 3 | (tamper ? 0x20 : 0) | (auth_only ? 0x40 : 0)));
    crypto::AppendU8(b, sender);
    Lv16(b, plain);
    crypto::AppendU16(b, 5);
    return b;
  };
  auto replay = [](uint8_t rx, uint8_t which) { return Bytes{static_cast<uint8_t>(rx | 2 << 3), which}; };
  Write("srtp_unprotect", "rfc7714-srtp", raw(0, false, hex("srtp", "encrypted_packet")));
  Write("srtp_unprotect", "rfc7714-srtcp", raw(0, true, hex("srtcp", "encrypted_packet")));
  Write("srtp_unprotect", "rfc7714-srtcp-auth-only", raw(0, true, hex("srtcp", "authenticated_only_packet")));
  for (uint8_t rx = 0; rx < 3; ++rx) {
    Bytes seq;
    Bytes next = rtp_plain;
    for (int i = 0; i < 3; ++i) {
      next[3] = static_cast<uint8_t>(next[3] + 1);
      crypto::Append(seq, protect(rx, false, static_cast<uint8_t>(i), next));
    }
    crypto::Append(seq, protect(rx, true, 0, rtcp_plain));
    crypto::Append(seq, protect(rx, true, 1, rtcp_plain, false, true));
    crypto::Append(seq, replay(rx, 0));
    crypto::Append(seq, protect(rx, false, 0, rtp_plain, true));
    Write("srtp_unprotect", "senders-" + std::to_string(rx), seq);
  }
  // A sender whose sequence number wraps (ROC 1), and one that jumps its ROC.
  Bytes wrap;
  Bytes pkt = rtp_plain;
  for (uint16_t s : {0xfffe, 0xffff, 0x0000, 0x0001}) {
    pkt[2] = static_cast<uint8_t>(s >> 8);
    pkt[3] = static_cast<uint8_t>(s);
    crypto::Append(wrap, protect(2, false, 3, pkt));
  }
  crypto::AppendU8(wrap, static_cast<uint8_t>(2 | 3 << 3 | 1 << 5));  // set_roc
  crypto::AppendU8(wrap, 3);
  crypto::AppendU32(wrap, 0xffffffff);
  crypto::Append(wrap, protect(2, false, 3, pkt));
  crypto::AppendU8(wrap, static_cast<uint8_t>(2 | 3 << 3));  // ForgetMki
  crypto::AppendU8(wrap, 3);
  crypto::AppendU32(wrap, 0);
  crypto::Append(wrap, replay(2, 0));
  Write("srtp_unprotect", "roc-wrap-forget", wrap);
}

// ---- SIP transaction sequences (sip_stack.cc's format) ----

void SipStackSeeds() {
  auto request = [](bool answer, uint8_t method, uint8_t branch, uint8_t call) {
    return Bytes{static_cast<uint8_t>(1 | (answer ? 4 : 0)), method, branch, call};
  };
  auto wait = [](uint8_t tenths) { return Bytes{2, tenths}; };
  Bytes retransmit = request(true, 0, 1, 1);
  crypto::Append(retransmit, request(true, 0, 1, 1));  // absorbed: the same response again
  crypto::Append(retransmit, wait(50));
  crypto::Append(retransmit, request(true, 0, 1, 1));
  crypto::Append(retransmit, request(false, 1, 1, 2));  // same branch, another method
  Write("sip_stack", "retransmit-answered", retransmit);
  Bytes unanswered;
  for (uint8_t b = 0; b < 8; ++b) crypto::Append(unanswered, request(false, b % 6, b, b));
  crypto::Append(unanswered, wait(255));
  crypto::Append(unanswered, request(false, 0, 0, 0));  // after its transaction: handled again
  Write("sip_stack", "unanswered", unanswered);
  Bytes own = {7, 1};                     // the peer answers 200
  crypto::Append(own, Bytes{3 | 8, 0});   // no answer: Timer F
  crypto::Append(own, Bytes{7 | 16, 0});  // only 100 Trying: Timer F
  crypto::Append(own, Bytes{7, 4});       // 500
  Write("sip_stack", "own-requests", own);
  Bytes raw = {0};
  const std::string reg = "REGISTER sip:10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKraw\r\n"
                          "From: <sip:peer@x>;tag=r\r\nTo: <sip:peer@x>\r\nCall-ID: raw\r\nCSeq: 7 REGISTER\r\n\r\n";
  Lv16(raw, ByteView(reg));
  Write("sip_stack", "raw-request", raw);
  // An INVITE (100 Trying; the handler answers or not), retransmitted, ACKed, and one CANCELled.
  auto raw_request = [](const std::string& method, const std::string& branch, const std::string& call) {
    Bytes b = {0};
    const std::string m = method + " sip:node@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" +
                          branch + "\r\nFrom: <sip:peer@x>;tag=p\r\nTo: <sip:node@x>\r\nCall-ID: " + call +
                          "\r\nCSeq: 1 " + method + "\r\nContact: <sip:peer@10.0.0.1>\r\n\r\n";
    Lv16(b, ByteView(m));
    return b;
  };
  Bytes invite = raw_request("INVITE", "inv1", "i1");
  crypto::Append(invite, raw_request("INVITE", "inv1", "i1"));
  crypto::Append(invite, raw_request("ACK", "ack1", "i1"));
  crypto::Append(invite, raw_request("INVITE", "inv2", "i2"));
  crypto::Append(invite, raw_request("CANCEL", "inv2", "i2"));
  crypto::Append(invite, raw_request("CANCEL", "inv3", "i3"));
  crypto::Append(invite, wait(255));
  Write("sip_stack", "raw-invite-ack-cancel", invite);
  // The node's INVITEs: answered 200, answered 400, only 100 Trying then cancelled, unanswered.
  Bytes own_invites = {0x27, 1, 0x27, 3, 0x37, 0, 0x23, 0};
  crypto::Append(own_invites, wait(255));
  Write("sip_stack", "own-invites", own_invites);
}

// ---- Call protection operation sequences (call_protection.cc's format) ----

void CallProtectionSeeds() {
  auto group = [](uint8_t sender, bool media, bool tamper, uint8_t kind) {
    Bytes b{static_cast<uint8_t>(2 | (media ? 8 : 0) | (tamper ? 0x10 : 0)), sender, kind};
    if (media) crypto::Append(b, Bytes{4, 'v', 'o', 'x', '!'});
    if (tamper) crypto::Append(b, Bytes{0, 9, 0x40});
    return b;
  };
  auto priv = [](bool media, uint8_t kind) {
    Bytes b{static_cast<uint8_t>(3 | (media ? 8 : 0)), kind};
    if (media) crypto::Append(b, Bytes{2, 'h', 'i'});
    return b;
  };
  const Bytes replay = {5};
  Bytes later = {4};
  crypto::AppendU16(later, 700);  // the second GMK becomes active
  Bytes expired = {4};
  crypto::AppendU16(expired, 3000);  // ... and expires
  Bytes members;
  for (uint8_t s = 0; s < 3; ++s) crypto::Append(members, group(s, s == 1, false, s));
  crypto::Append(members, replay);
  Write("call_protection", "group-members", members);
  Write("call_protection", "group-revoked-and-other-group", [&] {
    Bytes b = group(3, false, false, 0);
    crypto::Append(b, group(4, true, false, 0));
    return b;
  }());
  Write("call_protection", "group-tampered", group(0, true, true, 0));
  Write("call_protection", "group-rekey-and-expiry", [&] {
    Bytes b = group(0, false, false, 1);
    crypto::Append(b, later);
    crypto::Append(b, group(1, true, false, 0));
    crypto::Append(b, expired);
    crypto::Append(b, group(2, false, false, 2));
    return b;
  }());
  Write("call_protection", "private", [&] {
    Bytes b = priv(false, 0);
    crypto::Append(b, priv(true, 1));
    crypto::Append(b, replay);
    return b;
  }());
  Bytes raw = {0};
  Lv16(raw, Bytes(40, 0x80));
  Write("call_protection", "raw", raw);
}

// ---- XML protection (xml_protect.cc's keys and bodies) ----

void XmlProtect() {
  namespace xs = security::xmlsec;
  const auto keys = xs::DeriveSignallingKeys(*crypto::FromHex("e06e65106183547342d3e8a6ce2540a8"), 0x2ddd5bf0,
                                             "sip:alice@example.org");
  crypto::HmacDrbg rng(10, "fuzz-corpus");
  const std::string info =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<mcpttinfo xmlns=\"urn:3gpp:ns:mcpttInfo:1.0\"><mcptt-Params>"
      "<session-type>private</session-type>"
      "<mcptt-request-uri type=\"Normal\"><mcpttURI>sip:bob@example.org</mcpttURI></mcptt-request-uri>"
      "<mcptt-calling-user-id type=\"Normal\"><mcpttURI>sip:alice@example.org</mcpttURI></mcptt-calling-user-id>"
      "<mcptt-calling-group-id type=\"Normal\"><mcpttURI>sip:g&amp;1@example.org</mcpttURI><![CDATA[x<y]]></mcptt-calling-group-id>"
      "</mcptt-Params></mcpttinfo>\n";
  Write("xml_protect", "plain", info);
  Write("xml_protect", "encrypted",
        *xs::EncryptElements(info, {"mcptt-request-uri", "mcptt-calling-user-id", "mcptt-calling-group-id"}, keys, rng));
  const std::vector<xs::MimeBody> bodies = {{"info1@example.net", "<mcpttinfo/>"},
                                            {"sdp1@example.net", "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\n"}};
  Write("xml_protect", "signatures", xs::SignBodies(bodies, keys));
}

// ---- off-network event sequences (offnet_state.cc's format) ----

void Offnet() {
  auto seq = [](std::initializer_list<uint8_t> header, std::initializer_list<uint8_t> ops) {
    Bytes b(header);
    b.insert(b.end(), ops.begin(), ops.end());
    return b;
  };
  // Member A (0x0_) talks, B (0x1_) listens and asks, C (0x2_) idles.
  Write("offnet_state", "talk-and-release", seq({0x00, 0x00, 0x00}, {0x00, 0x05, 50, 0x04, 0x00, 0x05, 100, 0x01, 0x05, 100}));
  Write("offnet_state", "preemption", seq({0x10, 0x00, 0x00}, {0x00, 0x05, 50, 0x10, 0x05, 50, 0x11, 0x01, 0x06, 30}));
  Write("offnet_state", "queueing", seq({0x00, 0x07, 0x00}, {0x00, 0x05, 50, 0x10, 0x05, 20, 0x20, 0x05, 20, 0x01, 0x05, 100}));
  Write("offnet_state", "talker-timeout", seq({0x00, 0x00, 0x00}, {0x00, 0x05, 50, 0x06, 40}));
  Write("offnet_state", "group-call", seq({0x00, 0xe0, 0x00}, {0x08, 0x05, 30, 0x18, 0x05, 100, 0x28, 0x06, 15, 0x0b, 0x06, 15}));
  Write("offnet_state", "group-call-merge", seq({0x00, 0x00, 0x01}, {0x08, 0x05, 20, 0x18, 0x06, 2, 0x0f, 0x01, 0x06, 12}));
  Write("offnet_state", "private-call", seq({0x00, 0x00, 0x00}, {0x0c, 0x05, 100, 0x1c, 0x05, 100}));
  Write("offnet_state", "private-call-replayed", seq({0x00, 0x00, 0x00}, {0x0c, 0x05, 2, 0x1e, 0x80, 0x00, 0x05, 100}));
  // Messages built from fields: a Floor Granted to B's SSRC at B; an announcement at C.
  Write("offnet_state", "built-messages",
        seq({0x00, 0x00, 0x00}, {0x10, 0x13, 0x01, 0x00, 0x00, 0x03, 0x01, 0x00, 0x1e, 0x05, 10, 0x2a, 0x02, 0x00, 0x00, 0x00, 0x00, 0x06, 20}));
  // Raw floor and MONP datagrams.
  Bytes raw = {0x00, 0x00, 0x00, 0x12};
  const Bytes fr = codec::Encode(codec::OffnetFloorTaken(0x1003, "sip:ue3@x", "sip:ue3@x", true, 1));
  raw.push_back(static_cast<uint8_t>(fr.size()));
  crypto::Append(raw, fr);
  raw.push_back(0x19);
  const Bytes an = codec::Encode(testing::Announcement());
  crypto::AppendU16(raw, static_cast<uint16_t>(an.size()));
  crypto::Append(raw, an);
  raw.push_back(0x05);
  raw.push_back(200);
  Write("offnet_state", "raw-datagrams", raw);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " DIR   (writes DIR/<target>/seed-*; DIR is normally tests/fuzz/corpus)\n";
    return 2;
  }
  g_out = argv[1];
  Mikey();
  KeyParams();
  KmsXml();
  GroupDocuments();
  Sip();
  Http();
  Floor();
  Monp();
  Sdp();
  Rtp();
  Srtp();
  SipStackSeeds();
  CallProtectionSeeds();
  XmlProtect();
  Offnet();
  std::cout << "wrote " << g_files << " seed files under " << g_out << "\n";
  return 0;
}
