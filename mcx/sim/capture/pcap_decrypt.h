// A run's captures opened with its key log (mcxsim decrypt): every SRTP and SRTCP packet of a
// pcap file whose MKI the key log names is replaced by the RTP or RTCP packet it protects, with
// the IPv4 and UDP lengths and checksums made right, so that Wireshark and tshark show the media
// and the floor control of a protected run as they show a --security off run (docs/captures.md).
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "mcx/security/srtp.h"

namespace mcx::sim::capture {

/// The key log's keys (docs/captures.md: `SRTP <ssrc|*> <MKI|-> <key> <salt> AEAD_AES_128_GCM
/// <what>`, `#` comments), by MKI in hex; a PCK's two crypto sessions share one MKI.
/// Throws std::runtime_error naming the line of a malformed entry.
std::multimap<std::string, security::srtp::MasterKey> ReadKeyLog(const std::string& text);

struct DecryptCounts {
  size_t packets = 0;        ///< in the file
  size_t srtp = 0, srtcp = 0;  ///< opened and replaced
  size_t unopened = 0;       ///< RTP-versioned UDP datagrams (SIP and MONP aside) no key opened
};

/// `in` (a pcap file: ns-3's point-to-point links, DLT_PPP, or the sidelink's raw IPv4) with
/// every SRTP/SRTCP packet the keys open replaced by its plaintext. A packet relayed several
/// times (the MCX server copies a talker's frame to each member) is opened once and its copies
/// replaced by the same plaintext. Throws std::runtime_error for a file that is not such a pcap.
std::string DecryptPcap(const std::string& in, const std::multimap<std::string, security::srtp::MasterKey>& keys,
                        DecryptCounts& counts);

}  // namespace mcx::sim::capture
