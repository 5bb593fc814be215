// The key material of the MIKEY-SAKKE fuzz targets and of the corpus generator: every identity
// whose keys we hold, in four KMS domains. Two are fresh fixed-seed domains (tests/support/
// domain_fixture.h), so the same keys come back in every run: ours ("kms.mcx.example.org": a GMS,
// the MCX server, two UEs) and a foreign one (a UE of "kms.elsewhere.example.org"). Two are the
// vendors' published key sets (tests/data/streamwide-v5.json, alea-v3.json), so their I_MESSAGEs
// verify and decapsulate. Each domain has its "now" (the time its receivers process at), and each
// receiver its own receive options, so that a mutator that re-addresses a message to another
// receiver also changes the checks it meets.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "mcx/security/mikey.h"
#include "mcx/security/mikey_sakke.h"
#include "mcx/security/naming_plan.h"
#include "tests/support/domain_fixture.h"
#include "tests/support/testdata.h"

namespace mcx::fuzz {

namespace ms = security::mikey_sakke;
namespace mikey = security::mikey;

struct Universe {
  std::string name;
  ms::KmsPublicInfo kms;
  uint64_t ntp_now = 0;  ///< when its receivers process a message
};

struct Party {
  std::string name;
  const ms::LocalIdentity* id = nullptr;
  size_t universe = 0;
  bool gms = false;     ///< distributes GMKs (authorised sender of kGmk)
  bool server = false;  ///< receives CSK uploads; sends key downloads
  /// Receive options of this receiver.
  std::optional<std::string> expected_group;
  std::optional<uint64_t> max_clock_skew;
  bool legacy_params = false;
  security::keyparams::StatusConvention convention = security::keyparams::kDefaultStatusConvention;

  const std::string& uri() const { return id->keys().uri; }
  const crypto::Bytes& uid() const { return id->keys().uid; }
};

class World {
 public:
  static World& Get() {
    static World w;
    return w;
  }
  std::vector<Universe> universes;
  std::vector<Party> parties;
  std::vector<ms::KmsPublicInfo> all_kms;  ///< every receiver holds every domain's certificate

  const Party* ByUri(const std::string& uri) const {
    for (const auto& p : parties)
      if (p.uri() == uri) return &p;
    return nullptr;
  }
  const Party* ByUid(crypto::ByteView uid) const {
    for (const auto& p : parties)
      if (crypto::ByteView(p.uid()) == uid) return &p;
    return nullptr;
  }
  const Party* Named(const std::string& name) const {
    for (const auto& p : parties)
      if (p.name == name) return &p;
    return nullptr;
  }
  /// The receiver a message names (IDRr by URI, IDRuidr by UID), or null.
  const Party* ReceiverOf(const mikey::Message& m) const {
    if (const auto* r = m.FindIdr(mikey::IdRole::kResponder)) return ByUri(std::string(r->data.begin(), r->data.end()));
    if (const auto* r = m.FindIdr(mikey::IdRole::kUidResponder)) return ByUid(r->data);
    return nullptr;
  }
  /// The sender a message names (IDRi by URI, IDRuidi by UID), or null.
  const Party* SenderOf(const mikey::Message& m) const {
    if (const auto* r = m.FindIdr(mikey::IdRole::kInitiator)) return ByUri(std::string(r->data.begin(), r->data.end()));
    if (const auto* r = m.FindIdr(mikey::IdRole::kUidInitiator)) return ByUid(r->data);
    return nullptr;
  }

  /// The procedure a receiver runs a message through: the CS-ID says which key it carries
  /// (TS 33.180 E.1.3: 4 group, 6 CSK, 7 MuSiK, 0/1 private call, others by CS-ID mod 4); a
  /// message without a GENERIC-ID map (empty, or the legacy SRTP-ID map) goes by its parties (a
  /// GMS sends GMKs, a server receives CSKs and sends key downloads), else a private call.
  ms::Distribution DistributionFor(const mikey::Message& m, const Party& receiver) const {
    using D = ms::Distribution;
    static const D kByRest[] = {D::kGmk, D::kPck, D::kCskUpload, D::kKeyDownload};
    if (m.hdr.cs_map_type == mikey::kCsMapGenericId && !m.hdr.generic_map.empty()) {
      switch (m.hdr.generic_map.front().cs_id) {
        case 4: return D::kGmk;
        case 6: return receiver.server ? D::kCskUpload : D::kKeyDownload;
        case 7: return D::kKeyDownload;
        case 0:
        case 1: return D::kPck;
        default: return kByRest[m.hdr.generic_map.front().cs_id % 4];
      }
    }
    const Party* s = SenderOf(m);
    if (s && s->gms) return D::kGmk;
    if (receiver.server) return D::kCskUpload;
    if (s && s->server) return D::kKeyDownload;
    return D::kPck;
  }

  ms::ReceiveContext Context(const Party& receiver, ms::Distribution d) const {
    ms::ReceiveContext c;
    c.expected = d;
    c.ntp_now = universes[receiver.universe].ntp_now;
    c.kms = all_kms;
    if (d == ms::Distribution::kGmk) {
      for (const auto& p : parties)
        if (p.gms) c.authorised_senders.push_back(p.uri());
    } else if (d == ms::Distribution::kKeyDownload) {
      for (const auto& p : parties)
        if (p.server && p.universe == receiver.universe) c.authorised_senders.push_back(p.uri());
    }
    c.max_clock_skew_seconds = receiver.max_clock_skew;
    c.status_convention = receiver.convention;
    c.accept_legacy_key_parameters = receiver.legacy_params;
    if (d == ms::Distribution::kGmk || d == ms::Distribution::kKeyDownload) c.expected_group = receiver.expected_group;
    return c;
  }

  /// The group our domain's GMS issues GMKs for (the group ue1 accepts them for).
  static std::string Group() { return security::naming::GroupUri(1); }

 private:
  World() {
    using security::naming::GmsUri;
    using security::naming::McxServerUri;
    using security::naming::UeUri;
    using security::naming::UserUri;
    // Ours and a foreign domain, from fixed seeds (the same keys in every run).
    own_ = std::make_unique<test::TestDomain>(security::naming::KmsUri(), 1);
    foreign_ = std::make_unique<test::TestDomain>(security::naming::KmsUri(security::naming::kForeignDomain), 2);
    universes.push_back({"own", own_->info(), own_->ntp_now()});
    universes.push_back({"foreign", foreign_->info(), foreign_->ntp_now()});
    Add("gms", &own_->Identity(GmsUri()), 0).gms = true;
    Add("mcx-server", &own_->Identity(McxServerUri()), 0).server = true;
    Party& ue1 = Add("ue1", &own_->Identity(UeUri(1)), 0);
    ue1.expected_group = Group();
    ue1.max_clock_skew = 300;
    Add("ue2", &own_->Identity(UeUri(2)), 0).convention = security::keyparams::StatusConvention::kBit0Revoked;
    Add("foreign-ue", &foreign_->Identity(UserUri("ue3", security::naming::kForeignDomain)), 1);
    // The vendors' domains at the time of their messages.
    AddVendor("streamwide-v5.json", "kms_init", "users", "sw-", 0xec898da8ULL);
    AddVendor("alea-v3.json", "kms", "parties", "alea-", 0xec8523d5ULL);
    if (Party* p = Find("sw-gms")) p->gms = p->server = true;  // receives the CSK of test2
    if (Party* p = Find("sw-iwf")) p->legacy_params = true;
    if (Party* p = Find("alea-gms")) p->gms = true;
    if (Party* p = Find("alea-gms2")) p->server = true;
    if (Party* p = Find("alea-alice")) p->convention = security::keyparams::StatusConvention::kBit0Revoked;
    for (const auto& u : universes) all_kms.push_back(u.kms);
  }
  Party* Find(const std::string& name) {
    for (auto& p : parties)
      if (p.name == name) return &p;
    return nullptr;
  }
  Party& Add(const std::string& name, const ms::LocalIdentity* id, size_t universe) {
    Party p;
    p.name = name;
    p.id = id;
    p.universe = universe;
    parties.push_back(p);
    return parties.back();
  }
  void AddVendor(const char* file, const char* kms_key, const char* users_key, const std::string& prefix,
                 uint64_t ntp_now) {
    const auto doc = test::LoadJson(file);
    const auto& k = doc.at(kms_key);
    auto info = ms::KmsPublicInfo::Create(k.at("kms_uri"), security::KeyPeriod{k.at("user_key_period"), k.at("user_key_offset")},
                                          test::HexField(k, "pub_enc_key_Z"), test::HexField(k, "pub_auth_key_KPAK"));
    if (!info) return;
    const size_t u = universes.size();
    universes.push_back({prefix + "kms", *info, ntp_now});
    for (const auto& user : doc.at(users_key)) {
      ms::IdentityKeys keys{user.at("uri"), k.at("kms_uri"), user.at("key_period_no"), test::HexField(user, "uid"),
                            test::HexField(user, "rsk"), crypto::SecretBytes(test::HexField(user, "ssk")),
                            test::HexField(user, "pvt")};
      auto id = ms::LocalIdentity::Create(std::move(keys), *info);
      if (!id) continue;  // Alea's bob: a known-bad key set
      vendor_ids_.push_back(std::move(id).value());
      Add(prefix + user.at("name").get<std::string>(), &vendor_ids_.back(), u);
    }
  }

  std::unique_ptr<test::TestDomain> own_, foreign_;
  std::deque<ms::LocalIdentity> vendor_ids_;
};

}  // namespace mcx::fuzz
