// A scenario's parameters, declared once: each with its command-line name, type, unit, default,
// allowed range and help, bound to a field of the scenario's parameter struct. From the
// declaration the command line derives parsing, range checks, help, `describe` and the params
// written to summary.json; a parameter is never spelled out a second time.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mcx::scenarios {

/// A parameter's value: a number (counts and reals), a flag, a text (choices, URIs, paths, dates
/// as given), or a list of numbers.
using ParamValue = std::variant<double, bool, std::string, std::vector<double>>;

struct ParamSpec {
  enum class Type {
    kCount,     ///< a whole number in [min, max]
    kReal,      ///< a finite number in [min, max]
    kFlag,      ///< present or not (no value)
    kChoice,    ///< one of `choices`
    kText,      ///< any text
    kRealList,  ///< comma-separated numbers, each in [min, max]; at least one
    kDateTime,  ///< an xs:dateTime such as 2026-11-22T12:00:00Z (a Unix time in the struct)
  };
  std::string name;  ///< the option (--name) and the key in summary.json's params
  Type type = Type::kReal;
  std::string unit;  ///< "s", "ms", "m", "dB", "Hz" or empty
  std::string help;
  std::string section;  ///< heading in the help ("", "on-network world", "radio"...)
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  std::vector<std::string> choices;
  /// The flag's field holds the opposite (--no-tls clears `tls`).
  bool inverted = false;
  /// The ns-3 attributes this parameter sets on the objects it configures (an ns-3 default given
  /// with --Type::Attribute does not reach those objects: the parameter wins).
  std::vector<std::string> attributes;
  /// Reads the field of a parameter struct (the default, when read from a fresh one).
  std::function<ParamValue(const void*)> get;
  /// Writes a parsed, range-checked value into the field.
  std::function<void(void*, const ParamValue&)> set;

  /// The value of `text` for this parameter, or the one-line reason it is not one.
  std::variant<ParamValue, std::string> Parse(const std::string& text) const;
  /// How the value reads on the command line and in help ("40", "0.5", "sip", "10,25,50").
  std::string Format(const ParamValue& v) const;
  /// "a whole number from 1 to 100000", "one of lte, ideal"...: what Parse accepts.
  std::string Accepts() const;
};

/// Declares the parameters of struct P by binding each to a field.
template <class P>
class ParamList {
 public:
  ParamList& Section(std::string name) {
    section_ = std::move(name);
    return *this;
  }
  template <class T>
  ParamList& Count(const char* name, T P::*field, double min, double max, const char* unit, const char* help) {
    return Add(Number(name, ParamSpec::Type::kCount, field, min, max, unit, help));
  }
  ParamList& Real(const char* name, double P::*field, double min, double max, const char* unit, const char* help) {
    return Add(Number(name, ParamSpec::Type::kReal, field, min, max, unit, help));
  }
  ParamList& Flag(const char* name, bool P::*field, const char* help, bool inverted = false) {
    ParamSpec s = Base(name, ParamSpec::Type::kFlag, "", help);
    s.inverted = inverted;
    s.get = [field, inverted](const void* p) -> ParamValue { return static_cast<const P*>(p)->*field != inverted; };
    s.set = [field, inverted](void* p, const ParamValue& v) { static_cast<P*>(p)->*field = std::get<bool>(v) != inverted; };
    return Add(std::move(s));
  }
  ParamList& Choice(const char* name, std::string P::*field, std::vector<std::string> choices, const char* help) {
    ParamSpec s = TextSpec(name, field, ParamSpec::Type::kChoice, help);
    s.choices = std::move(choices);
    return Add(std::move(s));
  }
  ParamList& Text(const char* name, std::string P::*field, const char* help) {
    return Add(TextSpec(name, field, ParamSpec::Type::kText, help));
  }
  ParamList& RealList(const char* name, std::vector<double> P::*field, double min, double max, const char* unit,
                      const char* help) {
    ParamSpec s = Base(name, ParamSpec::Type::kRealList, unit, help);
    s.min = min;
    s.max = max;
    s.get = [field](const void* p) -> ParamValue { return static_cast<const P*>(p)->*field; };
    s.set = [field](void* p, const ParamValue& v) { static_cast<P*>(p)->*field = std::get<std::vector<double>>(v); };
    return Add(std::move(s));
  }
  /// An xs:dateTime on the command line, Unix seconds in the struct (0: none given).
  ParamList& DateTime(const char* name, uint64_t P::*field, const char* help);
  /// The parameters of a part the scenario shares with others (the on-network world, the radio),
  /// declared once in their own ParamList.
  template <class Part>
  ParamList& Include(Part P::*member, const ParamList<Part>& part) {
    for (const ParamSpec& ps : part.specs()) {
      ParamSpec s = ps;
      s.get = [member, g = ps.get](const void* p) { return g(&(static_cast<const P*>(p)->*member)); };
      s.set = [member, st = ps.set](void* p, const ParamValue& v) { st(&(static_cast<P*>(p)->*member), v); };
      Add(std::move(s));
    }
    return *this;
  }
  /// The last parameter declared sets these ns-3 attributes.
  ParamList& Sets(std::vector<std::string> attributes) {
    specs_.back().attributes = std::move(attributes);
    return *this;
  }
  const std::vector<ParamSpec>& specs() const { return specs_; }

 private:
  ParamSpec Base(const char* name, ParamSpec::Type t, const char* unit, const char* help) const {
    ParamSpec s;
    s.name = name;
    s.type = t;
    s.unit = unit;
    s.help = help;
    s.section = section_;
    return s;
  }
  template <class T>
  ParamSpec Number(const char* name, ParamSpec::Type t, T P::*field, double min, double max, const char* unit,
                   const char* help) const {
    ParamSpec s = Base(name, t, unit, help);
    s.min = min;
    s.max = max;
    s.get = [field](const void* p) -> ParamValue { return static_cast<double>(static_cast<const P*>(p)->*field); };
    s.set = [field](void* p, const ParamValue& v) { static_cast<P*>(p)->*field = static_cast<T>(std::get<double>(v)); };
    return s;
  }
  ParamSpec TextSpec(const char* name, std::string P::*field, ParamSpec::Type t, const char* help) const {
    ParamSpec s = Base(name, t, "", help);
    s.get = [field](const void* p) -> ParamValue { return static_cast<const P*>(p)->*field; };
    s.set = [field](void* p, const ParamValue& v) { static_cast<P*>(p)->*field = std::get<std::string>(v); };
    return s;
  }
  ParamList& Add(ParamSpec s) {
    specs_.push_back(std::move(s));
    return *this;
  }
  std::vector<ParamSpec> specs_;
  std::string section_;
};

/// Unix seconds of an xs:dateTime, or nullopt.
std::optional<uint64_t> ParseDateTime(const std::string& text);
std::string FormatDateTime(uint64_t unix_seconds);

template <class P>
ParamList<P>& ParamList<P>::DateTime(const char* name, uint64_t P::*field, const char* help) {
  ParamSpec s = Base(name, ParamSpec::Type::kDateTime, "", help);
  s.get = [field](const void* p) -> ParamValue {
    const uint64_t t = static_cast<const P*>(p)->*field;
    return t == 0 ? std::string() : FormatDateTime(t);
  };
  s.set = [field](void* p, const ParamValue& v) {
    const auto& text = std::get<std::string>(v);
    static_cast<P*>(p)->*field = text.empty() ? 0 : ParseDateTime(text).value_or(0);
  };
  return Add(std::move(s));
}

}  // namespace mcx::scenarios
