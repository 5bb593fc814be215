#include "mcx/procedures/transport/tls_model.h"

namespace mcx::procedures {

namespace {
constexpr uint8_t kHandshake = 22;
constexpr uint8_t kApplicationData = 23;
constexpr size_t kHeader = 5;
}  // namespace

TlsStream::TlsStream(bool client, TlsModelConfig cfg, std::function<void(Bytes)> send,
                     std::function<void(Bytes)> deliver)
    : client_(client), cfg_(cfg), send_(std::move(send)), deliver_(std::move(deliver)) {
  if (!cfg_.enabled) established_ = true;
}

void TlsStream::Start() {
  if (cfg_.enabled && client_ && flight_ == 0) SendRecord(kHandshake, Bytes(cfg_.client_hello, 1));
}

void TlsStream::SendRecord(uint8_t type, ByteView payload) {
  Bytes rec{type, 0x03, 0x03};
  const size_t len = payload.size() + (type == kApplicationData ? cfg_.record_overhead : 0);
  crypto::AppendU16(rec, static_cast<uint16_t>(len));
  crypto::Append(rec, payload);
  if (type == kApplicationData) rec.insert(rec.end(), cfg_.record_overhead, 0);
  if (type == kHandshake) handshake_bytes_ += rec.size();
  send_(std::move(rec));
}

void TlsStream::Write(ByteView app_data) {
  if (!cfg_.enabled) {
    send_(app_data.ToBytes());
    return;
  }
  for (size_t off = 0; off < app_data.size(); off += cfg_.max_record) pending_.push_back(app_data.Sub(off, cfg_.max_record).ToBytes());
  Flush();
}

void TlsStream::Flush() {
  if (!established_) return;
  while (!pending_.empty()) {
    SendRecord(kApplicationData, pending_.front());
    pending_.pop_front();
  }
}

void TlsStream::OnBytes(ByteView data) {
  if (!cfg_.enabled) {
    deliver_(data.ToBytes());
    return;
  }
  crypto::Append(inbuf_, data);
  while (inbuf_.size() >= kHeader) {
    const size_t len = size_t{inbuf_[3]} << 8 | inbuf_[4];
    if (inbuf_.size() < kHeader + len) break;
    const uint8_t type = inbuf_[0];
    Bytes payload(inbuf_.begin() + kHeader, inbuf_.begin() + static_cast<long>(kHeader + len));
    inbuf_.erase(inbuf_.begin(), inbuf_.begin() + static_cast<long>(kHeader + len));
    OnRecord(type, payload);
  }
}

void TlsStream::OnRecord(uint8_t type, ByteView payload) {
  if (type == kApplicationData) {
    const size_t n = payload.size() >= cfg_.record_overhead ? payload.size() - cfg_.record_overhead : 0;
    deliver_(payload.Sub(0, n).ToBytes());
    return;
  }
  ++flight_;
  if (client_) {
    if (flight_ == 1) {  // server flight received: send ClientKeyExchange .. Finished
      SendRecord(kHandshake, Bytes(cfg_.client_finish, 2));
    } else if (flight_ == 2) {  // server Finished: two round trips done
      established_ = true;
      Flush();
    }
  } else {
    if (flight_ == 1) {
      SendRecord(kHandshake, Bytes(cfg_.server_flight, 3));
    } else if (flight_ == 2) {
      SendRecord(kHandshake, Bytes(cfg_.server_finish, 4));
      established_ = true;
      Flush();
    }
  }
}

}  // namespace mcx::procedures
