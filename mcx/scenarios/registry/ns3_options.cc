#include "mcx/scenarios/registry/ns3_options.h"

#include <ns3/config.h>
#include <ns3/string.h>
#include <ns3/type-id.h>

#include <algorithm>
#include <cstdlib>
#include <regex>
#include <sstream>

namespace mcx::scenarios {

namespace {

/// Whether ns-3 can read `value` as a value of `type` without aborting: numbers must be read
/// whole (as ns-3's DeserializeFromString requires), times must be a number with an optional unit.
bool WellFormed(const std::string& type, const std::string& value) {
  auto whole = [&](auto x) {
    std::istringstream in(value);
    in >> x;
    return !in.fail() && in.eof();
  };
  if (type == "ns3::UintegerValue") return value.find('-') == std::string::npos && whole(uint64_t{});
  if (type == "ns3::IntegerValue") return whole(int64_t{});
  if (type == "ns3::DoubleValue") return whole(double{});
  if (type == "ns3::TimeValue")
    return std::regex_match(value, std::regex(R"([+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?(s|ms|us|ns|ps|fs|min|h|d|y)?)"));
  return true;  // the others refuse a bad value themselves
}

}  // namespace

std::optional<std::string> SetAttributeDefault(const std::string& path, const std::string& value) {
  const auto split = path.rfind("::");
  if (split == std::string::npos || split == 0) return "'" + path + "' is not Type::Attribute";
  const std::string type = path.substr(0, split);
  ns3::TypeId tid;
  if (!ns3::TypeId::LookupByNameFailSafe(type, &tid)) return "no ns-3 type " + type + " (--PrintTypeIds lists them)";
  ns3::TypeId::AttributeInformation info;
  if (!tid.LookupAttributeByName(path.substr(split + 2), &info))
    return "no attribute " + path + " (--PrintAttributes=" + type + " lists them)";
  // ns-3 aborts on a badly formatted number or time instead of refusing it: check those first.
  if (!WellFormed(info.checker->GetValueTypeName(), value) ||
      !ns3::Config::SetDefaultFailSafe(path, ns3::StringValue(value)))
    return path + " does not take '" + value + "'";
  return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> EnvironmentAttributeDefaults() {
  std::vector<std::pair<std::string, std::string>> out;
  const char* env = std::getenv("NS_ATTRIBUTE_DEFAULT");
  if (env == nullptr) return out;
  std::stringstream ss(env);
  for (std::string item; std::getline(ss, item, ';');) {
    const auto eq = item.find('=');
    if (eq != std::string::npos && eq > 0) out.emplace_back(item.substr(0, eq), item.substr(eq + 1));
  }
  return out;
}

std::string TypeIdList() {
  std::vector<std::string> names;
  for (uint16_t i = 0; i < ns3::TypeId::GetRegisteredN(); ++i) names.push_back(ns3::TypeId::GetRegistered(i).GetName());
  std::sort(names.begin(), names.end());
  std::string out = "Registered TypeIds:\n";
  for (const auto& n : names) out += "    " + n + "\n";
  return out;
}

std::optional<std::string> AttributeList(const std::string& type) {
  ns3::TypeId tid;
  if (!ns3::TypeId::LookupByNameFailSafe(type, &tid)) return std::nullopt;
  std::string out = "Attributes for TypeId " + type + " (and its parents):\n";
  for (ns3::TypeId t = tid;; t = t.GetParent()) {
    for (std::size_t i = 0; i < t.GetAttributeN(); ++i) {
      const ns3::TypeId::AttributeInformation a = t.GetAttribute(i);
      out += "    --" + t.GetName() + "::" + a.name + "=[" + a.initialValue->SerializeToString(a.checker) + "]\n        " +
             a.help + "\n";
    }
    if (t.GetParent() == t) break;
  }
  return out;
}

}  // namespace mcx::scenarios
