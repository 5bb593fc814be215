// mcxsim: command-line entry point. Each verb lives in its own file.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace mcx::sim {
int RunDemo(const std::vector<std::string>& args);
}

namespace {

void PrintUsage(FILE* out) {
  std::fprintf(out,
               "usage: mcxsim <verb> [options]\n"
               "\n"
               "verbs:\n"
               "  demo      KMS issues identity keys; alice signs, bob verifies; a key is\n"
               "            encapsulated to bob with SAKKE and recovered (mcxsim demo --help)\n"
               "  version   print the version\n"
               "\n"
               "mcxsim <verb> --help describes a verb.\n");
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
  if (verb == "demo") return mcx::sim::RunDemo(args);
  if (verb == "version") {
    std::printf("mcxsim 0.1.0\n");
    return 0;
  }
  std::fprintf(stderr, "mcxsim: unknown verb '%s' (mcxsim --help lists them)\n", verb.c_str());
  return 2;
}
