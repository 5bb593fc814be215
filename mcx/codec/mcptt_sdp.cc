#include "mcx/codec/mcptt_sdp.h"

#include <algorithm>
#include <sstream>

#include "mcx/codec/text_fields.h"
#include "mcx/crypto/base64.h"

namespace mcx::codec {

using crypto::Error;

FloorFmtp FloorAnswer(const FloorFmtp& offer, const FloorFmtp& answerer, bool grant_floor) {
  FloorFmtp a;
  a.queueing = offer.queueing && answerer.queueing;
  // 12.1.2.2: the granted maximum priority is equal to or less than the offered one.
  if (offer.priority) a.priority = answerer.priority ? std::min(*offer.priority, *answerer.priority) : *offer.priority;
  a.granted = offer.granted && grant_floor;
  return a;
}

std::string McpttSdp::Text() const {
  // TS 24.379 11.2.1.1.2: o= and s= are dashes; c= is the sender's unicast address.
  std::ostringstream s;
  s << "v=0\r\no=- 0 0 IN IP4 " << address << "\r\ns=-\r\nc=IN IP4 " << address << "\r\nt=0 0\r\n"
    << "m=audio " << media_port << " RTP/SAVP 96\r\ni=speech\r\na=rtpmap:96 AMR-WB/16000\r\na=rtcp:"
    << media_port + 1 << "\r\n";
  if (!mikey.empty()) s << "a=key-mgmt:mikey " << crypto::Base64Encode(mikey) << "\r\n";
  s << "m=application " << floor_port << " udp MCPTT\r\n";
  if (!floor.empty()) {
    // TS 24.380 12.1.2: parameters separated by ';'.
    std::string params;
    auto add = [&](const std::string& p) { params += (params.empty() ? "" : ";") + p; };
    if (floor.queueing) add("mc_queueing");
    if (floor.priority) add("mc_priority=" + std::to_string(*floor.priority));
    if (floor.granted) add("mc_granted");
    if (floor.implicit_request) add("mc_implicit_request");
    s << "a=fmtp:MCPTT " << params << "\r\n";
  }
  return s.str();
}

namespace {

// The port of "m=<media> <port> <proto> <fmt>": the first token.
std::optional<uint16_t> MediaPort(std::string_view rest) { return ParsePort(rest.substr(0, rest.find(' '))); }

crypto::Status ParseFloorFmtp(std::string_view params, FloorFmtp& f) {
  bool seen_q = false, seen_p = false, seen_g = false, seen_i = false;
  while (!params.empty()) {
    const auto semi = params.find(';');
    std::string_view p = params.substr(0, semi);
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    while (!p.empty() && p.front() == ' ') p.remove_prefix(1);
    while (!p.empty() && p.back() == ' ') p.remove_suffix(1);
    auto once = [](bool& seen) {
      const bool again = seen;
      seen = true;
      return !again;
    };
    if (p == "mc_queueing") {
      if (!once(seen_q)) return Error::kDuplicatePayload;
      f.queueing = true;
    } else if (p.rfind("mc_priority=", 0) == 0) {
      if (!once(seen_p)) return Error::kDuplicatePayload;
      auto v = ParseDecimal(p.substr(12), 3, 255);
      if (!v || *v == 0) return Error::kUnsupportedValue;
      f.priority = static_cast<uint8_t>(*v);
    } else if (p == "mc_granted") {
      if (!once(seen_g)) return Error::kDuplicatePayload;
      f.granted = true;
    } else if (p == "mc_implicit_request") {
      if (!once(seen_i)) return Error::kDuplicatePayload;
      f.implicit_request = true;
    }
    // Other parameters (later releases) are ignored, as RFC 4566 lets a receiver do.
  }
  return crypto::Status::Ok();
}

}  // namespace

crypto::Result<McpttSdp> McpttSdp::Parse(std::string_view text) {
  McpttSdp sdp;
  bool have_c = false, have_audio = false, have_floor = false, have_fmtp = false;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const std::string_view l = line;
    if (l.rfind("c=IN IP4 ", 0) == 0) {
      if (have_c) return Error::kDuplicatePayload;
      if (!IsDottedIpv4(l.substr(9))) return Error::kUnsupportedValue;
      sdp.address = std::string(l.substr(9));
      have_c = true;
    } else if (l.rfind("m=audio ", 0) == 0) {
      if (have_audio) return Error::kDuplicatePayload;
      auto p = MediaPort(l.substr(8));
      if (!p) return Error::kUnsupportedValue;
      sdp.media_port = *p;
      have_audio = true;
    } else if (l.rfind("m=application ", 0) == 0) {
      if (have_floor) return Error::kDuplicatePayload;
      auto p = MediaPort(l.substr(14));
      if (!p) return Error::kUnsupportedValue;
      sdp.floor_port = *p;
      have_floor = true;
    } else if (l.rfind("a=key-mgmt:mikey ", 0) == 0) {
      auto raw = crypto::Base64Decode(std::string(l.substr(17)));
      if (!raw) return Error::kUnsupportedValue;
      sdp.mikey = std::move(raw).value();
    } else if (l.rfind("a=fmtp:MCPTT", 0) == 0 && (l.size() == 12 || l[12] == ' ')) {
      if (have_fmtp) return Error::kDuplicatePayload;
      have_fmtp = true;
      if (auto st = ParseFloorFmtp(l.substr(std::min<size_t>(13, l.size())), sdp.floor); !st.ok()) return st.error();
    }
  }
  // TS 24.379 10.2.1.1.2 / 11.2.1.1.2: the offer and the answer carry the floor control media
  // line (m=application <port> udp MCPTT) as well as the voice one. Without it there is no floor
  // port, and Text() could only write the port 0 that this parser refuses: parse and write agree
  // by refusing it here.
  if (!have_c || !have_audio || !have_floor) return Error::kMissingPayload;
  // Written back, the media port's RTCP port (a=rtcp) is media_port + 1: it must exist.
  if (sdp.media_port == 65535) return Error::kUnsupportedValue;
  return sdp;
}

}  // namespace mcx::codec
