// mcxsim decrypt: a run's pcap files opened with its key log (capture/pcap_decrypt.h), for
// Wireshark, which cannot read our key log itself.
#include <cstdio>
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "mcx/sim/capture/pcap_decrypt.h"
#include "mcx/sim/cli_args.h"

namespace mcx::sim {

namespace fs = std::filesystem;

namespace {

constexpr const char* kUsage =
    "usage: mcxsim decrypt --keylog FILE IN OUT\n"
    "\n"
    "Writes OUT, the pcap file IN with every SRTP and SRTCP packet whose MKI the key log names\n"
    "replaced by the RTP or RTCP packet it protects (IPv4 and UDP lengths and checksums made right),\n"
    "so that Wireshark and tshark show the voice and the floor control of a protected run.\n"
    "IN and OUT may be directories: every IN/*.pcap is written to OUT/ under its name.\n"
    "The key log and the captures come from one run: mcxsim run ... --pcap DIR --keylog FILE.\n";

}  // namespace

int RunDecrypt(const std::vector<std::string>& argv) {
  Args a(argv, {"keylog"}, {});
  if (a.Help() || argv.empty()) {
    std::printf("%s", kUsage);
    return argv.empty() ? 2 : 0;
  }
  const auto keylog = a.Get("keylog");
  if (!keylog) throw UsageError("mcxsim decrypt needs --keylog FILE (mcxsim run ... --keylog FILE)");
  if (a.Positionals().size() != 2) throw UsageError("mcxsim decrypt takes IN and OUT (mcxsim decrypt --help)");
  const std::string in = a.Positionals()[0], out = a.Positionals()[1];
  const auto keys = capture::ReadKeyLog(ReadFileOrStdin(*keylog));
  std::vector<std::pair<std::string, std::string>> files;
  if (fs::is_directory(in)) {
    std::error_code ec;
    fs::create_directories(out, ec);
    if (ec) throw std::runtime_error("cannot create " + out + ": " + ec.message());
    for (const auto& f : fs::directory_iterator(in))
      if (f.path().extension() == ".pcap") files.emplace_back(f.path().string(), (fs::path(out) / f.path().filename()).string());
    if (files.empty()) throw UsageError(in + " holds no .pcap file");
    std::sort(files.begin(), files.end());
  } else {
    files.emplace_back(in, out);
  }
  capture::DecryptCounts total;
  for (const auto& [from, to] : files) {
    if (fs::exists(to) && fs::equivalent(from, to)) throw UsageError("OUT would overwrite IN: " + from);
    capture::DecryptCounts c;
    WriteFile(to, capture::DecryptPcap(ReadFileOrStdin(from), keys, c));
    std::printf("%s: %zu packets, %zu SRTP and %zu SRTCP opened, %zu RTP-like left as they were\n", to.c_str(),
                c.packets, c.srtp, c.srtcp, c.unopened);
    total.packets += c.packets, total.srtp += c.srtp, total.srtcp += c.srtcp, total.unopened += c.unopened;
  }
  if (files.size() > 1)
    std::printf("%zu files: %zu packets, %zu SRTP and %zu SRTCP opened, %zu left\n", files.size(), total.packets,
                total.srtp, total.srtcp, total.unopened);
  return 0;
}

}  // namespace mcx::sim
