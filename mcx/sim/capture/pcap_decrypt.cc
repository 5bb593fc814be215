#include "mcx/sim/capture/pcap_decrypt.h"

#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "mcx/crypto/bytes.h"

namespace mcx::sim::capture {

namespace srtp = security::srtp;
using crypto::Bytes;
using crypto::ByteView;

namespace {

constexpr uint32_t kLinkPpp = 9, kLinkRaw = 101;
constexpr uint16_t kSipPort = 5060, kMonpPort = 8809;

uint32_t Le32(const uint8_t* p) { return p[0] | p[1] << 8 | p[2] << 16 | static_cast<uint32_t>(p[3]) << 24; }
void PutLe32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}
void PutBe16(uint8_t* p, uint16_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}

uint16_t Ipv4Checksum(const uint8_t* h, size_t len) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < len; i += 2) sum += static_cast<uint32_t>(h[i] << 8 | h[i + 1]);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum);
}

bool IsHex(const std::string& s) { return s.find_first_not_of("0123456789abcdef") == std::string::npos; }


}  // namespace

std::multimap<std::string, srtp::MasterKey> ReadKeyLog(const std::string& text) {
  std::multimap<std::string, srtp::MasterKey> keys;
  std::istringstream in(text);
  size_t n = 0;
  for (std::string line; std::getline(in, line);) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    std::string tag, ssrc, mki, key, salt, aead;
    f >> tag >> ssrc >> mki >> key >> salt >> aead;
    if (tag != "SRTP" || aead != "AEAD_AES_128_GCM" || key.size() != 32 || salt.size() != 24 || !IsHex(key) ||
        !IsHex(salt) || (mki != "-" && (!IsHex(mki) || mki.size() % 2 != 0)))
      throw std::runtime_error("key log line " + std::to_string(n) + " is not `SRTP <ssrc|*> <MKI|-> <key> <salt> AEAD_AES_128_GCM <what>`");
    srtp::MasterKey mk;
    mk.key = crypto::SecretBytes(*crypto::FromHex(key));
    mk.salt = crypto::SecretBytes(*crypto::FromHex(salt));
    if (mki != "-") mk.mki = *crypto::FromHex(mki);
    keys.emplace(mki, std::move(mk));
  }
  return keys;
}

std::string DecryptPcap(const std::string& in, const std::multimap<std::string, srtp::MasterKey>& keys,
                        DecryptCounts& counts) {
  const auto* d = reinterpret_cast<const uint8_t*>(in.data());
  if (in.size() < 24 || Le32(d) != 0xa1b2c3d4u) throw std::runtime_error("not a pcap file (little-endian, microseconds)");
  const uint32_t link = Le32(d + 20);
  if (link != kLinkPpp && link != kLinkRaw) throw std::runtime_error("link type " + std::to_string(link) + " is neither PPP nor raw IPv4");
  const size_t l2 = link == kLinkPpp ? 2 : 0;
  // One receiver per key (the lookup gives that key for its MKI); plaintexts by wire bytes.
  std::map<const srtp::MasterKey*, std::unique_ptr<srtp::Receiver>> receivers;
  std::map<Bytes, std::pair<Bytes, bool>> opened;  // wire -> (plain, rtcp)
  auto open = [&](const Bytes& wire, bool rtcp) -> std::optional<Bytes> {
    if (auto it = opened.find(wire); it != opened.end()) return it->second.first;
    for (size_t mki_bytes : {8u, 4u}) {
      if (wire.size() < mki_bytes + 12) continue;
      auto [from, to] = keys.equal_range(crypto::ToHex(ByteView(wire.data() + wire.size() - mki_bytes, mki_bytes)));
      for (auto k = from; k != to; ++k) {
        const srtp::MasterKey* key = &k->second;
        auto& r = receivers[key];
        if (!r)
          r = std::make_unique<srtp::Receiver>(mki_bytes, [key](ByteView) { return std::optional<srtp::MasterKey>(*key); });
        auto plain = rtcp ? r->UnprotectRtcp(wire) : r->UnprotectRtp(wire);
        if (plain) {
          opened[wire] = {*plain, rtcp};
          return std::move(plain).value();
        }
      }
    }
    return std::nullopt;
  };
  std::string out = in.substr(0, 24);
  for (size_t at = 24; at + 16 <= in.size();) {
    const uint32_t caplen = Le32(d + at + 8);
    if (at + 16 + caplen > in.size()) throw std::runtime_error("a truncated record at byte " + std::to_string(at));
    std::string record = in.substr(at, 16 + caplen);
    at += 16 + caplen;
    ++counts.packets;
    auto* r = reinterpret_cast<uint8_t*>(record.data());
    uint8_t* ip = r + 16 + l2;
    const size_t ip_len = caplen >= l2 ? caplen - l2 : 0;
    const size_t ihl = ip_len >= 20 ? (ip[0] & 0x0fu) * 4u : 0;
    const bool udp4 = ip_len >= 28 && (ip[0] >> 4) == 4 && ip[9] == 17 && ihl >= 20 && ip_len >= ihl + 8;
    if (!udp4) {
      out += record;
      continue;
    }
    uint8_t* udp = ip + ihl;
    const uint16_t src = static_cast<uint16_t>(udp[0] << 8 | udp[1]), dst = static_cast<uint16_t>(udp[2] << 8 | udp[3]);
    const Bytes payload(udp + 8, ip + ip_len);
    const bool rtp_version = payload.size() >= 12 && (payload[0] >> 6) == 2;
    if (!rtp_version || src == kSipPort || dst == kSipPort || src == kMonpPort || dst == kMonpPort) {
      out += record;
      continue;
    }
    const bool rtcp = payload[1] >= 192 && payload[1] <= 223;  // RFC 5761 4
    const auto plain = open(payload, rtcp);
    if (!plain) {
      ++counts.unopened;
      out += record;
      continue;
    }
    ++(rtcp ? counts.srtcp : counts.srtp);
    // The record with the plaintext: IPv4 total length and checksum, UDP length, no UDP checksum.
    const size_t head = 16 + l2 + ihl + 8;
    std::string rewritten = record.substr(0, head);
    rewritten.append(reinterpret_cast<const char*>(plain->data()), plain->size());
    auto* w = reinterpret_cast<uint8_t*>(rewritten.data());
    const uint32_t new_caplen = static_cast<uint32_t>(rewritten.size() - 16);
    PutLe32(w + 8, new_caplen);
    PutLe32(w + 12, Le32(w + 12) - static_cast<uint32_t>(caplen - new_caplen));
    uint8_t* wip = w + 16 + l2;
    PutBe16(wip + 2, static_cast<uint16_t>(ihl + 8 + plain->size()));
    PutBe16(wip + 10, 0);
    PutBe16(wip + 10, Ipv4Checksum(wip, ihl));
    PutBe16(wip + ihl + 4, static_cast<uint16_t>(8 + plain->size()));
    PutBe16(wip + ihl + 6, 0);
    out += rewritten;
  }
  return out;
}

}  // namespace mcx::sim::capture
