#include "mcx/sim/cli_args.h"

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
      if (valued.count(name)) {
        if (!inline_value && i + 1 >= argv.size()) throw UsageError("option --" + name + " needs a value");
        values_[name].push_back(inline_value ? *inline_value : argv[++i]);
      } else if (flags.count(name) && !inline_value) {
        flags_set_.insert(name);
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
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, secret ? 0600 : 0644);
  if (fd < 0) throw std::runtime_error("cannot write " + path);
  if (secret) ::fchmod(fd, 0600);  // also when the file existed with wider permissions
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + path);
    }
    done += static_cast<size_t>(n);
  }
  ::close(fd);
}

uint64_t UnixTimeOrNow(const std::optional<std::string>& iso) {
  if (!iso) return static_cast<uint64_t>(std::time(nullptr));
  auto t = security::kms::ParseXsDateTime(*iso);
  if (!t) throw UsageError("bad time '" + *iso + "' (use ISO 8601 UTC, e.g. 2026-09-21T10:00:00Z)");
  return *t;
}

}  // namespace mcx::sim
