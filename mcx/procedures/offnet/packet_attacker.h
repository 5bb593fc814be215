// An attacker within radio range of an off-network group call, without the GMK: it hears the
// group's floor-control (SRTCP) and voice (SRTP) packets and sends them back altered (tamper),
// again a while later (replay), or floods the floor port with random bytes (flood). TS 33.180
// 7.4's protection is what keeps the call working: receivers refuse each packet with a named,
// counted error (authentication_failed, replay_detected / replay_too_old, a malformed packet or an
// unknown MKI) and go on.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "mcx/procedures/host.h"

namespace mcx::procedures {

class PacketAttacker {
 public:
  enum class Kind { kTamper, kReplay, kFlood };
  /// "tamper", "replay", "flood"; nullopt for another name.
  static std::optional<Kind> KindByName(const std::string& name);

  struct Config {
    Kind kind = Kind::kTamper;
    std::string group_address;      ///< the call's IP multicast address
    uint16_t floor_port = 0, media_port = 0;
    double replay_delay_s = 2.0;    ///< replay: how long after hearing a packet it is sent again
    double flood_rate_pps = 50;     ///< flood: random datagrams per second to the floor port
    uint32_t flood_bytes = 64;
  };
  PacketAttacker(Host& host, Config cfg) : host_(host), cfg_(std::move(cfg)) {}
  /// Starts flooding (kFlood); the other kinds act on what they hear.
  void Start();
  void Stop();
  /// A packet heard on the floor or media port.
  void OnHeard(uint16_t port, crypto::ByteView packet);
  uint64_t sent() const { return sent_; }

 private:
  void Send(uint16_t port, crypto::Bytes packet);
  void FloodOnce();
  Host& host_;
  Config cfg_;
  TimerId flood_ = 0;
  uint64_t sent_ = 0;
};

}  // namespace mcx::procedures
