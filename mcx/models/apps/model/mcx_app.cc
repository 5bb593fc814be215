#include "mcx/models/apps/model/mcx_app.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/ipv4-address.h>
#include <ns3/log.h>
#include <ns3/string.h>
#include <ns3/uinteger.h>

#include <sstream>

namespace mcx::models {

using namespace ns3;

NS_LOG_COMPONENT_DEFINE("McxApp");
NS_OBJECT_ENSURE_REGISTERED(McxApp);

TypeId McxApp::GetTypeId() {
  static TypeId tid =
      TypeId("mcx::McxApp")
          .SetParent<Application>()
          .SetGroupName("Mcx")
          .AddAttribute("SipPort", "SIP port (UDP and TCP).", UintegerValue(5060),
                        MakeUintegerAccessor(&McxApp::m_sipPort), MakeUintegerChecker<uint16_t>())
          .AddAttribute("HttpPort", "HTTPS port of the KMS and GMS interfaces.", UintegerValue(443),
                        MakeUintegerAccessor(&McxApp::m_httpPort), MakeUintegerChecker<uint16_t>())
          .AddAttribute("SipTcp", "Send SIP over TCP instead of UDP.", BooleanValue(false),
                        MakeBooleanAccessor(&McxApp::m_sipTcp), MakeBooleanChecker())
          .AddAttribute("SipT1", "RFC 3261 T1 in seconds (Timer E starts at T1, F = 64 T1).", DoubleValue(0.5),
                        MakeDoubleAccessor(&McxApp::m_sipT1), MakeDoubleChecker<double>(0.001))
          .AddAttribute("Cores", "Worker cores that run the node's crypto.", UintegerValue(1),
                        MakeUintegerAccessor(&McxApp::m_cores), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("DeviceFactor", "Crypto cost relative to the reference host (1 = the host).",
                        DoubleValue(1.0), MakeDoubleAccessor(&McxApp::m_deviceFactor),
                        MakeDoubleChecker<double>(0.0))
          .AddAttribute("Tls", "Model TLS on the HTTPS interfaces (handshake and records).", BooleanValue(true),
                        MakeBooleanAccessor(&McxApp::m_tls), MakeBooleanChecker())
          .AddAttribute("Seed", "Seed of this node's crypto DRBG.", UintegerValue(1),
                        MakeUintegerAccessor(&McxApp::m_seed), MakeUintegerChecker<uint64_t>())
          .AddAttribute("StartUnixTime", "Calendar date of simulation time 0 (Unix seconds).",
                        UintegerValue(1790000000), MakeUintegerAccessor(&McxApp::m_startUnix),
                        MakeUintegerChecker<uint64_t>());
  return tid;
}

std::string McxApp::Name() const { return "node" + std::to_string(GetNode()->GetId()); }

void McxApp::StartHost(bool http) {
  Ns3Host::Config c;
  c.sip_port = m_sipPort;
  c.http_port = m_httpPort;
  c.sip_tcp = m_sipTcp;
  c.cores = m_cores;
  c.cost.device_factor = m_deviceFactor;
  c.tls.enabled = m_tls;
  c.start_unix = m_startUnix;
  host_ = std::make_unique<Ns3Host>(GetNode(), c, std::make_unique<crypto::HmacDrbg>(m_seed, Name()));
  host_->on_sent = [this](uint32_t bytes) { bytes_sent_ += bytes; };
  host_->on_crypto_job = [this](double seconds, const crypto::OpCounts&) { crypto_seconds_ += seconds; };
  procedures::SipTimers t;
  t.t1 = m_sipT1;
  sip_ = std::make_unique<procedures::SipStack>(*host_, t, m_sipTcp);
  host_->on_sip = [this](const procedures::Endpoint& from, crypto::ByteView data) { sip_->OnBytes(from, data); };
  if (!http) host_->on_http = nullptr;
}

void McxApp::StopApplication() {
  if (host_) host_->Stop();
}

void McxApp::DoDispose() {
  sip_.reset();
  host_.reset();
  Application::DoDispose();
}

}  // namespace mcx::models
