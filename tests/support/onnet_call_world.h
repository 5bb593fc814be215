// A world for on-network call tests on fake hosts: the controlling MCX server's call server and
// clients (OnnetCallClient), each with its CSK at the server, every floor datagram and SIP message
// recorded; with a KMS domain, clients get identities (private calls carry a PCK end to end).
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "mcx/codec/rtp.h"
#include "mcx/procedures/onnet/group_call_server.h"
#include "mcx/procedures/onnet/onnet_call_client.h"
#include "mcx/security/domain.h"
#include "mcx/crypto/rng.h"
#include "mcx/security/identity.h"
#include "mcx/security/naming_plan.h"
#include "tests/support/fake_network.h"

namespace mcx::testing {

using namespace mcx::procedures;
using crypto::Bytes;
using crypto::ByteView;

inline const std::string kGroup = "sip:fire-crew@example.org";

struct OnnetCallWorld {
  FakeNetwork net;
  FakeHost& server_host = net.Add("10.0.0.1", 1);
  security::KeyStore server_keys;
  std::unique_ptr<GroupCallServer> server;
  GroupCallServerConfig server_cfg;
  std::map<std::string, std::vector<std::string>> affiliations;  ///< user -> groups
  bool security_on = true;
  /// Clients added from now on: the KMS of callees of another domain (private calls).
  std::map<std::string, std::string> callee_kms;

  struct Ue {
    std::string uri;
    FakeHost* host = nullptr;
    security::KeyStore keys;
    security::StoredKey csk;
    std::unique_ptr<OnnetCallClient> client;
    std::vector<std::pair<FloorOutcome, double>> outcomes;
    std::vector<std::string> ended;
    std::vector<Bytes> media;
    std::optional<double> setup_s;
    int started = 0;
    std::vector<std::pair<int, std::string>> failed;
  };
  std::map<std::string, std::unique_ptr<Ue>> ues;
  // Every floor datagram that crossed the network: its sender's user (client or the server's
  // peer) and the bytes.
  std::vector<std::pair<std::string, Bytes>> floor_wire;
  bool tamper_next_floor_to_server = false;
  std::vector<std::string> sip_wire;  ///< every SIP message sent, as text

  std::string UserAt(const std::string& ip) {
    for (auto& [uri, ue] : ues)
      if (ue->host->ip() == ip) return uri;
    return "";
  }

  void Build() {
    net.drop = [this](const Endpoint&, const Endpoint&, const std::string& text) {
      sip_wire.push_back(text);
      return false;
    };
    // The network: datagrams after `latency`, floor ones recorded (and one tampered if asked).
    net.route_datagram = [this](FakeHost& from, uint16_t port, const Endpoint& to, const Bytes& d) {
      Bytes data = d;
      if (to.port == 49150 || port == 49150) {
        const std::string user = from.ip() == "10.0.0.1" ? UserAt(to.host) : UserAt(from.ip());
        if (to.host == "10.0.0.1" && tamper_next_floor_to_server) {
          tamper_next_floor_to_server = false;
          data[data.size() / 2] ^= 0x01;
        }
        floor_wire.emplace_back(user, data);
      }
      const Endpoint src{from.ip(), port};
      net.After(net.latency, [this, to, src, data] {
        if (auto* h = net.Find(to.host)) h->DeliverDatagram(to.port, src, data);
      });
    };
    server_cfg.security = security_on;
    GroupCallDirectory dir;
    dir.affiliated = [this](const std::string& g) {
      std::vector<std::string> out;
      for (auto& [u, groups] : affiliations)
        if (std::find(groups.begin(), groups.end(), g) != groups.end()) out.push_back(u);
      return out;
    };
    dir.contact = [this](const std::string& u) -> std::optional<Endpoint> {
      auto it = ues.find(u);
      if (it == ues.end()) return std::nullopt;
      return Endpoint{it->second->host->ip(), 5060};
    };
    dir.csk = [this](const std::string& u) -> const security::StoredKey* {
      for (const security::StoredKey* k : server_keys.Keys(security::KeyPurpose::kCsk))
        if (k->peer_uri == u) return k;
      return nullptr;
    };
    server = std::make_unique<GroupCallServer>(server_host, server_host.sip(), server_cfg, dir);
    server_host.sip_handler = [this](const Endpoint& from, const SipMessage& m) {
      EXPECT_TRUE(server->OnSipRequest(from, m)) << m.Method();
    };
    server_host.OpenDatagram(49150, [this](const Endpoint& f, ByteView d) { server->OnFloorDatagram(f, d); });
    server_host.OpenDatagram(49151, [this](const Endpoint& f, ByteView d) { server->OnMediaDatagram(f, d); });
  }

  // A UE, affiliated to the group, its CSK at the server (as its REGISTER uploaded it) unless told.
  Ue& Add(const std::string& name, bool csk_at_server = true, uint8_t priority = 1) {
    if (!server) Build();
    auto ue = std::make_unique<Ue>();
    Ue* self = ue.get();
    ue->uri = "sip:" + name + "@example.org";
    ue->host = &net.Add("10.0.1." + std::to_string(ues.size() + 1), ues.size() + 2);
    auto id = security::NewKeyId(security::KeyPurpose::kCsk, ue->host->Rng());
    EXPECT_TRUE(id.ok());
    ue->csk.purpose = security::KeyPurpose::kCsk;
    ue->csk.key_id = *id;
    ue->csk.key = *ue->host->Rng().Generate(16);
    const auto rand = ue->host->Rng().Generate(16);
    const ByteView rv(*rand);
    ue->csk.rand = Bytes(rv.begin(), rv.end());
    ue->csk.cs_id = 6;
    ue->csk.peer_uri = server_cfg.server_uri;
    EXPECT_TRUE(ue->keys.Put(ue->csk).ok());
    if (csk_at_server) {
      security::StoredKey at_server = ue->csk;
      at_server.peer_uri = ue->uri;
      EXPECT_TRUE(server_keys.Put(at_server).ok());
    }
    OnnetCallClientConfig cfg;
    cfg.user_uri = ue->uri;
    cfg.server_sip = Endpoint{"10.0.0.1", 5060};
    cfg.floor.priority = priority;
    cfg.security = security_on;
    cfg.callee_kms = callee_kms;
    ue->client = std::make_unique<OnnetCallClient>(*ue->host, ue->host->sip(), cfg, ue->keys);
    ue->client->on_floor_outcome = [self](FloorOutcome o, double s) { self->outcomes.push_back({o, s}); };
    ue->client->on_call_ended = [self](const std::string&, const std::string& why) { self->ended.push_back(why); };
    ue->client->on_media = [self](ByteView p) { self->media.emplace_back(p.begin(), p.end()); };
    ue->client->on_call_started = [self](const std::string&, std::optional<double> s) {
      ++self->started;
      self->setup_s = s;
    };
    ue->client->on_call_failed = [self](int status, const std::string& why) { self->failed.push_back({status, why}); };
    ue->host->sip_handler = [self](const Endpoint& from, const SipMessage& m) {
      EXPECT_TRUE(self->client->OnSipRequest(from, m)) << m.Method();
    };
    ue->host->OpenDatagram(49150, [self](const Endpoint& f, ByteView d) { self->client->OnFloorDatagram(f, d); });
    ue->host->OpenDatagram(49151, [self](const Endpoint& f, ByteView d) { self->client->OnMediaDatagram(f, d); });
    affiliations[ue->uri] = {kGroup};
    ues[ue->uri] = std::move(ue);
    return *self;
  }

  // A voice packet from `ue` (its SRTP is the caller's business; here a plain RTP header and
  // payload), sent if it holds the floor.
  bool Speak(Ue& ue, uint16_t seq) {
    codec::RtpPacket p;
    p.ssrc = ue.client->ssrc();
    p.sequence = seq;
    p.payload = Bytes(33, static_cast<uint8_t>(seq));
    bool sent = false;
    ue.host->Dispatch([&] { sent = ue.client->SendMedia(codec::Encode(p)); });
    return sent;
  }
  void Talk(Ue& ue, double from_s, double to_s) {
    uint16_t seq = 0;
    for (double t = from_s; t < to_s - 1e-9; t += 0.020) net.At(t, [this, &ue, seq] { Speak(ue, seq); }), ++seq;
  }
  void Run(double t) { net.RunUntil(t); }

  /// The world's KMS (made on first use) and any other domain's a test makes.
  crypto::HmacDrbg rng{11, "onnet-call-world"};
  std::optional<security::Domain> domain;
  const security::Domain& Kms() {
    if (!domain) domain.emplace(std::move(security::Domain::Create(security::naming::KmsUri(), rng)).value());
    return *domain;
  }
  /// Gives `ue` a validated key set from `issuer` (default: the world's KMS) for now, and the
  /// world's KMS certificate besides its own, as its provisioning and KmsCertCache would.
  void Provision(Ue& ue, const security::Domain* issuer = nullptr) {
    const security::Domain& d = issuer ? *issuer : Kms();
    auto id = d.Provision(ue.uri, security::UnixToNtpSeconds(net.start_unix), rng);
    ASSERT_TRUE(id.ok());
    ue.keys.PutIdentity(*id);
    ue.keys.PutKms(d.info());
    ue.keys.PutKms(Kms().info());
  }
};


}  // namespace mcx::testing
