// Every row of the key selection policy, pinned.
#include "mcx/security/key_policy.h"

#include <gtest/gtest.h>

namespace mcx::security::policy {
namespace {

struct Row {
  Traffic t;
  KeyPurpose key;
  uint8_t cs_id;
  MkiForm mki;
  bool per_sender;
};

Traffic T(Service s, CallType c, Network n, Delivery d, Plane p, bool s2s = false, bool init = true, bool musik = true) {
  return Traffic{s, c, n, d, p, s2s, init, musik};
}

constexpr auto P = Service::kMcptt, V = Service::kMcvideo;
constexpr auto G = CallType::kGroup, PR = CallType::kPrivate;
constexpr auto ON = Network::kOnNetwork, OFF = Network::kOffNetwork;
constexpr auto U = Delivery::kUnicast, M = Delivery::kMulticast;
constexpr auto MEDIA = Plane::kMedia, CTRL = Plane::kControl;

TEST(KeyPolicy, EveryRow) {
  const Row rows[] = {
      // group media, on and off network, unicast or MBMS: GMK with per-sender GUK-ID keys
      {T(P, G, ON, U, MEDIA), KeyPurpose::kGmk, 4, MkiForm::kGmkIdGukId, true},
      {T(P, G, ON, M, MEDIA), KeyPurpose::kGmk, 4, MkiForm::kGmkIdGukId, true},
      {T(P, G, OFF, M, MEDIA), KeyPurpose::kGmk, 4, MkiForm::kGmkIdGukId, true},
      {T(V, G, ON, U, MEDIA), KeyPurpose::kGmk, 5, MkiForm::kGmkIdGukId, true},
      // private media: PCK, CS-ID by service and role
      {T(P, PR, ON, U, MEDIA, false, true), KeyPurpose::kPck, 0, MkiForm::kKeyId, false},
      {T(P, PR, ON, U, MEDIA, false, false), KeyPurpose::kPck, 1, MkiForm::kKeyId, false},
      {T(V, PR, OFF, U, MEDIA, false, true), KeyPurpose::kPck, 2, MkiForm::kKeyId, false},
      {T(V, PR, OFF, U, MEDIA, false, false), KeyPurpose::kPck, 3, MkiForm::kKeyId, false},
      // off-network control reuses the media key
      {T(P, G, OFF, M, CTRL), KeyPurpose::kGmk, 4, MkiForm::kGmkIdGukId, true},
      {T(V, G, OFF, M, CTRL), KeyPurpose::kGmk, 5, MkiForm::kGmkIdGukId, true},
      {T(P, PR, OFF, U, CTRL, false, true), KeyPurpose::kPck, 0, MkiForm::kKeyId, false},
      {T(P, PR, OFF, U, CTRL, false, false), KeyPurpose::kPck, 1, MkiForm::kKeyId, false},
      // on-network control: CSK unicast, MuSiK (or MKFC) multicast
      {T(P, G, ON, U, CTRL), KeyPurpose::kCsk, 6, MkiForm::kKeyId, false},
      {T(P, PR, ON, U, CTRL), KeyPurpose::kCsk, 6, MkiForm::kKeyId, false},
      {T(V, G, ON, U, CTRL), KeyPurpose::kCsk, 8, MkiForm::kKeyId, false},
      {T(P, G, ON, M, CTRL), KeyPurpose::kMusik, 7, MkiForm::kKeyId, false},
      {T(V, G, ON, M, CTRL), KeyPurpose::kMusik, 9, MkiForm::kKeyId, false},
      {T(P, G, ON, M, CTRL, false, true, false), KeyPurpose::kMkfc, 7, MkiForm::kKeyId, false},
      // between MCX servers: SPK
      {T(P, G, ON, U, CTRL, true), KeyPurpose::kSpk, 6, MkiForm::kKeyId, false},
  };
  for (const Row& r : rows) {
    auto c = Select(r.t);
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->key, r.key) << c->rule;
    EXPECT_EQ(c->cs_id, r.cs_id) << c->rule;
    EXPECT_EQ(c->mki, r.mki) << c->rule;
    EXPECT_EQ(c->per_sender, r.per_sender) << c->rule;
  }
  EXPECT_EQ(MkiBytes(MkiForm::kGmkIdGukId), 8u);
  EXPECT_EQ(MkiBytes(MkiForm::kKeyId), 4u);
}

TEST(KeyPolicy, UndefinedCombinations) {
  EXPECT_EQ(Select(T(P, G, ON, U, MEDIA, true)).error(), Error::kUnsupportedValue);   // s2s media
  EXPECT_EQ(Select(T(P, G, OFF, U, CTRL, true)).error(), Error::kUnsupportedValue);   // s2s off-network
}

}  // namespace
}  // namespace mcx::security::policy
