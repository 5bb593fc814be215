// Runs the real mcxsim binary (MCXSIM_BIN) the way a user does, capturing its exit status,
// standard output and standard error, for the command-line tests.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

namespace mcx::test {

struct CliRun {
  int status;
  std::string out, err;
  nlohmann::json Json() const { return nlohmann::json::parse(out); }
};

inline std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// `mcxsim ARGS` (a shell command line) with its output captured in `scratch_dir`.
inline CliRun RunMcxsim(const std::string& args, const std::string& scratch_dir, const std::string& env = "") {
  const std::string out = scratch_dir + "/stdout", err = scratch_dir + "/stderr";
  const int rc = std::system((env + " " + MCXSIM_BIN + " " + args + " >" + out + " 2>" + err).c_str());
  return CliRun{WEXITSTATUS(rc), Slurp(out), Slurp(err)};
}

}  // namespace mcx::test
