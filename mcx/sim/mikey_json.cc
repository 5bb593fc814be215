#include "mcx/sim/mikey_json.h"

#include "mcx/security/kms.h"

namespace mcx::sim {

namespace keyparams = security::keyparams;
using security::NtpToUnixSeconds;
namespace kms = security::kms;
namespace mikey = security::mikey;

using namespace mcx::crypto;
using nlohmann::json;

namespace {

const char* RoleName(mikey::IdRole r) {
  switch (r) {
    case mikey::IdRole::kInitiator: return "IDRi";
    case mikey::IdRole::kResponder: return "IDRr";
    case mikey::IdRole::kKms: return "IDRkms";
    case mikey::IdRole::kPsk: return "IDRpsk";
    case mikey::IdRole::kApp: return "IDRapp";
    case mikey::IdRole::kKmsInitiator: return "IDRkmsi";
    case mikey::IdRole::kKmsResponder: return "IDRkmsr";
    case mikey::IdRole::kUidInitiator: return "IDRuidi";
    case mikey::IdRole::kUidResponder: return "IDRuidr";
  }
  return "unknown";
}

bool Printable(const Bytes& b) {
  for (uint8_t c : b)
    if (c < 0x20 || c > 0x7e) return false;
  return !b.empty();
}

struct PayloadJson {
  json operator()(const mikey::Timestamp& t) const {
    json j = {{"payload", "T"}, {"ts_type", t.ts_type}, {"value", ToHex(t.value)}};
    if (t.ts_type != mikey::kTsCounter) {
      j["ntp_seconds"] = t.NtpSeconds();
      j["utc"] = kms::XsDateTime(NtpToUnixSeconds(t.NtpSeconds())) + "Z";
    }
    return j;
  }
  json operator()(const mikey::Rand& r) const { return {{"payload", "RAND"}, {"value", ToHex(r.value)}}; }
  json operator()(const mikey::Idr& i) const {
    json j = {{"payload", "IDR"}, {"role", static_cast<int>(i.role)}, {"role_name", RoleName(i.role)},
              {"id_type", i.id_type}, {"length", i.data.size()}};
    if (Printable(i.data))
      j["id"] = std::string(i.data.begin(), i.data.end());
    else
      j["id_hex"] = ToHex(i.data);
    return j;
  }
  json operator()(const mikey::SecurityPolicy& sp) const {
    json params = json::array();
    for (const auto& p : sp.params) params.push_back({{"type", p.type}, {"value", ToHex(p.value)}});
    return {{"payload", "SP"}, {"policy_no", sp.policy_no}, {"prot_type", sp.prot_type}, {"params", params}};
  }
  json operator()(const mikey::SakkePayload& s) const {
    return {{"payload", "SAKKE"}, {"sakke_params", s.params}, {"id_scheme", s.id_scheme},
            {"length", s.sed.size()}, {"sed", ToHex(s.sed)}};
  }
  json operator()(const mikey::GeneralExtension& g) const {
    json j = {{"payload", "GENERAL_EXTENSION"}, {"type", g.type}, {"length", g.data.size()}, {"data", ToHex(g.data)}};
    if (g.type == mikey::kGeKeyParameters) j["type_name"] = "3GPP key parameters";
    if (g.type == mikey::kGeSakkeToSelf) j["type_name"] = "SAKKE-to-self";
    return j;
  }
};

}  // namespace

json MessageJson(const mikey::Message& m, size_t encoded_length) {
  json hdr = {{"version", m.hdr.version}, {"data_type", m.hdr.data_type}, {"v_bit", m.hdr.v_bit},
              {"prf_func", m.hdr.prf}, {"csb_id", ToHex32(m.hdr.csb_id)}, {"cs_id_map_type", m.hdr.cs_map_type}};
  json map = json::array();
  for (const auto& e : m.hdr.generic_map)
    map.push_back({{"cs_id", e.cs_id}, {"prot_type", e.prot_type}, {"s_bit", e.s_bit},
                   {"policies", ToHex(e.policies)}, {"session_data", ToHex(e.session_data)}, {"spi", ToHex(e.spi)}});
  for (const auto& e : m.hdr.srtp_map)
    map.push_back({{"policy_no", e.policy_no}, {"ssrc", ToHex32(e.ssrc)}, {"roc", ToHex32(e.roc)}});
  hdr["cs_id_map"] = map;
  json payloads = json::array();
  for (const auto& p : m.payloads) payloads.push_back(std::visit(PayloadJson{}, p));
  json out = {{"length", encoded_length}, {"hdr", hdr}, {"payloads", payloads}};
  if (m.sign)
    out["sign"] = {{"s_type", m.sign->s_type}, {"length", m.sign->signature.size()},
                   {"signature", ToHex(m.sign->signature)}};
  return out;
}

json KeyParametersJson(const keyparams::KeyParameters& kp, keyparams::StatusConvention c) {
  json j = {{"key_type", KeyPurposeName(kp.key_type)},
            {"status", ToHex32(kp.status)},
            {"revoked", keyparams::IsRevoked(kp.status, c)},
            {"activation_time", kp.activation_time},
            {"expiry_time", kp.expiry_time},
            {"text", kp.text},
            {"group_ids", kp.group_ids}};
  if (kp.algorithms)
    j["algorithms"] = {{"supported", ToHex(kp.algorithms->supported)}, {"selected", kp.algorithms->selected}};
  return j;
}

}  // namespace mcx::sim
