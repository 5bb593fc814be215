#include "mcx/scenarios/registry/params.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "mcx/security/kms.h"

namespace mcx::scenarios {

namespace {

std::string Num(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == std::floor(v) && std::fabs(v) < 1e18) return std::to_string(static_cast<long long>(v));
  std::ostringstream s;
  s.precision(12);
  s << v;
  return s.str();
}

// A whole decimal number (digits only, no sign, fraction or exponent) or a finite real.
std::optional<double> ParseNumber(const std::string& text, bool whole) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return std::nullopt;
  if (whole) {
    if (text.size() > 19) return std::nullopt;
    for (char c : text)
      if (c < '0' || c > '9') return std::nullopt;
    return static_cast<double>(std::strtoull(text.c_str(), nullptr, 10));
  }
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || errno == ERANGE || !std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace

std::optional<uint64_t> ParseDateTime(const std::string& text) {
  auto t = security::kms::ParseXsDateTime(text);
  if (!t) return std::nullopt;
  return *t;
}

std::string FormatDateTime(uint64_t unix_seconds) { return security::kms::XsDateTime(unix_seconds); }

std::string ParamSpec::Accepts() const {
  auto range = [&] {
    if (std::isinf(min) && std::isinf(max)) return std::string();
    if (std::isinf(max)) return " of at least " + Num(min);
    if (std::isinf(min)) return " of at most " + Num(max);
    return " from " + Num(min) + " to " + Num(max);
  };
  switch (type) {
    case Type::kCount: return "a whole number" + range();
    case Type::kReal: return "a number" + range();
    case Type::kFlag: return "no value";
    case Type::kChoice: {
      std::string s = "one of";
      for (size_t i = 0; i < choices.size(); ++i) s += (i ? ", " : " ") + choices[i];
      return s;
    }
    case Type::kText: return "a text";
    case Type::kRealList: return "numbers separated by commas, each" + (range().empty() ? " a number" : range());
    case Type::kDateTime: return "an xs:dateTime such as 2026-11-22T12:00:00Z";
  }
  return "";
}

std::variant<ParamValue, std::string> ParamSpec::Parse(const std::string& text) const {
  const std::string why = "--" + name + " is " + Accepts() + ", not '" + text + "'";
  auto in_range = [&](double v) { return v >= min && v <= max; };
  switch (type) {
    case Type::kCount:
    case Type::kReal: {
      auto v = ParseNumber(text, type == Type::kCount);
      if (!v || !in_range(*v)) return why;
      return ParamValue(*v);
    }
    case Type::kFlag: return ParamValue(true);
    case Type::kChoice:
      for (const auto& c : choices)
        if (c == text) return ParamValue(text);
      return why;
    case Type::kText: return ParamValue(text);
    case Type::kRealList: {
      std::vector<double> out;
      std::stringstream ss(text);
      for (std::string item; std::getline(ss, item, ',');) {
        auto v = ParseNumber(item, false);
        if (!v || !in_range(*v)) return why;
        out.push_back(*v);
      }
      if (out.empty() || text.back() == ',') return why;
      return ParamValue(std::move(out));
    }
    case Type::kDateTime:
      if (!ParseDateTime(text)) return why;
      return ParamValue(text);
  }
  return why;
}

std::string ParamSpec::Format(const ParamValue& v) const {
  if (const double* d = std::get_if<double>(&v)) return Num(*d);
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const std::string* s = std::get_if<std::string>(&v)) return *s;
  std::string out;
  for (double d : std::get<std::vector<double>>(v)) out += (out.empty() ? "" : ",") + Num(d);
  return out;
}

}  // namespace mcx::scenarios
