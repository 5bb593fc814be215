// mcxsim: command-line entry point. Each verb lives in its own file.
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <vector>

#include "mcx/sim/cli_args.h"
#include "mcx/sim/version.h"

namespace mcx::sim {
int RunDemo(const std::vector<std::string>& args);
int RunKms(const std::vector<std::string>& args);
int RunMikey(const std::vector<std::string>& args);
int RunScenario(const std::vector<std::string>& args);
int ListScenarios(const std::vector<std::string>& args);
int DescribeScenario(const std::vector<std::string>& args);
int RunPlot(const std::vector<std::string>& args);
int RunSweep(const std::vector<std::string>& args);
int RunDecrypt(const std::vector<std::string>& args);
}

namespace {

void PrintUsage(FILE* out) {
  // Not a format: the text has a "%" of its own (95 % CIs).
  std::fputs("usage: mcxsim <verb> [options]\n"
             "\n"
             "verbs:\n"
             "  run       run a scenario: mcxsim run group-rekey --members 10 --out DIR\n"
             "  list      list the scenarios\n"
             "  describe  a scenario's parameters and outputs\n"
             "  sweep     a resumable campaign over a grid of parameters (TOML), here in parallel,\n"
             "            on Slurm or with GNU parallel; CSV export with confidence intervals\n"
             "  plot      charts with gnuplot (PNG, SVG): a campaign's metric with 95 % CIs, CDFs,\n"
             "            CSV columns (mcxsim plot --help)\n"
             "  decrypt   a run's pcap files with its SRTP/SRTCP opened by its key log, for\n"
             "            Wireshark (mcxsim decrypt --help)\n"
             "  demo      KMS issues identity keys; alice signs, bob verifies; a key is\n"
             "            encapsulated to bob with SAKKE and recovered (mcxsim demo --help)\n"
             "  kms       offline KMS: init a domain, provision key sets (TS 33.180 Annex D XML)\n"
             "  mikey     create and inspect MIKEY-SAKKE I_MESSAGEs (GMK, PCK, CSK, MuSiK)\n"
             "  version   print the version\n"
             "\n"
             "mcxsim <verb> --help describes a verb.\n",
             out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "help") == 0) {
    PrintUsage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string verb = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  try {
    if (verb == "demo") return mcx::sim::RunDemo(args);
    if (verb == "kms") return mcx::sim::RunKms(args);
    if (verb == "mikey") return mcx::sim::RunMikey(args);
    if (verb == "run") return mcx::sim::RunScenario(args);
    if (verb == "list") return mcx::sim::ListScenarios(args);
    if (verb == "describe") return mcx::sim::DescribeScenario(args);
    if (verb == "plot") return mcx::sim::RunPlot(args);
    if (verb == "sweep") return mcx::sim::RunSweep(args);
    if (verb == "decrypt") return mcx::sim::RunDecrypt(args);
  } catch (const mcx::sim::UsageError& e) {
    const std::string what = e.what();
    if (what.find("mcxsim ") != std::string::npos)  // the message already names where to look
      std::fprintf(stderr, "mcxsim %s: %s\n", verb.c_str(), what.c_str());
    else
      std::fprintf(stderr, "mcxsim %s: %s (see mcxsim %s --help)\n", verb.c_str(), what.c_str(), verb.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mcxsim %s: %s\n", verb.c_str(), e.what());
    return 1;
  }
  if (verb == "version") {
    std::printf("mcxsim %s (%s)\n", mcx::sim::kVersion, mcx::sim::kGitCommit);
    return 0;
  }
  std::fprintf(stderr, "mcxsim: unknown verb '%s' (mcxsim --help lists them)\n", verb.c_str());
  return 2;
}
