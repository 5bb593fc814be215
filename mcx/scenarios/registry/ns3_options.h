// ns-3 users' habits on mcxsim's command line: --PrintTypeIds, --PrintAttributes=TYPE, and
// --ns3::Type::Attribute=value (or mcx::Type::...) setting an attribute's default, as in any ns-3
// program; NS_ATTRIBUTE_DEFAULT works because ns-3 reads it itself. Here so that sim/ needs no
// ns-3.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mcx::scenarios {

/// Sets the default of attribute `path` ("ns3::TcpSocket::SegmentSize",
/// "mcx::OffnetMcpttApp::T201") to `value`. Returns why it could not (no such type or attribute,
/// or a value the attribute does not take), or nothing.
std::optional<std::string> SetAttributeDefault(const std::string& path, const std::string& value);
/// The overrides in the NS_ATTRIBUTE_DEFAULT environment variable ("path=value;path=value").
std::vector<std::pair<std::string, std::string>> EnvironmentAttributeDefaults();
/// Every registered TypeId, one per line (--PrintTypeIds).
std::string TypeIdList();
/// A type's attributes with their defaults and help, its parents' included (--PrintAttributes);
/// nothing for an unknown type.
std::optional<std::string> AttributeList(const std::string& type);

}  // namespace mcx::scenarios
