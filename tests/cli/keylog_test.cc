// --keylog with --pcap: libsrtp2 (an independent SRTP implementation, tests only) opens every
// SRTP and SRTCP packet captured in an off-network group call (voice under the GMK, floor control)
// and an on-network one (voice relayed by the server, floor control under each client's CSK),
// with nothing but the key log's lines; the key log is mode 0600 and written only when asked.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "mcx/crypto/bytes.h"
#include "tests/support/cli_runner.h"
#include "tests/support/libsrtp_session.h"

namespace mcx::test {
namespace {

namespace fs = std::filesystem;
using crypto::Bytes;
using crypto::ByteView;

struct LoggedKey {
  Bytes key, salt, mki;
  std::string what;
};

// The key log's lines by MKI (hex), each checked against the documented format. A private call's
// PCK has two lines under one MKI (the PCK-ID): one crypto session per direction.
using KeyLogLines = std::multimap<std::string, LoggedKey>;
KeyLogLines ReadKeyLog(const std::string& path) {
  KeyLogLines keys;
  std::istringstream in(Slurp(path));
  const std::regex line(R"(^SRTP (\*|[0-9a-f]{8}) ([0-9a-f]+|-) ([0-9a-f]{32}) ([0-9a-f]{24}) AEAD_AES_128_GCM (.*)$)");
  for (std::string l; std::getline(in, l);) {
    if (l.empty() || l[0] == '#') continue;
    std::smatch m;
    EXPECT_TRUE(std::regex_match(l, m, line)) << "not a key log line: " << l;
    if (m.empty()) continue;
    keys.emplace(m[2], LoggedKey{*crypto::FromHex(m[3].str()), *crypto::FromHex(m[4].str()),
                           m[2] == "-" ? Bytes{} : *crypto::FromHex(m[2].str()), m[5]});
  }
  return keys;
}

struct Datagram {
  uint16_t dst_port;
  Bytes payload;
};

// The UDP payloads of a pcap file: raw IP (the sidelink) or PPP (ns-3's point-to-point links).
std::vector<Datagram> UdpDatagrams(const std::string& path) {
  const std::string file = Slurp(path);
  const auto* d = reinterpret_cast<const uint8_t*>(file.data());
  std::vector<Datagram> out;
  if (file.size() < 24) return out;
  const uint32_t link = d[20] | d[21] << 8 | d[22] << 16 | static_cast<uint32_t>(d[23]) << 24;
  const size_t l2 = link == 101 ? 0 : link == 9 ? 2 : SIZE_MAX;
  EXPECT_NE(l2, SIZE_MAX) << path << ": link type " << link;
  for (size_t at = 24; l2 != SIZE_MAX && at + 16 <= file.size();) {
    const uint32_t caplen = d[at + 8] | d[at + 9] << 8 | d[at + 10] << 16 | static_cast<uint32_t>(d[at + 11]) << 24;
    const uint8_t* ip = d + at + 16 + l2;
    const size_t ip_len = caplen - l2;
    at += 16 + caplen;
    if (ip_len < 28 || (ip[0] >> 4) != 4 || ip[9] != 17) continue;
    const size_t ihl = (ip[0] & 0x0f) * 4u;
    const uint8_t* udp = ip + ihl;
    out.push_back({static_cast<uint16_t>(udp[2] << 8 | udp[3]), Bytes(udp + 8, ip + ip_len)});
  }
  return out;
}

struct Opened {
  size_t srtp = 0, srtcp = 0, failed = 0;
};

// Every RTP-versioned datagram of every pcap in `dir` (MONP on 8809 and SIP aside) is opened by
// libsrtp with the key its MKI names in the log (either of a PCK's two): one session per file and key. A packet the MCX
// server relays to several members crosses a core link once per member, byte for byte: it is
// opened once per file (libsrtp's replay window would rightly refuse the copies).
Opened OpenEverything(const std::string& dir, const KeyLogLines& keys) {
  Opened o;
  for (const auto& f : fs::directory_iterator(dir)) {
    if (f.path().extension() != ".pcap") continue;
    std::map<std::string, std::unique_ptr<LibsrtpSession>> sessions;
    std::set<Bytes> seen;
    for (const Datagram& dg : UdpDatagrams(f.path())) {
      const Bytes& p = dg.payload;
      if (dg.dst_port == 8809 || dg.dst_port == 5060 || p.size() < 12 + 16 + 4 || (p[0] >> 6) != 2) continue;
      if (!seen.insert(p).second) continue;
      const bool rtcp = p[1] >= 192 && p[1] <= 223;  // RFC 5761 4
      std::vector<const LoggedKey*> candidates;
      for (size_t mki_bytes : {8u, 4u}) {
        auto [from, to] = keys.equal_range(crypto::ToHex(ByteView(p.data() + p.size() - mki_bytes, mki_bytes)));
        for (auto it = from; it != to; ++it) candidates.push_back(&it->second);
        if (!candidates.empty()) break;
      }
      if (candidates.empty()) {
        ADD_FAILURE() << f.path() << ": a packet to port " << dg.dst_port << " whose MKI is not in the key log";
        ++o.failed;
        continue;
      }
      bool opened = false;
      for (const LoggedKey* key : candidates) {
        auto& s = sessions[crypto::ToHex(key->mki) + crypto::ToHex(key->key)];
        if (!s) s = std::make_unique<LibsrtpSession>(key->key, key->salt, key->mki, /*inbound=*/true);
        if ((opened = s->Unprotect(p, rtcp).has_value())) break;
      }
      if (opened)
        ++(rtcp ? o.srtcp : o.srtp);
      else {
        ADD_FAILURE() << f.path() << ": libsrtp cannot open a " << (rtcp ? "SRTCP" : "SRTP") << " packet under "
                      << candidates.front()->what;
        ++o.failed;
      }
    }
  }
  return o;
}

class KeyLog : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mcx-keylog-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string dir_;
};

TEST_F(KeyLog, LibsrtpOpensEverySrtpAndSrtcpPacketOfAnOffNetworkGroupCall) {
  const std::string log = dir_ + "/keys.log";
  const CliRun r = RunMcxsim("run offnet-group-call --members 4 --duration 20 --quiet --out " + dir_ + "/run --pcap " +
                                 dir_ + "/pcap --keylog " + log,
                             dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(stat(log.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u) << "a key log holds keys: owner only";
  const auto keys = ReadKeyLog(log);
  ASSERT_FALSE(keys.empty());
  bool gmk = false;
  for (const auto& [mki, k] : keys) gmk |= k.what.find("GMK-ID 0x") == 0 && k.what.find("sender GUK-ID") != std::string::npos;
  EXPECT_TRUE(gmk) << "no group member's key (GMK-ID || GUK-ID) in the log";
  const Opened o = OpenEverything(dir_ + "/pcap", keys);
  EXPECT_GT(o.srtp, 100u) << "voice frames";
  EXPECT_GT(o.srtcp, 5u) << "floor control";
  EXPECT_EQ(o.failed, 0u);
}

TEST_F(KeyLog, LibsrtpOpensTheOnNetworkCallsVoiceAndCskFloorControl) {
  const std::string log = dir_ + "/keys.log";
  const CliRun r = RunMcxsim("run group-call --members 3 --duration 10 --quiet --out " + dir_ + "/run --pcap " + dir_ +
                                 "/pcap --keylog " + log,
                             dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto keys = ReadKeyLog(log);
  bool csk = false;
  for (const auto& [mki, k] : keys) csk |= k.what.rfind("CSK-ID 0x", 0) == 0 && k.what.find("CS-ID 6") != std::string::npos;
  EXPECT_TRUE(csk) << "no CSK (CS-ID 6) in the log";
  const Opened o = OpenEverything(dir_ + "/pcap", keys);
  EXPECT_GT(o.srtp, 100u);
  EXPECT_GT(o.srtcp, 5u);
  EXPECT_EQ(o.failed, 0u);
  // No --keylog, no key log.
  ASSERT_EQ(RunMcxsim("run group-call --members 3 --duration 10 --quiet --force --out " + dir_ + "/run", dir_).status, 0);
  for (const auto& f : fs::directory_iterator(dir_ + "/run")) EXPECT_EQ(f.path().filename().string().find("key"), std::string::npos);
}

TEST_F(KeyLog, LibsrtpOpensThePrivateCallsVoiceUnderThePckInBothDirections) {
  const std::string log = dir_ + "/keys.log";
  const CliRun r = RunMcxsim("run private-call --calls 2 --quiet --out " + dir_ + "/run --pcap " + dir_ + "/pcap --keylog " + log,
                             dir_);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto keys = ReadKeyLog(log);
  size_t pck_lines = 0;
  for (const auto& [mki, k] : keys) pck_lines += k.what.rfind("PCK-ID 0x", 0) == 0;
  EXPECT_EQ(pck_lines, 4u) << "two calls, one line per direction each (a context both ends use is logged once)";
  const Opened o = OpenEverything(dir_ + "/pcap", keys);
  EXPECT_GT(o.srtp, 100u);
  EXPECT_GT(o.srtcp, 5u);
  EXPECT_EQ(o.failed, 0u);
}

// mcxsim decrypt: the captures opened with the key log, for Wireshark. Every SRTP and SRTCP
// packet is replaced by its plaintext, and tshark reads the floor messages' names and types
// (encrypted before) and the voice as RTP, with nothing malformed.
TEST_F(KeyLog, DecryptWritesCapturesWiresharkReadsInClear) {
  ASSERT_EQ(std::system("command -v tshark >/dev/null 2>&1"), 0) << "tshark is not installed (scripts/mcx installs it)";
  const std::string log = dir_ + "/keys.log";
  ASSERT_EQ(RunMcxsim("run private-call --calls 2 --quiet --out " + dir_ + "/run --pcap " + dir_ + "/pcap --keylog " + log,
                      dir_).status,
            0);
  const CliRun d = RunMcxsim("decrypt --keylog " + log + " " + dir_ + "/pcap " + dir_ + "/plain", dir_);
  ASSERT_EQ(d.status, 0) << d.err;
  EXPECT_NE(d.out.find(" left\n"), std::string::npos) << d.out;
  EXPECT_NE(d.out.find("opened, 0 left"), std::string::npos) << d.out;  // every RTP-like packet opened
  // What libsrtp opens in the captures is what decrypt opened.
  const Opened o = OpenEverything(dir_ + "/pcap", ReadKeyLog(log));
  EXPECT_NE(d.out.find(std::to_string(o.srtcp) + " SRTCP opened"), std::string::npos) << d.out << o.srtcp;
  auto tshark = [&](const std::string& dir, const std::string& args) {
    const std::string txt = dir_ + "/tshark.txt";
    std::system(("for f in " + dir + "/p2p-*.pcap; do tshark -r $f " + args + "; done > " + txt + " 2>/dev/null").c_str());
    return Slurp(txt);
  };
  const std::string before = tshark(dir_ + "/pcap", "-Y rtcp -T fields -e rtcp.app.name");
  const std::string after = tshark(dir_ + "/plain", "-Y rtcp -T fields -e rtcp.app.name -e rtcp.app.subtype");
  EXPECT_EQ(before.find("MCPT"), std::string::npos) << "floor messages readable before decryption";
  EXPECT_NE(after.find("MCPT\t1\n"), std::string::npos) << after;  // Floor Granted
  EXPECT_NE(after.find("MCPT\t4\n"), std::string::npos) << after;  // Floor Release
  const std::string rtp = tshark(dir_ + "/plain", "-d udp.port==49151,rtp -Y rtp -T fields -e rtp.p_type -e rtp.ssrc");
  std::istringstream lines(rtp);
  size_t frames = 0;
  for (std::string l; std::getline(lines, l); ++frames) EXPECT_EQ(l.rfind("96\t", 0), 0u) << l;  // our voice's type
  EXPECT_GT(frames, 100u);
  EXPECT_EQ(tshark(dir_ + "/plain", "-Y _ws.malformed"), "");
  // A key log line out of format is named.
  std::ofstream(dir_ + "/bad.log") << "# ok\nSRTP * 12 zz 00 AEAD_AES_128_GCM x\n";
  const CliRun bad = RunMcxsim("decrypt --keylog " + dir_ + "/bad.log " + dir_ + "/pcap " + dir_ + "/plain2", dir_);
  EXPECT_NE(bad.status, 0);
  EXPECT_NE(bad.err.find("key log line 2"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace mcx::test
