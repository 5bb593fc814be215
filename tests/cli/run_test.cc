// `mcxsim run`, `list` and `describe` through the real binary: every scenario writes the files and
// values it describes, the command line is recorded, ns-3 attribute overrides reach the models
// and are recorded, and usage errors are one line with status 2.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "tests/support/cli_runner.h"

namespace mcx::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// What `mcxsim describe` says a scenario takes and writes.
struct Described {
  std::set<std::string> options, metrics, files;
};

Described Describe(const std::string& text) {
  Described d;
  std::istringstream in(text);
  bool in_metrics = false;
  const std::regex option(R"(^  --([a-z0-9-]+)( |$))"), metric(R"(^  ([a-z0-9_]+)( \[[^\]]*\])?: )");
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (line.rfind("metrics", 0) == 0) in_metrics = true;
    if (line.rfind("files: ", 0) == 0) {
      std::istringstream f(line.substr(7));
      for (std::string name; std::getline(f, name, ',');) d.files.insert(name.substr(name.find_first_not_of(' ')));
      in_metrics = false;
    } else if (!in_metrics && std::regex_search(line, m, option)) {
      d.options.insert(m[1]);
    } else if (in_metrics && std::regex_search(line, m, metric)) {
      d.metrics.insert(m[1]);
    }
  }
  return d;
}

std::set<std::string> Keys(const json& j) {
  std::set<std::string> k;
  for (const auto& [key, v] : j.items()) k.insert(key);
  return k;
}

class RunCommand : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char tmpl[] = "/tmp/mcx-run-XXXXXX";
    dir_ = mkdtemp(tmpl);
  }
  static void TearDownTestSuite() { std::system(("rm -rf " + dir_).c_str()); }
  static CliRun Mcx(const std::string& args, const std::string& env = "") { return RunMcxsim(args, dir_, env); }
  static json Read(const std::string& path) { return json::parse(Slurp(path)); }
  static std::string Out(const std::string& name) { return dir_ + "/" + name; }
  /// The scenarios `mcxsim list` names.
  static std::vector<std::string> Names() {
    std::vector<std::string> names;
    std::istringstream in(Mcx("list").out);
    for (std::string line; std::getline(in, line);) names.push_back(line.substr(0, line.find(' ')));
    return names;
  }
  /// A scenario's quick-run options, from `mcxsim describe`'s "quick run:" line.
  static std::string Quick(const std::string& name) {
    const std::string text = Mcx("describe " + name).out;
    const std::string head = "quick run: mcxsim run " + name;
    const size_t at = text.find(head), end = text.find(" --out DIR", at);
    if (at == std::string::npos || end == std::string::npos) return "";
    return text.substr(at + head.size(), end - at - head.size());
  }
  static std::string dir_;
};
std::string RunCommand::dir_;

TEST_F(RunCommand, ListNamesEveryScenarioAndEachIsDescribed) {
  const CliRun list = Mcx("list");
  ASSERT_EQ(list.status, 0) << list.err;
  const std::vector<std::string> names = Names();
  EXPECT_GE(names.size(), 5u);
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  for (const auto& name : names) {
    const Described d = Describe(Mcx("describe " + name).out);
    EXPECT_TRUE(d.options.count("seed") && d.options.count("run")) << name;
    EXPECT_FALSE(d.metrics.empty()) << name;
    EXPECT_TRUE(d.files.count("summary.json") && d.files.count("run_info.json")) << name;
    EXPECT_FALSE(Quick(name).empty()) << name;
  }
}

TEST_F(RunCommand, EveryScenarioWritesWhatItDescribes) {
  const std::string version = Mcx("version").out;
  for (const std::string& name : Names()) {
    SCOPED_TRACE(name);
    const std::string small = Quick(name);
    const std::string out = Out("every-" + name);
    const std::string args = "run " + name + small + " --seed 3 --run 2 --quiet --out " + out;
    const CliRun r = Mcx(args);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.out, "");  // --quiet
    const Described d = Describe(Mcx("describe " + name).out);

    const json summary = Read(out + "/summary.json");
    EXPECT_EQ(summary.at("scenario"), name);
    EXPECT_EQ(summary.at("seed"), 3);
    EXPECT_EQ(summary.at("run"), 2);
    std::set<std::string> params = Keys(summary.at("params"));
    params.insert("seed");
    params.insert("run");
    EXPECT_EQ(params, d.options);
    EXPECT_EQ(Keys(summary.at("metrics")), d.metrics);

    for (const std::string& f : d.files) {
      EXPECT_TRUE(fs::exists(out + "/" + f)) << f;
      if (f.size() > 4 && f.substr(f.size() - 4) == ".csv") {
        const std::string csv = Slurp(out + "/" + f);
        EXPECT_NE(csv.find(','), std::string::npos) << f;
        EXPECT_LT(csv.find(','), csv.find('\n')) << f << ": a header line";
      }
    }
    const json info = Read(out + "/run_info.json");
    EXPECT_EQ(info.at("command"), "mcxsim " + args);
    EXPECT_EQ(info.at("status"), "completed");
    EXPECT_NE(version.find(info.at("mcxsim_version").get<std::string>()), std::string::npos);
    EXPECT_NE(version.find(info.at("git_commit").get<std::string>()), std::string::npos);
    EXPECT_GT(info.at("simulated_s").get<double>(), 0.0);
    EXPECT_GT(info.at("peak_rss_mb").get<double>(), 1.0);
    EXPECT_GE(info.at("wall_clock_s").get<double>(), 0.0);
  }
}

TEST_F(RunCommand, GivenValuesAndDefaultsAreRecordedWithTheirTypes) {
  ASSERT_EQ(Mcx("run group-rekey --members 3 --rekeys 1 --transport http --no-tls --quiet --out " + Out("given")).status,
            0);
  const json p = Read(Out("given") + "/summary.json").at("params");
  EXPECT_EQ(p.at("members"), 3);
  EXPECT_TRUE(p.at("members").is_number_integer());
  EXPECT_EQ(p.at("transport"), "http");
  EXPECT_EQ(p.at("no-tls"), true);
  EXPECT_EQ(p.at("sip-tcp"), false);
  EXPECT_DOUBLE_EQ(p.at("sip-t1").get<double>(), 0.5);
  EXPECT_EQ(p.at("tcp-segment-size"), 1400);
  EXPECT_FALSE(p.contains("ns3"));  // no override given
  const json m = Read(Out("given") + "/summary.json").at("metrics");
  EXPECT_EQ(m.at("members_total"), 3);
  EXPECT_EQ(m.at("members_rekeyed"), 3);
  EXPECT_GT(m.at("signalling_bytes").at("gmk_http_get").get<int>(), 0);  // the transport asked for
}

TEST_F(RunCommand, AnNs3AttributeOverrideReachesTheModelAndIsRecorded) {
  const std::string base = "run offnet-private-call --calls 3 --quiet --out ";
  ASSERT_EQ(Mcx(base + Out("plain")).status, 0);
  const CliRun given = Mcx(base + Out("frames") + " --mcx::OffnetMcpttApp::FrameInterval=40ms");
  ASSERT_EQ(given.status, 0) << given.err;
  const CliRun env = Mcx(base + Out("frames-env"), "NS_ATTRIBUTE_DEFAULT='mcx::OffnetMcpttApp::FrameInterval=40ms'");
  ASSERT_EQ(env.status, 0) << env.err;
  const json plain = Read(Out("plain") + "/summary.json"), frames = Read(Out("frames") + "/summary.json");
  EXPECT_EQ(frames.at("params").at("ns3").at("mcx::OffnetMcpttApp::FrameInterval"), "40ms");
  EXPECT_FALSE(plain.at("params").contains("ns3"));
  // Voice frames every 40 ms instead of 20: half as many heard in the same talk spurts.
  const int heard = plain.at("metrics").at("mouth_to_ear_ms").at("count").get<int>();
  ASSERT_GT(heard, 0);
  EXPECT_EQ(frames.at("metrics").at("mouth_to_ear_ms").at("count").get<int>() * 2, heard);
  EXPECT_EQ(Read(Out("frames-env") + "/summary.json"), frames);
}

TEST_F(RunCommand, AnOverrideOfWhatAParameterSetsIsPointedOut) {
  const CliRun r = Mcx("run offnet-private-call --calls 1 --mcx::SlNetDevice::Mcs=10 --quiet --out " + Out("mcs"));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("--mcs sets mcx::SlNetDevice::Mcs"), std::string::npos) << r.err;
}

TEST_F(RunCommand, Ns3HabitsPrintTypesAndAttributes) {
  const CliRun types = Mcx("run group-rekey --PrintTypeIds");
  EXPECT_EQ(types.status, 0);
  EXPECT_NE(types.out.find("mcx::SlNetDevice"), std::string::npos);
  EXPECT_NE(types.out.find("ns3::TcpSocket"), std::string::npos);
  const CliRun attrs = Mcx("run group-rekey --PrintAttributes=mcx::GmsApp");
  EXPECT_EQ(attrs.status, 0);
  EXPECT_NE(attrs.out.find("--mcx::GmsApp::ActivationDelay="), std::string::npos);
  EXPECT_NE(attrs.out.find("--mcx::McxApp::SipT1="), std::string::npos);  // its parent's too
}

TEST_F(RunCommand, UsageErrorsAreOneLineWithStatusTwoAndWriteNothing) {
  const std::string out = " --out " + Out("never");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"run group-rekey --bogus 1" + out, "unknown option --bogus"},
      {"run group-rekey --members 3 --members 4" + out, "--members is given twice"},
      {"run group-rekey --members 0" + out, "--members is a whole number from 1 to 100000, not '0'"},
      {"run group-rekey --members 12x" + out, "not '12x'"},
      {"run group-rekey --access wifi" + out, "one of lte, ideal"},
      {"run group-rekey --groups 5 --members 3" + out, "--groups must not exceed --members"},
      {"run group-rekey --ns3::NoSuchType::X=1" + out, "no ns-3 type ns3::NoSuchType"},
      {"run group-rekey --ns3::TcpSocket::NoSuchAttribute=1" + out, "no attribute ns3::TcpSocket::NoSuchAttribute"},
      {"run group-rekey --ns3::TcpSocket::SegmentSize=big" + out, "does not take 'big'"},
      {"run on-off-transition --leave 50 --return 40" + out, "before they return"},
      {"run group-rekey --members 3", "missing --out"},
      {"run no-such-scenario" + out, "no-such-scenario"},
  };
  for (const auto& [args, message] : cases) {
    const CliRun r = Mcx(args);
    EXPECT_EQ(r.status, 2) << args;
    EXPECT_NE(r.err.find(message), std::string::npos) << args << "\n" << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << args << "\n" << r.err;
  }
  EXPECT_FALSE(fs::exists(Out("never")));
}

TEST_F(RunCommand, ARunInWhichNothingCouldHappenSaysSoAndExitsThree) {
  // The KMS is never reachable: no member is provisioned, so no member can hold a GMK.
  const std::string args = "run group-rekey --members 2 --rekeys 1 --kms-outage 0,1000 --quiet --out ";
  const CliRun r = Mcx(args + Out("nothing"));
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_NE(r.err.find("no member holds its group's last GMK"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  const auto info = nlohmann::json::parse(std::ifstream(Out("nothing") + "/run_info.json"));
  EXPECT_EQ(info.at("status"), "nothing_happened");
  EXPECT_TRUE(fs::exists(Out("nothing") + "/summary.json"));  // the results are written all the same
  EXPECT_EQ(Mcx(args + Out("nothing-allowed") + " --allow-empty").status, 0);
}

TEST_F(RunCommand, OneSeedAndRunGiveIdenticalFilesAnotherRunDoesNot) {
  const std::string args = "run offnet-group-call --members 3 --duration 20 --quiet --out ";
  ASSERT_EQ(Mcx(args + Out("a")).status, 0);
  ASSERT_EQ(Mcx(args + Out("b")).status, 0);
  ASSERT_EQ(Mcx(args + Out("c") + " --run 2").status, 0);
  EXPECT_EQ(Slurp(Out("a") + "/summary.json"), Slurp(Out("b") + "/summary.json"));
  EXPECT_NE(Read(Out("a") + "/summary.json").at("metrics"), Read(Out("c") + "/summary.json").at("metrics"));
}

TEST_F(RunCommand, DemoPassesEveryCheckAndRepeatsWithASeed) {
  const CliRun a = Mcx("demo --seed 7 --time 1790000000"), b = Mcx("demo --seed 7 --time 1790000000");
  ASSERT_EQ(a.status, 0) << a.err;
  EXPECT_NE(a.out.find("bob decapsulates"), std::string::npos);
  EXPECT_NE(a.out.find("alice tries with her own RSK:      sakke_integrity_failed"), std::string::npos);
  EXPECT_NE(a.out.find("all checks passed"), std::string::npos);
  // Timings differ between runs; everything else (keys, IDs, fingerprints) repeats.
  const std::regex ms(R"(\(?[0-9.]+ ms\)?)");
  EXPECT_EQ(std::regex_replace(a.out, ms, ""), std::regex_replace(b.out, ms, ""));
}

TEST_F(RunCommand, PlotDrawsEverySeriesOfTheCsvWithGnuplot) {
  const std::string csv = Out("plot.csv"), svg = Out("plot.svg"), png = Out("plot.png");
  std::ofstream(csv) << "x,alpha,beta\n1,2,3\n2,4,5\n3,1,6\n";
  CliRun r = Mcx("plot --csv " + csv + ":model --x x --y alpha,beta --title Demo --logy --out " + svg);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string text = Slurp(svg);
  EXPECT_NE(text.find("<svg"), std::string::npos);
  EXPECT_NE(text.find("Demo"), std::string::npos);
  EXPECT_NE(text.find("model alpha"), std::string::npos);
  EXPECT_NE(text.find("model beta"), std::string::npos);
  EXPECT_NE(Slurp(svg + ".gp").find("set logscale y"), std::string::npos);
  EXPECT_EQ(Slurp(svg + ".dat"), "# model alpha\n1 2\n2 4\n3 1\n\n\n# model beta\n1 3\n2 5\n3 6\n\n\n");
  // PNG by the extension.
  ASSERT_EQ(Mcx("plot --csv " + csv + " --x x --y alpha --out " + png).status, 0);
  EXPECT_EQ(Slurp(png).substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  // A CDF of a column: steps from 0 to 1 over the sorted values.
  ASSERT_EQ(Mcx("plot --csv " + csv + ":beta --cdf beta --out " + svg).status, 0);
  EXPECT_EQ(Slurp(svg + ".dat"), "# beta\n3 0\n3 0.3333333333\n5 0.6666666667\n6 1\n\n\n");
  EXPECT_NE(Slurp(svg + ".gp").find("set yrange [0:1]"), std::string::npos);
  // Its tail, zoomed with --ymin.
  ASSERT_EQ(Mcx("plot --csv " + csv + ":beta --cdf beta --ymin 0.5 --out " + svg).status, 0);
  EXPECT_NE(Slurp(svg + ".gp").find("set yrange [0.5:]"), std::string::npos) << Slurp(svg + ".gp");
  EXPECT_EQ(Slurp(svg + ".gp").find("set yrange [0:1]"), std::string::npos);
  // Mistakes: a missing column, a zero on a log axis, an unknown format.
  EXPECT_EQ(Mcx("plot --csv " + csv + " --x x --y gamma --out " + svg).status, 2);
  std::ofstream(csv) << "x,alpha\n0,2\n1,3\n";
  r = Mcx("plot --csv " + csv + " --x x --y alpha --logx --out " + svg);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("a log axis cannot show 0"), std::string::npos) << r.err;
  EXPECT_EQ(Mcx("plot --csv " + csv + " --x x --y alpha --out " + Out("plot.pdf")).status, 2);
}

// --pcap taps every point-to-point link and sidelink device; tshark reads the files: the group
// call's INVITE with its SDP (voice and the MCPTT floor line), the SRTP voice and SRTCP floor
// control on-network, and MONP (port 8809) and media on the sidelink, as raw IP.
TEST_F(RunCommand, PcapTapsEveryLinkForWireshark) {
  ASSERT_EQ(std::system("command -v tshark >/dev/null 2>&1"), 0) << "tshark is not installed (scripts/mcx installs it)";
  const std::string on = Out("pcap-on");
  ASSERT_EQ(Mcx("run group-call --members 3 --duration 10 --quiet --force --out " + Out("call") + " --pcap " + on).status, 0);
  EXPECT_NE(Slurp(on + "/nodes.txt").find("ns3::PointToPointNetDevice"), std::string::npos);
  auto tshark = [&](const std::string& args) {
    const std::string txt = Out("tshark.txt");
    std::system(("for f in " + args + " > " + txt + " 2>/dev/null").c_str());
    return Slurp(txt);
  };
  const std::string invites = tshark(on + "/p2p-*.pcap; do tshark -r $f -Y 'sip.Method == \"INVITE\"' -V; done");
  EXPECT_NE(invites.find("application 49150 udp MCPTT"), std::string::npos) << invites.substr(0, 2000);
  EXPECT_NE(invites.find("fmtp:MCPTT mc_queueing"), std::string::npos);
  EXPECT_NE(invites.find("audio 49151 RTP/SAVP"), std::string::npos);
  const std::string phs = tshark(on + "/p2p-*.pcap; do tshark -r $f -q -z io,phs; done");
  EXPECT_NE(phs.find(" rtp "), std::string::npos) << phs;
  EXPECT_NE(phs.find(" rtcp "), std::string::npos) << phs;
  EXPECT_NE(phs.find(" tls "), std::string::npos) << phs;  // the KMS's HTTPS

  const std::string off = Out("pcap-off");
  ASSERT_EQ(Mcx("run offnet-group-call --duration 10 --quiet --force --out " + Out("offcall") + " --pcap " + off).status, 0);
  const std::string ports = tshark(off + "/sidelink-*.pcap; do tshark -r $f -T fields -e udp.dstport; done");
  EXPECT_NE(ports.find("8809\n"), std::string::npos) << "no MONP on the sidelink";
  EXPECT_NE(ports.find("49150\n"), std::string::npos) << "no voice on the sidelink";
}

// A private call's INVITE as Wireshark reads it (issue 14 item 3, issue 13): the SDP offer with
// a=key-mgmt:mikey, the same I_MESSAGE on the caller's INVITE to the MCX server and on the
// server's INVITE to the callee (relayed unread, TS 33.180 5.7), nothing malformed.
TEST_F(RunCommand, PcapShowsAPrivateCallsKeyMgmtOnBothInvites) {
  ASSERT_EQ(std::system("command -v tshark >/dev/null 2>&1"), 0) << "tshark is not installed (scripts/mcx installs it)";
  const std::string pcap = Out("pcap-private");
  ASSERT_EQ(Mcx("run private-call --calls 1 --quiet --force --out " + Out("pc") + " --pcap " + pcap).status, 0);
  const std::string txt = Out("invites.txt");
  std::system(("for f in " + pcap + "/p2p-*.pcap; do tshark -r $f -Y 'sip.Method == \"INVITE\"' -T fields -E separator='|' "
               "-e ip.src -e ip.dst -e sdp.media_attr -e _ws.malformed; done > " + txt + " 2>/dev/null").c_str());
  std::set<std::string> key_mgmt, hops;
  std::istringstream in(Slurp(txt));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string x; std::getline(fields, x, '|');) f.push_back(x);
    if (!line.empty() && line.back() == '|') f.push_back("");
    ASSERT_EQ(f.size(), 4u) << line;
    EXPECT_EQ(f[3], "") << "malformed: " << line;
    const auto at = f[2].find("key-mgmt:mikey ");
    ASSERT_NE(at, std::string::npos) << "an INVITE without key-mgmt: " << line;
    key_mgmt.insert(f[2].substr(at, f[2].find(',', at) - at));
    hops.insert(f[0] + ">" + f[1]);
  }
  EXPECT_EQ(hops.size(), 2u) << "the caller's INVITE to the server and the server's to the callee";
  EXPECT_EQ(key_mgmt.size(), 1u) << "the I_MESSAGE changed on its way";
  ASSERT_FALSE(key_mgmt.empty());
  EXPECT_GT(key_mgmt.begin()->size(), 400u);  // SAKKE and ECCSI payloads, base64
}

// --flows: each call's messages as a Mermaid chart and a ladder, checked against the sequence the
// scenario declares; summary.json counts the flows that conform.
TEST_F(RunCommand, FlowsOfPrivateAndGroupCallsAreChartedAndConform) {
  const std::string flows = Out("flows-private");
  ASSERT_EQ(Mcx("run offnet-private-call --calls 4 --quiet --force --out " + Out("private") + " --flows " + flows).status, 0);
  const json f = json::parse(Slurp(Out("private") + "/summary.json"))["flows"];
  EXPECT_EQ(f["recorded"], 4);
  EXPECT_EQ(f["checked"], 4);
  EXPECT_EQ(f["conforming"], 4) << f.dump();
  EXPECT_EQ(f["deviating"], 0);
  const std::string chart = Slurp(flows + "/001-monp.mmd");
  EXPECT_EQ(chart.rfind("sequenceDiagram\n", 0), 0u);
  EXPECT_NE(chart.find("->>"), std::string::npos);
  EXPECT_NE(chart.find(": PRIVATE CALL SETUP REQUEST"), std::string::npos);
  EXPECT_NE(chart.find("conforms to off-network private call, automatic commencement (TS 24.379"), std::string::npos);
  EXPECT_NE(Slurp(flows + "/001-monp.txt").find("PRIVATE CALL ACCEPT"), std::string::npos);
  EXPECT_NE(Slurp(flows + "/flows.txt").find("001-monp, MONP, private call "), std::string::npos);

  ASSERT_EQ(Mcx("run group-call --members 3 --duration 10 --quiet --force --out " + Out("gc") + " --flows " + Out("flows-gc")).status, 0);
  const json g = json::parse(Slurp(Out("gc") + "/summary.json"))["flows"];
  // 3 registrations, 3 CSK uploads, 3 INVITE dialogs, and the floor's busy periods as each
  // member saw them (its floor control is SRTCP: the types read from the clear RTCP header).
  EXPECT_GT(g["checked"].get<int>(), 9) << g.dump();
  EXPECT_EQ(g["conforming"], g["checked"]) << g.dump();
  const std::string index = Slurp(Out("flows-gc") + "/flows.txt");
  EXPECT_NE(index.find("conforms to INVITE dialog, automatic commencement"), std::string::npos);
  EXPECT_NE(index.find("-floor, Floor, "), std::string::npos) << index;
  EXPECT_NE(index.find("conforms to floor busy period, granted at call set-up"), std::string::npos) << index;
  EXPECT_NE(index.find("conforms to floor busy period, heard from another talker"), std::string::npos) << index;
}

TEST_F(RunCommand, SigintEndsTheRunCleanlyWithPartialResults) {
  // A 600-second call; SIGINT once the run has begun (its folder exists).
  const std::string out = Out("interrupted");
  const std::string cmd = std::string("( ") + MCXSIM_BIN + " run group-call --members 10 --duration 600 --quiet --out " +
                          out + " 2>" + Out("interrupted.err") + " & pid=$!; i=0; while [ ! -d " + out +
                          " ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done; sleep 0.3; kill -INT $pid; wait $pid; echo $? > " + Out("interrupted.rc") + " )";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  EXPECT_EQ(Slurp(Out("interrupted.rc")), "130\n") << Slurp(Out("interrupted.err"));
  EXPECT_NE(Slurp(Out("interrupted.err")).find("interrupted at"), std::string::npos);
  const json info = json::parse(Slurp(out + "/run_info.json"));
  EXPECT_EQ(info["status"], "interrupted");
  EXPECT_LT(info["simulated_s"].get<double>(), 600.0);
  const json summary = json::parse(Slurp(out + "/summary.json"));
  EXPECT_TRUE(summary["metrics"].contains("voice_frames_received"));  // the metrics of what happened
  EXPECT_TRUE(fs::exists(out + "/floor_events.csv"));
}

TEST_F(RunCommand, ProgressLineOnATerminalOnly) {
  // On a terminal (script(1) gives the run one): simulated time, wall time and ETA on one line.
  const std::string run = std::string(MCXSIM_BIN) + " run group-call --members 10 --duration 120 --force --out " + Out("progress");
  ASSERT_EQ(std::system(("script -qec '" + run + "' /dev/null > " + Out("tty.txt") + " 2>&1").c_str()), 0);
  const std::string tty = Slurp(Out("tty.txt"));
  EXPECT_TRUE(std::regex_search(tty, std::regex(R"(run: simulated [0-9.]+ of 129\.2 s, wall 0m[0-9]{2}s, ETA)"))) << tty;
  // Not on a terminal, and not with --quiet on one.
  CliRun r = Mcx("run group-call --members 10 --duration 120 --force --out " + Out("progress"));
  EXPECT_EQ(r.err.find("run: simulated"), std::string::npos) << r.err;
  ASSERT_EQ(std::system(("script -qec '" + run + " --quiet' /dev/null > " + Out("tty.txt") + " 2>&1").c_str()), 0);
  EXPECT_EQ(Slurp(Out("tty.txt")).find("run: simulated"), std::string::npos);
}

// --threads N: workers compute the crypto ahead (crypto/ahead.h); every file a run writes but
// run_info.json (wall clock, memory, the threads and what they computed) is the same byte for
// byte for 1, 2 and 4 threads, in every scenario, the key log included.
TEST_F(RunCommand, ThreadsChangeNoResultOnlyTheWallClock) {
  auto files = [](const std::string& dir) {
    std::map<std::string, std::string> f;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().filename() != "run_info.json") f[e.path().filename().string()] = Slurp(e.path().string());
    return f;
  };
  std::vector<std::pair<std::string, std::string>> runs;
  for (const std::string& name : Names()) runs.emplace_back(name, Quick(name));
  runs.emplace_back("group-rekey", " --members 40 --access ideal --rekeys 3");  // many keys at once
  for (const auto& [name, args] : runs) {
    SCOPED_TRACE(name + args);
    std::map<std::string, std::string> first;
    for (const std::string threads : {"1", "2", "4"}) {
      const std::string out = Out("threads-" + name + "-" + std::to_string(args.size()) + "-" + threads);
      const CliRun r = Mcx("run " + name + args + " --threads " + threads + " --keylog " + out + ".keys --quiet --out " + out);
      ASSERT_EQ(r.status, 0) << r.err;
      auto f = files(out);
      std::istringstream keys(Slurp(out + ".keys"));
      for (std::string line; std::getline(keys, line);)
        if (line.rfind("#", 0) != 0) f["keylog"] += line + "\n";  // the keys, not the command line
      const json info = Read(out + "/run_info.json");
      EXPECT_EQ(info.at("threads"), std::stoi(threads));
      const json& ahead = info.at("computed_ahead");
      const uint64_t taken = ahead.at("ready").get<uint64_t>() + ahead.at("waited").get<uint64_t>() +
                             ahead.at("computed_by_simulation").get<uint64_t>();
      if (threads == "1") {
        EXPECT_EQ(ahead.at("submitted"), 0);
        first = f;
        continue;
      }
      EXPECT_LE(taken, ahead.at("submitted").get<uint64_t>());
      if (name == "group-rekey" || name == "private-call") EXPECT_GT(taken, 0u) << info.dump();
      EXPECT_EQ(f.size(), first.size());
      for (const auto& [file, text] : first) EXPECT_TRUE(f[file] == text) << file << " differs with --threads " << threads;
    }
  }
  EXPECT_EQ(Mcx("run group-rekey --threads 0 --out " + Out("t0")).status, 2);
}

// --ue-key-tables: receiver keys with or without their RSK line table (memory against the
// simulator's CPU time) give the same files; auto with a 1 MB budget mixes both kinds.
TEST_F(RunCommand, KeyTablesChangeNoResult) {
  auto summary_and_csv = [](const std::string& dir) {
    return Slurp(dir + "/summary.json") + Slurp(dir + "/rekey_events.csv");
  };
  const std::string run = "run group-rekey --members 40 --access ideal --rekeys 2 --threads 2 --quiet";
  ASSERT_EQ(Mcx(run + " --ue-key-tables on --out " + Out("tables-on")).status, 0);
  // The tables really differ: 42 keys (40 UEs, the GMS, the MCX server) of 343 kB each with
  // on, at most the 1 MB budget plus one per thread with auto, none with off.
  const double on_mb = Read(Out("tables-on") + "/run_info.json").at("line_tables_peak_mb").get<double>();
  EXPECT_GT(on_mb, 12.0);
  for (const std::string how : {"off", "auto --key-table-budget-mb 1"}) {
    SCOPED_TRACE(how);
    const std::string out = Out("tables-" + how.substr(0, 3));
    const CliRun r = Mcx(run + " --ue-key-tables " + how + " --out " + out);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(summary_and_csv(out), summary_and_csv(Out("tables-on")));
    const json info = Read(out + "/run_info.json");
    EXPECT_EQ(info.at("ue_key_tables"), how.substr(0, how.find(' ')));
    const double mb = info.at("line_tables_peak_mb").get<double>();
    if (how == "off") EXPECT_EQ(mb, 0.0);
    else EXPECT_TRUE(mb > 0.0 && mb <= 1.0 + 2 * 0.34) << mb;
  }
  const CliRun bad = Mcx(run + " --ue-key-tables sometimes --out " + Out("tables-bad"));
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--ue-key-tables is on, off or auto, not 'sometimes'"), std::string::npos) << bad.err;
}

TEST_F(RunCommand, ResultsAreNeverOverwrittenByAnotherCommand) {
  const std::string args = " --quiet --out " + Out("keep");
  ASSERT_EQ(Mcx("run offnet-private-call --calls 1" + args).status, 0);
  const std::string first = Slurp(Out("keep") + "/summary.json");
  // The same command again replaces its own earlier run, and says so.
  const CliRun same = Mcx("run offnet-private-call --calls 1" + args);
  EXPECT_EQ(same.status, 0);
  EXPECT_NE(same.err.find("replacing the earlier run"), std::string::npos) << same.err;
  // Another command is refused, and nothing changes.
  const CliRun other = Mcx("run offnet-private-call --calls 2" + args);
  EXPECT_EQ(other.status, 2);
  EXPECT_NE(other.err.find("not empty"), std::string::npos) << other.err;
  EXPECT_EQ(Slurp(Out("keep") + "/summary.json"), first);
  // --force writes into it.
  EXPECT_EQ(Mcx("run offnet-private-call --calls 2 --force" + args).status, 0);
  EXPECT_NE(Slurp(Out("keep") + "/summary.json"), first);
  // A folder of other files is never a run's.
  std::filesystem::create_directories(Out("notes"));
  std::ofstream(Out("notes") + "/thesis.tex") << "draft";
  EXPECT_EQ(Mcx("run offnet-private-call --calls 1 --quiet --out " + Out("notes")).status, 2);
  EXPECT_EQ(Slurp(Out("notes") + "/thesis.tex"), "draft");
}

}  // namespace
}  // namespace mcx::test
