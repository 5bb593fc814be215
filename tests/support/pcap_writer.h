// Writes UDP datagrams into a classic pcap file (Ethernet/IPv4/UDP), for checking our bytes with
// Wireshark's dissectors in tests.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>

#include "mcx/crypto/bytes.h"

namespace mcx::test {

class PcapWriter {
 public:
  explicit PcapWriter(const std::string& path) : out_(path, std::ios::binary) {
    Put32(0xa1b2c3d4);  // native byte order magic
    Put16(2);
    Put16(4);
    Put32(0);
    Put32(0);
    Put32(65535);
    Put32(1);  // LINKTYPE_ETHERNET
  }
  void Udp(uint16_t src_port, uint16_t dst_port, crypto::ByteView payload) {
    crypto::Bytes ip{0x45, 0};
    crypto::AppendU16(ip, static_cast<uint16_t>(28 + payload.size()));
    crypto::AppendU16(ip, static_cast<uint16_t>(n_));
    crypto::AppendU16(ip, 0);
    ip.push_back(64);
    ip.push_back(17);
    crypto::AppendU16(ip, 0);
    for (uint8_t b : {10, 0, 0, 1, 10, 0, 0, 2}) ip.push_back(b);
    uint32_t sum = 0;
    for (size_t i = 0; i < 20; i += 2) sum += uint32_t(ip[i]) << 8 | ip[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    ip[10] = static_cast<uint8_t>(~sum >> 8);
    ip[11] = static_cast<uint8_t>(~sum);
    crypto::AppendU16(ip, src_port);
    crypto::AppendU16(ip, dst_port);
    crypto::AppendU16(ip, static_cast<uint16_t>(8 + payload.size()));
    crypto::AppendU16(ip, 0);  // no UDP checksum
    crypto::Append(ip, payload);
    crypto::Bytes frame{2, 2, 2, 2, 2, 2, 4, 4, 4, 4, 4, 4, 0x08, 0x00};
    crypto::Append(frame, ip);
    Put32(n_++);
    Put32(0);
    Put32(static_cast<uint32_t>(frame.size()));
    Put32(static_cast<uint32_t>(frame.size()));
    out_.write(reinterpret_cast<const char*>(frame.data()), static_cast<std::streamsize>(frame.size()));
    out_.flush();
  }

 private:
  void Put32(uint32_t v) { out_.write(reinterpret_cast<const char*>(&v), 4); }
  void Put16(uint16_t v) { out_.write(reinterpret_cast<const char*>(&v), 2); }
  std::ofstream out_;
  uint32_t n_ = 0;
};

}  // namespace mcx::test
