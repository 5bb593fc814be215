#include "mcx/codec/offnet_sdp.h"

#include <optional>
#include <sstream>

#include "mcx/crypto/base64.h"

namespace mcx::codec {

using crypto::Error;

std::string OffnetSdp::Text() const {
  // TS 24.379 11.2.1.1.2: o= and s= are dashes; c= is the sender's unicast address.
  std::ostringstream s;
  s << "v=0\r\no=- 0 0 IN IP4 " << address << "\r\ns=-\r\nc=IN IP4 " << address << "\r\nt=0 0\r\n"
    << "m=audio " << media_port << " RTP/SAVP 96\r\ni=speech\r\na=rtpmap:96 AMR-WB/16000\r\na=rtcp:"
    << media_port + 1 << "\r\n";
  if (!mikey.empty()) s << "a=key-mgmt:mikey " << crypto::Base64Encode(mikey) << "\r\n";
  s << "m=application " << floor_port << " udp MCPTT\r\n";
  return s.str();
}

crypto::Result<OffnetSdp> OffnetSdp::Parse(std::string_view text) {
  OffnetSdp sdp;
  bool haveC = false, haveAudio = false, haveFloor = false;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto port = [&](const std::string& rest) -> std::optional<uint16_t> {
      try {
        const unsigned long v = std::stoul(rest);
        if (v == 0 || v > 65535) return std::nullopt;
        return static_cast<uint16_t>(v);
      } catch (...) {
        return std::nullopt;
      }
    };
    if (line.rfind("c=IN IP4 ", 0) == 0) {
      sdp.address = line.substr(9);
      haveC = true;
    } else if (line.rfind("m=audio ", 0) == 0) {
      auto p = port(line.substr(8));
      if (!p) return Error::kUnsupportedValue;
      sdp.media_port = *p;
      haveAudio = true;
    } else if (line.rfind("m=application ", 0) == 0) {
      auto p = port(line.substr(14));
      if (!p) return Error::kUnsupportedValue;
      sdp.floor_port = *p;
      haveFloor = true;
    } else if (line.rfind("a=key-mgmt:mikey ", 0) == 0) {
      auto raw = crypto::Base64Decode(line.substr(17));
      if (!raw) return Error::kUnsupportedValue;
      sdp.mikey = std::move(raw).value();
    }
  }
  // TS 24.379 10.2.1.1.2 / 11.2.1.1.2: the offer and the answer carry the floor control media
  // line (m=application <port> udp MCPTT) as well as the voice one. Without it there is no floor
  // port, and Text() could only write the port 0 that this parser refuses: parse and write agree
  // by refusing it here.
  if (!haveC || !haveAudio || !haveFloor) return Error::kMissingPayload;
  return sdp;
}

}  // namespace mcx::codec
