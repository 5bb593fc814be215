#include "mcx/procedures/offnet/packet_attacker.h"

#include <cmath>

namespace mcx::procedures {

std::optional<PacketAttacker::Kind> PacketAttacker::KindByName(const std::string& name) {
  if (name == "tamper") return Kind::kTamper;
  if (name == "replay") return Kind::kReplay;
  if (name == "flood") return Kind::kFlood;
  return std::nullopt;
}

void PacketAttacker::Start() {
  if (cfg_.kind == Kind::kFlood && cfg_.flood_rate_pps > 0) FloodOnce();
}

void PacketAttacker::Stop() {
  host_.Cancel(flood_);
  flood_ = 0;
}

void PacketAttacker::Send(uint16_t port, crypto::Bytes packet) {
  ++sent_;
  host_.SendDatagram(port, Endpoint{cfg_.group_address, port}, std::move(packet));
}

void PacketAttacker::OnHeard(uint16_t port, crypto::ByteView packet) {
  if (packet.size() == 0) return;
  crypto::Bytes copy = packet.ToBytes();
  switch (cfg_.kind) {
    case Kind::kTamper:
      copy[copy.size() / 2] ^= 0x80;  // inside the encrypted payload or the tag
      Send(port, std::move(copy));
      break;
    case Kind::kReplay:
      host_.Schedule(cfg_.replay_delay_s, [this, port, copy] { Send(port, copy); });
      break;
    case Kind::kFlood:
      break;
  }
}

void PacketAttacker::FloodOnce() {
  auto junk = host_.Rng().Generate(cfg_.flood_bytes);
  if (junk) Send(cfg_.floor_port, junk->view().ToBytes());
  // Exponential gaps: a Poisson stream of junk.
  const double u = host_.Uniform();
  const double gap = -std::log(1.0 - u) / cfg_.flood_rate_pps;
  flood_ = host_.Schedule(gap, [this] { FloodOnce(); });
}

}  // namespace mcx::procedures
