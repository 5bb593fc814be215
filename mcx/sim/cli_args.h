// A small command-line option parser for mcxsim verbs: --name value, --flag, positionals.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace mcx::sim {

/// Thrown for a usage mistake; main prints it as one line on stderr and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Args {
 public:
  /// `valued`: options that take a value (may repeat); `flags`: options without one.
  Args(const std::vector<std::string>& argv, std::set<std::string> valued, std::set<std::string> flags);

  bool Help() const { return help_; }
  bool Flag(const std::string& name) const { return flags_set_.count(name) > 0; }
  std::optional<std::string> Get(const std::string& name) const;
  std::string Require(const std::string& name) const;
  /// --name's value as a number, if given. Throws UsageError when it is not one.
  std::optional<double> Number(const std::string& name) const;
  /// Sets field from --name's number when the option is given (converted to the field's type).
  template <typename T>
  void Set(const std::string& name, T& field) const {
    if (auto v = Number(name)) field = static_cast<T>(*v);
  }
  std::vector<std::string> All(const std::string& name) const;
  const std::vector<std::string>& Positionals() const { return positionals_; }

 private:
  bool help_ = false;
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> flags_set_;
  std::vector<std::string> positionals_;
};

/// Reads a whole file ("-" = standard input). Throws std::runtime_error on failure.
std::string ReadFileOrStdin(const std::string& path);
/// Writes a file; with secret, creates it with mode 0600. Throws std::runtime_error.
void WriteFile(const std::string& path, const std::string& data, bool secret = false);
/// Unix seconds from an ISO 8601 UTC time ("2026-09-21T10:00:00Z"), or now when absent.
uint64_t UnixTimeOrNow(const std::optional<std::string>& iso);

}  // namespace mcx::sim
