// The base of the on-network MCX applications: a node's SIP stack and procedure host, with the
// attributes they share (ports, SIP transport and timers, worker cores, device cost factor, TLS,
// the node's DRBG seed and the scenario's start date).
#pragma once

#include <ns3/application.h>
#include <ns3/traced-callback.h>

#include <memory>
#include <string>

#include "mcx/models/apps/model/ns3_host.h"
#include "mcx/procedures/transport/sip_stack.h"

namespace mcx::models {

/// Common attributes: ports, SIP transport and timers, worker cores, device cost factor, TLS,
/// the random seed of the node's DRBG and the scenario's start date.
class McxApp : public ns3::Application {
 public:
  static ns3::TypeId GetTypeId();
  Ns3Host* host() { return host_.get(); }
  procedures::SipStack* sip() { return sip_.get(); }
  /// Bytes this node's application sent (SIP, HTTPS with its TLS records).
  uint64_t bytes_sent() const { return bytes_sent_; }
  /// Simulated seconds of crypto its jobs computed.
  double crypto_seconds() const { return crypto_seconds_; }

 protected:
  void DoDispose() override;
  void StopApplication() override;
  /// Creates the host and the SIP stack (`http` = also listen for HTTPS).
  void StartHost(bool http);
  std::string Name() const;

  uint16_t m_sipPort = 5060;
  uint16_t m_httpPort = 443;
  bool m_sipTcp = false;
  double m_sipT1 = 0.5;
  uint32_t m_cores = 1;
  double m_deviceFactor = 1.0;
  bool m_tls = true;
  uint64_t m_seed = 1;
  uint64_t m_startUnix = 1790000000;
  std::unique_ptr<Ns3Host> host_;
  std::unique_ptr<procedures::SipStack> sip_;
  uint64_t bytes_sent_ = 0;
  double crypto_seconds_ = 0;
};

}  // namespace mcx::models
