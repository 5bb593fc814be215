#include "mcx/sim/cli_args.h"

#include <cstdio>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "mcx/security/kms.h"

namespace mcx::sim {

Args::Args(const std::vector<std::string>& argv, std::set<std::string> valued, std::set<std::string> flags) {
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    if (a == "--help" || a == "-h") {
      help_ = true;
    } else if (a.rfind("--", 0) == 0 && a.size() > 2) {
      std::string name = a.substr(2);
      std::optional<std::string> inline_value;
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      const bool repeatable = valued.count(name + "*") > 0;
      if (valued.count(name) || repeatable) {
        if (!inline_value && i + 1 >= argv.size()) throw UsageError("option --" + name + " needs a value");
        if (!repeatable && values_.count(name)) throw UsageError("--" + name + " is given twice");
        values_[name].push_back(inline_value ? *inline_value : argv[++i]);
      } else if (flags.count(name) && !inline_value) {
        if (!flags_set_.insert(name).second) throw UsageError("--" + name + " is given twice");
      } else {
        throw UsageError("unknown option --" + name);
      }
    } else {
      positionals_.push_back(a);
    }
  }
}

std::optional<std::string> Args::Get(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second.back();
}

std::optional<double> Args::Number(const std::string& name) const {
  auto v = Get(name);
  if (!v) return std::nullopt;
  size_t used = 0;
  double x = 0;
  try {
    x = std::stod(*v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != v->size()) throw UsageError("--" + name + " needs a number, not '" + *v + "'");
  return x;
}

std::optional<uint64_t> Args::Count(const std::string& name, uint64_t min, uint64_t max) const {
  auto v = Get(name);
  if (!v) return std::nullopt;
  return ParseCount(name, *v, min, max);
}

uint64_t ParseCount(const std::string& name, const std::string& text, uint64_t min, uint64_t max) {
  const std::string range = " (a whole number from " + std::to_string(min) + " to " + std::to_string(max) + ")";
  uint64_t x = 0;
  bool ok = !text.empty() && text.size() <= 20;
  for (char c : text) {
    if (c < '0' || c > '9') {
      ok = false;
      break;
    }
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (x > (UINT64_MAX - d) / 10) {
      ok = false;
      break;
    }
    x = x * 10 + d;
  }
  if (!ok || x < min || x > max) throw UsageError("--" + name + " is not '" + text + "'" + range);
  return x;
}

void Args::AtMostPositionals(size_t n) const {
  if (positionals_.size() > n) throw UsageError("unexpected argument '" + positionals_[n] + "'");
}

std::string Args::Require(const std::string& name) const {
  auto v = Get(name);
  if (!v) throw UsageError("missing --" + name);
  return *v;
}

std::vector<std::string> Args::All(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::string ReadFileOrStdin(const std::string& path) {
  if (path == "-") return std::string(std::istreambuf_iterator<char>(std::cin), {});
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& data, bool secret) {
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());  // O_EXCL, mode 0600 from the start
  if (fd < 0) throw std::runtime_error("cannot write " + path);
  auto fail = [&]() {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot write " + path);
  };
  if (!secret && ::fchmod(fd, 0644) != 0) fail();
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) fail();
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) fail();
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot write " + path);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw std::runtime_error("cannot write " + path);
  }
}

uint64_t UnixTimeOrNow(const std::optional<std::string>& iso) {
  if (!iso) return static_cast<uint64_t>(std::time(nullptr));
  auto t = security::kms::ParseXsDateTime(*iso);
  if (!t) throw UsageError("bad time '" + *iso + "' (use ISO 8601 UTC, e.g. 2026-09-21T10:00:00Z)");
  return *t;
}

std::string ShellQuote(const std::string& a) {
  if (!a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=.,:/@+") ==
                        std::string::npos)
    return a;
  std::string q = "'";
  for (char c : a) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string WallDuration(double s) {
  char buf[32];
  const long t = static_cast<long>(s + 0.5);
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, t / 60 % 60);
  else
    std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  return buf;
}

}  // namespace mcx::sim
