// A small command-line option parser for mcxsim verbs: --name value, --flag, positionals.
#pragma once

#include <cstdint>
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
  /// `valued`: options that take a value ("name*" for one that may repeat; any other given twice is
  /// an error); `flags`: options without one.
  Args(const std::vector<std::string>& argv, std::set<std::string> valued, std::set<std::string> flags);

  bool Help() const { return help_; }
  bool Flag(const std::string& name) const { return flags_set_.count(name) > 0; }
  std::optional<std::string> Get(const std::string& name) const;
  std::string Require(const std::string& name) const;
  /// --name's value as a number, if given. Throws UsageError when it is not one.
  std::optional<double> Number(const std::string& name) const;
  /// --name's value as a whole number in [min, max], if given; a sign, a fraction, trailing text
  /// or a value out of range is a UsageError naming the option and the range.
  std::optional<uint64_t> Count(const std::string& name, uint64_t min, uint64_t max) const;
  /// The positionals must be at most `n`.
  void AtMostPositionals(size_t n) const;
  std::vector<std::string> All(const std::string& name) const;
  const std::vector<std::string>& Positionals() const { return positionals_; }

 private:
  bool help_ = false;
  std::map<std::string, std::vector<std::string>> values_;
  std::set<std::string> flags_set_;
  std::vector<std::string> positionals_;
};

/// `text` as a whole number in [min, max]; a sign, a fraction, trailing text or a value out of
/// range is a UsageError naming --name and the range.
uint64_t ParseCount(const std::string& name, const std::string& text, uint64_t min, uint64_t max);

/// Reads a whole file ("-" = standard input). Throws std::runtime_error on failure.
std::string ReadFileOrStdin(const std::string& path);
/// Writes a file whole or not at all: into a new file beside it (mode 0600 from its creation when
/// `secret`, else 0644) renamed over `path` once written, so a reader never sees half a file and a
/// symlink planted at `path` is replaced, never followed. Throws std::runtime_error.
void WriteFile(const std::string& path, const std::string& data, bool secret = false);
/// Unix seconds from an ISO 8601 UTC time ("2026-09-21T10:00:00Z"), or now when absent.
uint64_t UnixTimeOrNow(const std::optional<std::string>& iso);
/// An argument as a POSIX shell reads it back: as it is when it holds only safe characters, else
/// in single quotes.
std::string ShellQuote(const std::string& a);
/// A wall-clock span for progress lines: "0m07s", "12m30s", "2h05m".
std::string WallDuration(double s);

}  // namespace mcx::sim
