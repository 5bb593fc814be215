// The base of the on-network MCX applications: a node's procedure host and SIP stack, with the
// attributes they share (ports, SIP transport and RFC 3261 timers, worker cores, device cost
// factor, TLS, the scenario's date), its random stream and the trace sources every one has.
#pragma once

#include <ns3/application.h>
#include <ns3/nstime.h>
#include <ns3/random-variable-stream.h>
#include <ns3/traced-callback.h>

#include <memory>
#include <string>

#include "mcx/models/apps/model/ns3_host.h"
#include "mcx/procedures/retry_policy.h"
#include "mcx/procedures/transport/sip_stack.h"

namespace mcx::models {

class McxApp : public ns3::Application {
 public:
  static ns3::TypeId GetTypeId();
  McxApp();
  ~McxApp() override;

  /// A message sent (SIP, HTTPS with its TLS records): its bytes above UDP/TCP.
  typedef void (*TxCallback)(uint32_t bytes);
  /// A job that computed crypto: the simulated seconds it took on the node's cores.
  typedef void (*CryptoJobCallback)(double seconds);
  /// A failed procedure or check (its name, e.g. "csk_upload_signature_invalid").
  typedef void (*ErrorCallback)(std::string error);
  /// A request tried again after a failure (what: "kms_provisioning", "register", ...).
  typedef void (*RetryCallback)(std::string what);
  /// A SIP message or datagram sent: this node's address, the destination, its port, the bytes.
  typedef void (*MessageCallback)(std::string from, std::string to, uint16_t toPort, const crypto::Bytes& message);

  /// Fixes the stream of the node's randomness (the host's draws and the seed of its crypto
  /// DRBG); returns how many streams it used.
  int64_t AssignStreams(int64_t stream);

 protected:
  void DoDispose() override;
  void StopApplication() override;
  /// Creates the host and the SIP stack (`http` = also listen for HTTPS).
  void StartHost(bool http);
  /// The node's name in its DRBG's personalisation ("node<id>").
  std::string Name() const;
  /// Reports a failure on the Error trace (and the log).
  void Fail(const std::string& error);
  /// Reports a retry on the Retry trace (and the log).
  void Retried(const std::string& what);
  /// The clients' retry policy, from the attributes.
  procedures::RetryPolicy Retry() const;

  uint16_t m_sipPort = 5060;
  uint16_t m_httpPort = 443;
  bool m_sipTcp = false;
  ns3::Time m_sipT1;
  ns3::Time m_sipT2;
  uint32_t m_cores = 1;
  double m_deviceFactor = 1.0;
  bool m_tls = true;
  uint64_t m_startUnix = 0;
  ns3::Ptr<ns3::UniformRandomVariable> m_random;
  std::unique_ptr<Ns3Host> m_host;
  std::unique_ptr<procedures::SipStack> m_sip;
  ns3::TracedCallback<uint32_t> m_txTrace;
  ns3::TracedCallback<double> m_cryptoJobTrace;
  ns3::TracedCallback<std::string> m_errorTrace;
  ns3::TracedCallback<std::string> m_retryTrace;
  ns3::TracedCallback<std::string, std::string, uint16_t, const crypto::Bytes&> m_messageTrace;
  ns3::Time m_httpTimeout;
  ns3::Time m_httpIdleTimeout;
  ns3::Time m_retryFirst;
  ns3::Time m_retryMax;
  uint32_t m_retries = 6;
};

}  // namespace mcx::models
