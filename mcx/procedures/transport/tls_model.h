// A model of TLS 1.2 over a reliable byte stream (the KMS and GMS interfaces are HTTPS, TS 33.180
// 6.1.1): the full handshake's round trips and flight sizes, and the record layer's per-record
// overhead. Records are real 5-byte-header TLS records; their contents are not encrypted (the
// model accounts for time and bytes; the protected payloads inside are real).
#pragma once

#include <deque>
#include <functional>

#include "mcx/crypto/bytes.h"

namespace mcx::procedures {

using crypto::Bytes;
using crypto::ByteView;

struct TlsModelConfig {
  bool enabled = true;
  /// Flight sizes of a full TLS 1.2 ECDHE handshake with a 2-certificate chain (bytes).
  uint32_t client_hello = 220;
  uint32_t server_flight = 3200;  ///< ServerHello, Certificate, ServerKeyExchange, ServerHelloDone
  uint32_t client_finish = 130;   ///< ClientKeyExchange, ChangeCipherSpec, Finished
  uint32_t server_finish = 60;    ///< ChangeCipherSpec, Finished
  /// AES-128-GCM record overhead: 8-byte explicit nonce + 16-byte tag (plus the 5-byte header).
  uint32_t record_overhead = 24;
  uint32_t max_record = 16384;
};

/// One side of a connection. Write() queues application data; OnBytes() consumes stream bytes.
/// `send` puts bytes on the stream; `deliver` hands decrypted application data up.
class TlsStream {
 public:
  TlsStream(bool client, TlsModelConfig cfg, std::function<void(Bytes)> send, std::function<void(Bytes)> deliver);
  /// Client: starts the handshake (sends ClientHello). No-op when disabled.
  void Start();
  void Write(ByteView app_data);
  void OnBytes(ByteView data);
  bool Established() const { return established_; }
  uint64_t HandshakeBytes() const { return handshake_bytes_; }

 private:
  void SendRecord(uint8_t type, ByteView payload);
  void OnRecord(uint8_t type, ByteView payload);
  void Flush();
  bool client_;
  TlsModelConfig cfg_;
  std::function<void(Bytes)> send_, deliver_;
  bool established_ = false;
  int flight_ = 0;  ///< handshake flights received
  Bytes inbuf_;
  std::deque<Bytes> pending_;
  uint64_t handshake_bytes_ = 0;
};

}  // namespace mcx::procedures
