#include "mcx/codec/monp.h"

#include "mcx/crypto/wire.h"

namespace mcx::codec {

using crypto::Bytes;
using crypto::ByteView;
using crypto::Error;

namespace {

// TS 24.379 LV-E: a 16-bit length, then the bytes.
void PutLvE(Bytes& b, const std::string& s) {
  crypto::AppendU16(b, static_cast<uint16_t>(s.size()));
  crypto::Append(b, ByteView(s));
}

std::string GetLvE(crypto::ByteReader& r) {
  const ByteView v = r.Take(r.U16());
  return std::string(v.begin(), v.end());
}

void PutU40(Bytes& b, uint64_t v) {
  for (int s = 32; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

bool IsPrivateCall(uint8_t t) { return t >= 8 && t <= 13; }

}  // namespace

Bytes Encode(const MonpPrivateCallMessage& m) {
  Bytes b{static_cast<uint8_t>(m.type)};
  crypto::AppendU16(b, m.call_id);
  if (m.type == MonpType::kPrivateCallSetupRequest) {
    b.push_back(m.commencement_mode);
    b.push_back(m.call_type);
  }
  PutLvE(b, m.caller);
  PutLvE(b, m.callee);
  if (m.type == MonpType::kPrivateCallSetupRequest || m.type == MonpType::kPrivateCallAccept) PutLvE(b, m.sdp);
  if (m.type == MonpType::kPrivateCallReject) b.push_back(m.reason);
  return b;
}

crypto::Result<MonpPrivateCallMessage> DecodeMonp(ByteView b) {
  crypto::ByteReader r{b};
  MonpPrivateCallMessage m;
  const uint8_t type = r.U8();
  if (!r.ok()) return Error::kTruncated;
  if (!IsPrivateCall(type)) return Error::kUnsupportedValue;
  m.type = static_cast<MonpType>(type);
  m.call_id = r.U16();
  if (m.type == MonpType::kPrivateCallSetupRequest) {
    m.commencement_mode = r.U8();
    m.call_type = r.U8();
  }
  m.caller = GetLvE(r);
  m.callee = GetLvE(r);
  if (m.type == MonpType::kPrivateCallSetupRequest || m.type == MonpType::kPrivateCallAccept) m.sdp = GetLvE(r);
  if (m.type == MonpType::kPrivateCallReject) m.reason = r.U8();
  MCX_TRY(r.Finish());
  return m;
}

Bytes Encode(const MonpGroupCallMessage& m) {
  Bytes b{static_cast<uint8_t>(m.type)};
  if (m.type == MonpType::kGroupCallProbe) {
    PutLvE(b, m.group_id);
    return b;
  }
  crypto::AppendU16(b, m.call_id);
  b.push_back(m.call_type);
  if (m.type == MonpType::kGroupCallAccept) {
    PutLvE(b, m.group_id);
    PutLvE(b, m.sending_user);
    return b;
  }
  crypto::AppendU16(b, m.refresh_interval_ms);
  PutU40(b, m.call_start_time);
  PutU40(b, m.last_call_type_change_time);
  PutLvE(b, m.group_id);
  PutLvE(b, m.sdp);
  PutLvE(b, m.originating_user);
  PutLvE(b, m.last_user_to_change_call_type);
  if (m.confirm_mode) b.push_back(MonpGroupCallMessage::kConfirmModeIei);
  if (m.probe_response) b.push_back(MonpGroupCallMessage::kProbeResponseIei);
  return b;
}

crypto::Result<MonpGroupCallMessage> DecodeMonpGroupCall(ByteView b) {
  crypto::ByteReader r{b};
  MonpGroupCallMessage m;
  const uint8_t type = r.U8();
  if (!r.ok()) return Error::kTruncated;
  if (type < 1 || type > 3) return Error::kUnsupportedValue;
  m.type = static_cast<MonpType>(type);
  if (m.type == MonpType::kGroupCallProbe) {
    m.group_id = GetLvE(r);
  } else {
    m.call_id = r.U16();
    m.call_type = r.U8();
    if (m.type == MonpType::kGroupCallAccept) {
      m.group_id = GetLvE(r);
      m.sending_user = GetLvE(r);
    } else {
      m.refresh_interval_ms = r.U16();
      m.call_start_time = r.U40();
      m.last_call_type_change_time = r.U40();
      m.group_id = GetLvE(r);
      m.sdp = GetLvE(r);
      m.originating_user = GetLvE(r);
      m.last_user_to_change_call_type = GetLvE(r);
      while (!r.AtEnd()) {  // optional type-1 IEs, each at most once, in order
        const uint8_t iei = r.U8();
        if (iei == MonpGroupCallMessage::kConfirmModeIei && !m.confirm_mode && !m.probe_response) m.confirm_mode = true;
        else if (iei == MonpGroupCallMessage::kProbeResponseIei && !m.probe_response) m.probe_response = true;
        else return Error::kUnsupportedValue;
      }
    }
  }
  MCX_TRY(r.Finish());
  return m;
}

const char* MonpTypeName(MonpType t) {
  switch (t) {
    case MonpType::kGroupCallProbe: return "GROUP CALL PROBE";
    case MonpType::kGroupCallAnnouncement: return "GROUP CALL ANNOUNCEMENT";
    case MonpType::kGroupCallAccept: return "GROUP CALL ACCEPT";
    case MonpType::kPrivateCallSetupRequest: return "PRIVATE CALL SETUP REQUEST";
    case MonpType::kPrivateCallRinging: return "PRIVATE CALL RINGING";
    case MonpType::kPrivateCallAccept: return "PRIVATE CALL ACCEPT";
    case MonpType::kPrivateCallReject: return "PRIVATE CALL REJECT";
    case MonpType::kPrivateCallRelease: return "PRIVATE CALL RELEASE";
    case MonpType::kPrivateCallReleaseAck: return "PRIVATE CALL RELEASE ACK";
  }
  return nullptr;
}

}  // namespace mcx::codec
