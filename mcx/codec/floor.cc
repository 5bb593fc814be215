#include "mcx/codec/floor.h"

#include <cstring>

#include "mcx/crypto/wire.h"

namespace mcx::codec {

using crypto::AppendU16;
using crypto::AppendU32;
using crypto::AppendU8;
using crypto::ByteReader;

namespace {

size_t Padding(size_t value_len) { return (4 - (2 + value_len) % 4) % 4; }

Bytes U16Bytes(uint16_t v) {
  Bytes b;
  AppendU16(b, v);
  return b;
}

FloorMessage Msg(FloorMsgType t, uint32_t ssrc) {
  FloorMessage m;
  m.subtype = static_cast<uint8_t>(t);
  m.ssrc = ssrc;
  return m;
}

}  // namespace

const char* FloorMsgTypeName(FloorMsgType t) {
  switch (t) {
    case FloorMsgType::kRequest: return "Floor Request";
    case FloorMsgType::kGranted: return "Floor Granted";
    case FloorMsgType::kTaken: return "Floor Taken";
    case FloorMsgType::kDeny: return "Floor Deny";
    case FloorMsgType::kRelease: return "Floor Release";
    case FloorMsgType::kIdle: return "Floor Idle";
    case FloorMsgType::kRevoke: return "Floor Revoke";
    case FloorMsgType::kQueuePositionRequest: return "Floor Queue Position Request";
    case FloorMsgType::kQueuePositionInfo: return "Floor Queue Position Info";
    case FloorMsgType::kAck: return "Floor Ack";
  }
  return "unknown";
}

const FloorField* FloorMessage::Find(FieldId id) const {
  for (const auto& f : fields)
    if (f.id == static_cast<uint8_t>(id)) return &f;
  return nullptr;
}

std::optional<uint16_t> FloorMessage::U16(FieldId id) const {
  const FloorField* f = Find(id);
  if (!f || f->value.size() < 2) return std::nullopt;
  return static_cast<uint16_t>(f->value[0] << 8 | f->value[1]);
}

std::optional<std::string> FloorMessage::Text(FieldId id) const {
  const FloorField* f = Find(id);
  if (!f) return std::nullopt;
  return std::string(f->value.begin(), f->value.end());
}

std::optional<uint8_t> FloorMessage::Priority() const {
  const FloorField* f = Find(FieldId::kFloorPriority);
  if (!f || f->value.size() < 1) return std::nullopt;
  return f->value[0];
}

std::optional<uint16_t> FloorMessage::RejectCause() const { return U16(FieldId::kRejectCause); }

std::optional<std::string> FloorMessage::RejectPhrase() const {
  const FloorField* f = Find(FieldId::kRejectCause);
  if (!f || f->value.size() < 2) return std::nullopt;
  return std::string(f->value.begin() + 2, f->value.end());
}

std::optional<std::pair<uint8_t, uint8_t>> FloorMessage::QueueInfo() const {
  const FloorField* f = Find(FieldId::kQueueInfo);
  if (!f || f->value.size() < 2) return std::nullopt;
  return std::make_pair(f->value[0], f->value[1]);
}

std::optional<uint32_t> FloorMessage::GrantedSsrc() const {
  const FloorField* f = Find(FieldId::kSsrcOfGranted);
  if (!f || f->value.size() < 4) return std::nullopt;
  return crypto::LoadU32(f->value.data());
}

std::optional<FloorMsgType> FloorMessage::AcknowledgedType() const {
  const FloorField* f = Find(FieldId::kMessageType);
  if (!f || f->value.size() < 1) return std::nullopt;
  return static_cast<FloorMsgType>(f->value[0] & 0x0f);
}

FloorMessage& FloorMessage::AddU16(FieldId id, uint16_t v) {
  fields.push_back({static_cast<uint8_t>(id), U16Bytes(v)});
  return *this;
}

FloorMessage& FloorMessage::AddText(FieldId id, std::string_view s) {
  fields.push_back({static_cast<uint8_t>(id), Bytes(s.begin(), s.end())});
  return *this;
}

FloorMessage& FloorMessage::AddPriority(uint8_t p) {
  fields.push_back({static_cast<uint8_t>(FieldId::kFloorPriority), Bytes{p, 0}});  // priority, spare
  return *this;
}

FloorMessage& FloorMessage::AddRejectCause(uint16_t cause, std::string_view phrase) {
  Bytes v = U16Bytes(cause);
  v.insert(v.end(), phrase.begin(), phrase.end());
  fields.push_back({static_cast<uint8_t>(FieldId::kRejectCause), std::move(v)});
  return *this;
}

FloorMessage& FloorMessage::AddQueueInfo(uint8_t position, uint8_t priority) {
  fields.push_back({static_cast<uint8_t>(FieldId::kQueueInfo), Bytes{position, priority}});
  return *this;
}

FloorMessage& FloorMessage::AddGrantedSsrc(uint32_t ssrc_value) {
  Bytes v;
  AppendU32(v, ssrc_value);
  AppendU16(v, 0);  // spare
  fields.push_back({static_cast<uint8_t>(FieldId::kSsrcOfGranted), std::move(v)});
  return *this;
}

FloorMessage& FloorMessage::AddMessageType(FloorMsgType t) {
  fields.push_back({static_cast<uint8_t>(FieldId::kMessageType), Bytes{static_cast<uint8_t>(t), 0}});
  return *this;
}

Bytes Encode(const FloorMessage& m) {
  Bytes data;
  for (const auto& f : m.fields) {
    AppendU8(data, f.id);
    AppendU8(data, static_cast<uint8_t>(f.value.size()));
    crypto::Append(data, f.value);
    data.insert(data.end(), Padding(f.value.size()), 0);
  }
  Bytes out;
  AppendU8(out, static_cast<uint8_t>(0x80 | (m.subtype & 0x1f)));  // V=2, P=0
  AppendU8(out, kRtcpPtApp);
  AppendU16(out, static_cast<uint16_t>((12 + data.size()) / 4 - 1));
  AppendU32(out, m.ssrc);
  crypto::Append(out, ByteView(std::string_view(kNameMcpt, 4)));
  crypto::Append(out, data);
  return out;
}

Result<FloorMessage> Decode(ByteView packet) {
  ByteReader r(packet);
  const uint8_t b0 = r.U8();
  const uint8_t pt = r.U8();
  const uint16_t words = r.U16();
  FloorMessage m;
  m.ssrc = r.U32();
  const ByteView name = r.Take(4);
  MCX_TRY(r.status());
  if ((b0 & 0xc0) != 0x80 || (b0 & 0x20) || pt != kRtcpPtApp || std::memcmp(name.data(), kNameMcpt, 4) != 0)
    return Error::kUnsupportedValue;
  m.subtype = b0 & 0x1f;
  const size_t total = (size_t{words} + 1) * 4;
  if (total > packet.size()) return Error::kTruncated;
  if (total < packet.size()) return Error::kTrailingBytes;
  while (!r.AtEnd()) {
    FloorField f;
    f.id = r.U8();
    f.value = r.Take(r.U8()).ToBytes();
    const ByteView pad = r.Take(Padding(f.value.size()));
    MCX_TRY(r.status());
    for (uint8_t p : pad)
      if (p != 0) return Error::kUnsupportedValue;
    m.fields.push_back(std::move(f));
  }
  MCX_TRY(r.Finish());
  return m;
}

Status Validate(const FloorMessage& m, bool off_network) {
  std::vector<FieldId> need;
  switch (m.type()) {
    case FloorMsgType::kRequest: break;
    case FloorMsgType::kGranted:
      need = {FieldId::kDuration, FieldId::kFloorPriority};
      if (off_network) need.insert(need.end(), {FieldId::kSsrcOfGranted, FieldId::kUserId});
      break;
    case FloorMsgType::kTaken:
      need = {FieldId::kGrantedPartyIdentity, FieldId::kPermissionToRequest, FieldId::kMessageSequenceNumber};
      break;
    case FloorMsgType::kDeny: need = {FieldId::kRejectCause}; break;
    case FloorMsgType::kRelease: break;
    case FloorMsgType::kIdle: need = {FieldId::kMessageSequenceNumber}; break;
    case FloorMsgType::kRevoke: need = {FieldId::kRejectCause}; break;
    case FloorMsgType::kQueuePositionRequest: break;
    case FloorMsgType::kQueuePositionInfo:
      need = {FieldId::kQueueInfo};
      if (off_network) need.push_back(FieldId::kQueuedUserId);
      break;
    case FloorMsgType::kAck: need = {FieldId::kSource, FieldId::kMessageType}; break;
    default: return Error::kUnsupportedValue;
  }
  const bool user_id_needed = off_network && m.type() != FloorMsgType::kIdle && m.type() != FloorMsgType::kRevoke &&
                              m.type() != FloorMsgType::kAck;
  if (user_id_needed) need.push_back(FieldId::kUserId);
  for (FieldId id : need)
    if (!m.Find(id)) return Error::kMissingPayload;
  return Status::Ok();
}

FloorMessage FloorRequest(uint32_t ssrc, uint8_t priority, uint16_t indicator) {
  FloorMessage m = Msg(FloorMsgType::kRequest, ssrc);
  m.AddPriority(priority).AddU16(FieldId::kFloorIndicator, indicator);
  return m;
}

FloorMessage FloorGranted(uint32_t ssrc, uint16_t duration_s, uint8_t priority, uint16_t indicator) {
  FloorMessage m = Msg(FloorMsgType::kGranted, ssrc);
  m.AddU16(FieldId::kDuration, duration_s).AddPriority(priority).AddU16(FieldId::kFloorIndicator, indicator);
  return m;
}

FloorMessage FloorTaken(uint32_t ssrc, std::string_view granted_party, bool permission_to_request, uint16_t seq,
                        uint16_t indicator) {
  FloorMessage m = Msg(FloorMsgType::kTaken, ssrc);
  m.AddText(FieldId::kGrantedPartyIdentity, granted_party)
      .AddU16(FieldId::kPermissionToRequest, permission_to_request ? 1 : 0)
      .AddU16(FieldId::kMessageSequenceNumber, seq)
      .AddU16(FieldId::kFloorIndicator, indicator);
  return m;
}

FloorMessage FloorDeny(uint32_t ssrc, uint16_t cause, std::string_view phrase) {
  FloorMessage m = Msg(FloorMsgType::kDeny, ssrc);
  m.AddRejectCause(cause, phrase);
  return m;
}

FloorMessage FloorRelease(uint32_t ssrc, uint16_t indicator) {
  FloorMessage m = Msg(FloorMsgType::kRelease, ssrc);
  m.AddU16(FieldId::kFloorIndicator, indicator);
  return m;
}

FloorMessage FloorIdle(uint32_t ssrc, uint16_t seq, uint16_t indicator) {
  FloorMessage m = Msg(FloorMsgType::kIdle, ssrc);
  m.AddU16(FieldId::kMessageSequenceNumber, seq).AddU16(FieldId::kFloorIndicator, indicator);
  return m;
}

FloorMessage FloorRevoke(uint32_t ssrc, uint16_t cause) {
  FloorMessage m = Msg(FloorMsgType::kRevoke, ssrc);
  m.AddRejectCause(cause);
  return m;
}

FloorMessage FloorQueuePositionRequest(uint32_t ssrc) { return Msg(FloorMsgType::kQueuePositionRequest, ssrc); }

FloorMessage FloorQueuePositionInfo(uint32_t ssrc, uint8_t position, uint8_t priority) {
  FloorMessage m = Msg(FloorMsgType::kQueuePositionInfo, ssrc);
  m.AddQueueInfo(position, priority);
  return m;
}

FloorMessage FloorAck(uint32_t ssrc, FloorMsgType acknowledged, Source source) {
  FloorMessage m = Msg(FloorMsgType::kAck, ssrc);
  m.AddU16(FieldId::kSource, static_cast<uint16_t>(source)).AddMessageType(acknowledged);
  return m;
}

FloorMessage OffnetFloorRequest(uint32_t ssrc, std::string_view user_id, uint8_t priority, uint16_t indicator) {
  FloorMessage m = FloorRequest(ssrc, priority, indicator);
  m.AddText(FieldId::kUserId, user_id);
  return m;
}

FloorMessage OffnetFloorGranted(uint32_t ssrc, std::string_view arbitrator_user_id, uint32_t granted_ssrc,
                                uint16_t duration_s, uint8_t priority) {
  FloorMessage m = Msg(FloorMsgType::kGranted, ssrc);
  m.AddU16(FieldId::kDuration, duration_s)
      .AddGrantedSsrc(granted_ssrc)
      .AddPriority(priority)
      .AddText(FieldId::kUserId, arbitrator_user_id);
  return m;
}

FloorMessage OffnetFloorTaken(uint32_t ssrc, std::string_view talker_user_id, std::string_view granted_party,
                              bool permission_to_request, uint16_t seq) {
  FloorMessage m = FloorTaken(ssrc, granted_party, permission_to_request, seq);
  m.AddText(FieldId::kUserId, talker_user_id);
  return m;
}

FloorMessage OffnetFloorDeny(uint32_t ssrc, std::string_view user_id, uint16_t cause) {
  FloorMessage m = FloorDeny(ssrc, cause);
  m.AddText(FieldId::kUserId, user_id);
  return m;
}

FloorMessage OffnetFloorRelease(uint32_t ssrc, std::string_view user_id) {
  FloorMessage m = FloorRelease(ssrc);
  m.AddText(FieldId::kUserId, user_id);
  return m;
}

FloorMessage OffnetFloorQueuePositionInfo(uint32_t ssrc, std::string_view user_id, std::string_view queued_user,
                                          uint8_t position, uint8_t priority) {
  FloorMessage m = FloorQueuePositionInfo(ssrc, position, priority);
  m.AddText(FieldId::kUserId, user_id).AddText(FieldId::kQueuedUserId, queued_user);
  return m;
}

}  // namespace mcx::codec
