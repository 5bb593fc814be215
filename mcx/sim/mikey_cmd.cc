// mcxsim mikey create | inspect: make and take apart TS 33.180 MIKEY-SAKKE I_MESSAGEs offline.
#include <cstdio>
#include <iostream>
#include <memory>

#include "mcx/sim/cli_args.h"
#include "mcx/crypto/base64.h"
#include "mcx/crypto/kdf.h"
#include "mcx/security/mikey_sakke.h"
#include "mcx/sim/mikey_json.h"
#include "mcx/sim/toolkit_files.h"

namespace mcx::sim {

namespace keyparams = security::keyparams;
namespace mikey = security::mikey;
using security::KeyPurpose;
using security::PurposeOfKeyId;
using security::UnixToNtpSeconds;
namespace kms = security::kms;
namespace mikey_sakke = security::mikey_sakke;

using namespace mcx::crypto;
using mikey_sakke::Distribution;
using nlohmann::json;

namespace {

struct TypeInfo {
  const char* name;
  Distribution kind;
  KeyPurpose purpose;
};
const TypeInfo kTypes[] = {
    {"gmk", Distribution::kGmk, KeyPurpose::kGmk},
    {"pck", Distribution::kPck, KeyPurpose::kPck},
    {"csk", Distribution::kCskUpload, KeyPurpose::kCsk},
    {"csk-download", Distribution::kKeyDownload, KeyPurpose::kCsk},
    {"musik", Distribution::kKeyDownload, KeyPurpose::kMusik},
};

const TypeInfo& TypeByName(const std::string& n) {
  for (const auto& t : kTypes)
    if (n == t.name) return t;
  throw UsageError("unknown --type '" + n + "' (gmk, pck, csk, csk-download, musik)");
}

/// The key set of `path` for the key period containing ntp_now.
kms::KeySet KeySetAt(const std::string& path, const kms::Certificate& cert, uint64_t ntp_now) {
  const uint64_t period = Must(cert.Period().Number(ntp_now), "key period");
  for (auto& ks : LoadKeySets(path))
    if (ks.key_period_no == period) return ks;
  throw std::runtime_error(path + ": no key set for key period " + std::to_string(period));
}

/// Input: base64 (optionally after "mikey ", as in SDP a=key-mgmt) or hex.
Bytes ParseMessageText(std::string text) {
  auto strip = [](std::string& s) {
    while (!s.empty() && isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
    size_t b = 0;
    while (b < s.size() && isspace(static_cast<unsigned char>(s[b]))) ++b;
    s.erase(0, b);
  };
  strip(text);
  if (text.rfind("a=key-mgmt:", 0) == 0) text.erase(0, 11);
  if (text.rfind("mikey ", 0) == 0) text.erase(0, 6);
  strip(text);
  if (text.find_first_not_of("0123456789abcdefABCDEF") == std::string::npos) {
    if (auto h = FromHex(text)) return *h;
  }
  auto b = Base64Decode(text);
  if (!b) throw std::runtime_error("input is neither base64 nor hex");
  return *b;
}

int Create(const std::vector<std::string>& argv) {
  Args a(argv, {"type", "from", "to", "kms-cert", "to-kms-cert", "key-set", "group", "out", "time", "key",
                "key-id", "rand", "text", "seed", "expiry"},
         {"hide-identities", "to-self", "revoked"});
  if (a.Help()) {
    std::printf(
        "usage: mcxsim mikey create --type gmk|pck|csk|csk-download|musik --from URI --to URI\n"
        "         --kms-cert FILE --key-set FILE [--group URI] [--hide-identities] [--to-self] --out FILE\n"
        "  Writes the signed I_MESSAGE (base64) to FILE and, beside it, FILE.json with the key,\n"
        "  key ID, RAND, CSB-ID (the GUK-ID for a GMK) and CS-ID.\n"
        "  --kms-cert FILE     the KMS certificate (KmsInit XML) of the sender's domain\n"
        "  --to-kms-cert FILE  the receiver's KMS certificate if it is another domain\n"
        "  --key-set FILE      the sender's KmsKeyProv XML (mcxsim kms provision)\n"
        "  --group URI         the group of a GMK or MuSiK (in the key parameters)\n"
        "  --hide-identities   carry UIDs instead of URIs (TS 33.180 5.2.6)\n"
        "  --to-self           add SAKKE-to-self (5.2.5)\n"
        "  --key HEX, --key-id HEX  use this key / key ID instead of fresh random ones\n"
        "  --rand HEX          the RAND (32 hex digits); a GMS sends one RAND to every member of a\n"
        "                      GMK so each derives each sender's SRTP key (TS 33.180 7.4.2)\n"
        "  --text T, --expiry ISO8601, --revoked   key parameters (5.2.4)\n"
        "  --time ISO8601      the sending time (default now); --seed N  repeatable randomness\n"
        "  types: gmk (GMS -> member), pck (caller -> callee), csk (CSK upload, user -> MDSI),\n"
        "         csk-download, musik (key download, MCX server -> user)\n");
    return 0;
  }
  a.AtMostPositionals(0);
  const TypeInfo& type = TypeByName(a.Require("type"));
  const uint64_t unix_now = UnixTimeOrNow(a.Get("time"));
  const uint64_t ntp = UnixToNtpSeconds(unix_now);
  std::unique_ptr<Rng> rng;
  if (auto s = a.Count("seed", 0, UINT64_MAX))
    rng = std::make_unique<HmacDrbg>(*s, "mcxsim-mikey-create");
  else
    rng = std::make_unique<SystemRng>();

  const kms::Certificate cert = LoadCertificate(a.Require("kms-cert"));
  const auto sender_kms = Must(cert.PublicInfo(), "--kms-cert");
  const auto receiver_kms =
      a.Get("to-kms-cert") ? Must(LoadCertificate(*a.Get("to-kms-cert")).PublicInfo(), "--to-kms-cert") : sender_kms;
  kms::KeySet ks = KeySetAt(a.Require("key-set"), cert, ntp);
  const std::string from = a.Require("from");
  if (ks.user_uri != from) throw UsageError("--key-set is for " + ks.user_uri + ", not --from " + from);
  auto me = Must(mikey_sakke::LocalIdentity::Create(ks.ToIdentityKeys(), sender_kms), "sender key set");

  SecretBytes key;
  if (auto k = a.Get("key")) {
    auto b = FromHex(*k);
    if (!b || b->size() != 16) throw UsageError("--key must be 32 hex digits");
    key = SecretBytes(*b);
  } else {
    key = Must(rng->Generate(16), "key");
  }
  uint32_t key_id;
  if (auto id = a.Get("key-id")) {
    auto b = FromHex(*id);
    if (!b || b->size() != 4) throw UsageError("--key-id must be 8 hex digits");
    key_id = LoadU32(b->data());
  } else {
    key_id = Must(NewKeyId(type.purpose, *rng), "key ID");
  }

  mikey_sakke::SendOptions opt;
  opt.hide_identities = a.Flag("hide-identities");
  opt.sakke_to_self = a.Flag("to-self");
  opt.group_uri = a.Get("group").value_or("");
  opt.text = a.Get("text").value_or("");
  opt.revoked = a.Flag("revoked");
  if (auto e = a.Get("expiry")) opt.expiry_time = UnixTimeOrNow(e);
  if (auto r = a.Get("rand")) {
    auto b = FromHex(*r);
    if (!b || b->size() != 16) throw UsageError("--rand must be 32 hex digits");
    opt.rand = *b;
  }
  if (type.kind == Distribution::kGmk && opt.group_uri.empty()) throw UsageError("--type gmk needs --group");
  const std::string to = a.Require("to");
  auto created = Must(mikey_sakke::CreateIMessage(type.kind, me, sender_kms, to, receiver_kms, key_id, key, opt,
                                                  ntp, *rng),
                      "mikey create");
  const std::string out = a.Require("out");
  WriteFile(out, Base64Encode(created.message) + "\n");
  json j = {{"type", type.name},
            {"from", from},
            {"to", to},
            {"time", kms::XsDateTime(unix_now) + "Z"},
            {"key", ToHex(key)},
            {"key_id", ToHex32(key_id)},
            {"rand", ToHex(created.rand)},
            {"csb_id", ToHex32(created.csb_id)},
            {"cs_id", created.cs_id},
            {"length", created.message.size()}};
  if (type.kind == Distribution::kGmk) {
    j["guk_id"] = ToHex32(created.csb_id);
    j["group"] = opt.group_uri;
  }
  WriteFile(out + ".json", j.dump(2) + "\n", /*secret=*/true);
  std::printf("%s I_MESSAGE, %zu bytes, key ID %s, written to %s (key and IDs in %s.json)\n", type.name,
              created.message.size(), ToHex32(key_id).c_str(), out.c_str(), out.c_str());
  return 0;
}

Distribution InferKind(uint32_t csb_id) {
  switch (PurposeOfKeyId(csb_id)) {
    case KeyPurpose::kPck: return Distribution::kPck;
    case KeyPurpose::kCsk: return Distribution::kCskUpload;
    case KeyPurpose::kMusik: return Distribution::kKeyDownload;
    default: return Distribution::kGmk;  // a GUK-ID keeps the GMK's purpose nibble 0
  }
}

int Inspect(const std::vector<std::string>& argv) {
  Args a(argv, {"kms-cert*", "key-set", "type", "authorised*", "time", "status-convention"},
         {"legacy-key-parameters"});
  if (a.Help()) {
    std::printf(
        "usage: mcxsim mikey inspect [FILE|-] [--kms-cert FILE]... [--key-set FILE] [options]\n"
        "  Prints every payload of an I_MESSAGE as JSON. Input: base64 (with or without a leading\n"
        "  'mikey ' or 'a=key-mgmt:mikey '), or hex; FILE '-' or none reads standard input.\n"
        "  With the receiver's --kms-cert and --key-set it also runs every receiver check of\n"
        "  TS 33.180 5.2.2 and prints \"verified\", the key, key ID, GUK-ID and key parameters;\n"
        "  a failed check is named and the exit status is 1.\n"
        "  --kms-cert FILE        KMS certificates (repeat for external domains)\n"
        "  --type T               gmk|pck|csk|csk-download|musik (default: from the CSB-ID tag)\n"
        "  --authorised URI       identities allowed to send this key (repeat); default: not checked\n"
        "  --time ISO8601|message the receiver's clock (default: now; 'message': the message's own T\n"
        "                         payload, to read an old message against its own key period)\n"
        "  --status-convention C  in-use (bit 0 = key in use; default) or revoked (bit 0 = revoked)\n"
        "  --legacy-key-parameters  accept Streamwide's pre-Rel-15 plaintext key parameters\n");
    return 0;
  }
  a.AtMostPositionals(1);
  const std::string path = a.Positionals().empty() ? "-" : a.Positionals().front();
  const Bytes bytes = ParseMessageText(ReadFileOrStdin(path));
  auto decoded = mikey::Decode(bytes);
  if (!decoded) throw std::runtime_error(std::string("not a valid MIKEY message: ") + ErrorName(decoded.error()));
  json out = MessageJson(*decoded, bytes.size());

  const auto certs = a.All("kms-cert");
  if (certs.empty() != !a.Get("key-set"))
    throw UsageError("verification needs both --kms-cert and --key-set");
  int status = 0;
  if (a.Get("key-set")) {
    mikey_sakke::ReceiveContext ctx;
    std::vector<kms::Certificate> cs;
    for (const auto& c : certs) {
      cs.push_back(LoadCertificate(c));
      ctx.kms.push_back(Must(cs.back().PublicInfo(), c));
    }
    const auto* t = decoded->Find<mikey::Timestamp>();
    if (a.Get("time") == std::optional<std::string>("message")) {
      if (!t) throw std::runtime_error("--time message: the message has no T payload");
      ctx.ntp_now = t->NtpSeconds();
    } else {
      ctx.ntp_now = UnixToNtpSeconds(UnixTimeOrNow(a.Get("time")));  // the receiver's clock: now by default
    }
    ctx.expected = a.Get("type") ? TypeByName(*a.Get("type")).kind : InferKind(decoded->hdr.csb_id);
    ctx.authorised_senders = a.All("authorised");
    ctx.accept_legacy_key_parameters = a.Flag("legacy-key-parameters");
    const std::string conv = a.Get("status-convention").value_or("in-use");
    if (conv == "revoked")
      ctx.status_convention = keyparams::StatusConvention::kBit0Revoked;
    else if (conv != "in-use")
      throw UsageError("--status-convention is in-use or revoked");
    // The receiver's own certificate is the one its key set names.
    std::vector<kms::KeySet> sets = LoadKeySets(*a.Get("key-set"));
    const kms::Certificate* own = nullptr;
    for (const auto& c : cs)
      if (c.kms_uri == sets.front().kms_uri) own = &c;
    if (own == nullptr) throw std::runtime_error("no --kms-cert for the key set's KMS " + sets.front().kms_uri);
    kms::KeySet ks = KeySetAt(*a.Get("key-set"), *own, ctx.ntp_now);
    auto me = Must(mikey_sakke::LocalIdentity::Create(ks.ToIdentityKeys(), Must(own->PublicInfo(), "own KMS")),
                   "receiver key set");
    out["receiver"] = ks.user_uri;
    out["distribution"] = mikey_sakke::DistributionName(ctx.expected);
    out["sender_authorisation"] = ctx.authorised_senders.empty() ? "not checked" : "checked";
    auto r = mikey_sakke::ProcessIMessage(bytes, me, ctx);
    if (!r) {
      out["verified"] = false;
      out["failed_check"] = ErrorName(r.error());
      status = 1;
      std::fprintf(stderr, "mcxsim mikey inspect: check failed: %s\n", ErrorName(r.error()));
    } else {
      out["verified"] = true;
      out["key"] = ToHex(r->key);
      out["key_id"] = ToHex32(r->key_id);
      out["key_type"] = KeyPurposeName(r->purpose);
      out["rand"] = ToHex(r->rand);
      out["cs_id"] = r->cs_id;
      out["sender"] = r->sender_uri.empty() ? json(nullptr) : json(r->sender_uri);
      out["sender_uid"] = ToHex(r->sender_uid);
      out["identities_hidden"] = r->identities_hidden;
      if (r->kind == Distribution::kGmk) out["guk_id"] = ToHex32(r->csb_id);
      if (r->params) {
        out["key_parameters"] = KeyParametersJson(*r->params, ctx.status_convention);
        out["key_parameters"]["legacy_plaintext"] = r->legacy_params;
      }
    }
  }
  std::cout << out.dump(2) << "\n";
  return status;
}

}  // namespace

int RunMikey(const std::vector<std::string>& argv) {
  if (argv.empty() || argv[0] == "--help" || argv[0] == "-h") {
    std::printf(
        "usage: mcxsim mikey <create|inspect> [options]\n"
        "  create   build and sign an I_MESSAGE (GMK, PCK, CSK, MuSiK)\n"
        "  inspect  print an I_MESSAGE as JSON; verify and decrypt it with the receiver's keys\n"
        "mcxsim mikey <verb> --help describes a verb.\n");
    return argv.empty() ? 2 : 0;
  }
  std::vector<std::string> rest(argv.begin() + 1, argv.end());
  if (argv[0] == "create") return Create(rest);
  if (argv[0] == "inspect") return Inspect(rest);
  throw UsageError("unknown mikey verb '" + argv[0] + "'");
}

}  // namespace mcx::sim
