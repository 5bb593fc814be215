#include "mcx/models/apps/model/mcx_app.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/log.h>
#include <ns3/uinteger.h>

#include "mcx/security/naming_plan.h"

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
                        MakeUintegerAccessor(&McxApp::m_sipPort), MakeUintegerChecker<uint16_t>(1))
          .AddAttribute("HttpPort", "HTTPS port of the KMS and GMS interfaces.", UintegerValue(443),
                        MakeUintegerAccessor(&McxApp::m_httpPort), MakeUintegerChecker<uint16_t>(1))
          .AddAttribute("SipTcp", "Send SIP over TCP instead of UDP.", BooleanValue(false),
                        MakeBooleanAccessor(&McxApp::m_sipTcp), MakeBooleanChecker())
          .AddAttribute("SipT1", "RFC 3261 T1, the round-trip estimate: Timer E starts at T1, F is 64 T1.",
                        TimeValue(Seconds(procedures::SipTimers{}.t1)), MakeTimeAccessor(&McxApp::m_sipT1),
                        MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("SipT2", "RFC 3261 T2, the longest Timer E interval.",
                        TimeValue(Seconds(procedures::SipTimers{}.t2)),
                        MakeTimeAccessor(&McxApp::m_sipT2), MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("Cores", "Worker cores that run the node's crypto.", UintegerValue(1),
                        MakeUintegerAccessor(&McxApp::m_cores), MakeUintegerChecker<uint32_t>(1))
          .AddAttribute("DeviceFactor", "Crypto cost relative to the reference host (1 = the host).",
                        DoubleValue(1.0), MakeDoubleAccessor(&McxApp::m_deviceFactor),
                        MakeDoubleChecker<double>(0.0))
          .AddAttribute("Tls", "Model TLS on the HTTPS interfaces (handshake and records).", BooleanValue(true),
                        MakeBooleanAccessor(&McxApp::m_tls), MakeBooleanChecker())
          .AddAttribute("StartUnixTime", "Calendar date of simulation time 0 (Unix seconds).",
                        UintegerValue(security::naming::kEpochUnix), MakeUintegerAccessor(&McxApp::m_startUnix),
                        MakeUintegerChecker<uint64_t>())
          .AddTraceSource("Tx", "A message sent: its bytes above UDP/TCP (SIP; HTTPS with TLS records).",
                          MakeTraceSourceAccessor(&McxApp::m_txTrace), "mcx::McxApp::TxCallback")
          .AddTraceSource("CryptoJob", "A job that computed crypto: its simulated seconds on the node's cores.",
                          MakeTraceSourceAccessor(&McxApp::m_cryptoJobTrace), "mcx::McxApp::CryptoJobCallback")
          .AddAttribute("HttpTimeout", "An HTTPS request without a response by then fails (the client may retry).",
                        TimeValue(Seconds(Ns3Host::Config{}.http_timeout_s)), MakeTimeAccessor(&McxApp::m_httpTimeout),
                        MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("HttpIdleTimeout",
                        "A client's HTTPS connection with nothing outstanding this long is closed (0: kept open).",
                        TimeValue(Seconds(Ns3Host::Config{}.http_idle_timeout_s)),
                        MakeTimeAccessor(&McxApp::m_httpIdleTimeout), MakeTimeChecker(Seconds(0)))
          .AddAttribute("RetryFirst", "Wait before a client's first retry of a request without an answer.",
                        TimeValue(Seconds(procedures::RetryPolicy{}.first_s)), MakeTimeAccessor(&McxApp::m_retryFirst),
                        MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("RetryMax", "Longest wait between retries (the waits double up to it).",
                        TimeValue(Seconds(procedures::RetryPolicy{}.max_s)), MakeTimeAccessor(&McxApp::m_retryMax),
                        MakeTimeChecker(MilliSeconds(1)))
          .AddAttribute("Retries", "Retries of a request without an answer before the client gives up.",
                        UintegerValue(procedures::RetryPolicy{}.retries), MakeUintegerAccessor(&McxApp::m_retries),
                        MakeUintegerChecker<uint32_t>(0, 1000))
          .AddTraceSource("Error", "A failed procedure or check (its name).",
                          MakeTraceSourceAccessor(&McxApp::m_errorTrace), "mcx::McxApp::ErrorCallback")
          .AddTraceSource("Retry", "A request tried again after a failure (what).",
                          MakeTraceSourceAccessor(&McxApp::m_retryTrace), "mcx::McxApp::RetryCallback")
          .AddTraceSource("Message", "A SIP message or datagram sent: from, to, port, bytes.",
                          MakeTraceSourceAccessor(&McxApp::m_messageTrace), "mcx::McxApp::MessageCallback");
  return tid;
}

McxApp::McxApp() : m_random(CreateObject<UniformRandomVariable>()) {}
McxApp::~McxApp() = default;

int64_t McxApp::AssignStreams(int64_t stream) {
  NS_LOG_FUNCTION(this << stream);
  m_random->SetStream(stream);
  return 1;
}

std::string McxApp::Name() const { return "node" + std::to_string(GetNode()->GetId()); }

void McxApp::Fail(const std::string& error) {
  NS_LOG_WARN(Name() << ": " << error);
  m_errorTrace(error);
}

void McxApp::Retried(const std::string& what) {
  NS_LOG_INFO(Name() << ": retries " << what);
  m_retryTrace(what);
}

procedures::RetryPolicy McxApp::Retry() const {
  procedures::RetryPolicy p;
  p.first_s = m_retryFirst.GetSeconds();
  p.max_s = m_retryMax.GetSeconds();
  p.retries = m_retries;
  return p;
}

void McxApp::StartHost(bool http) {
  NS_LOG_FUNCTION(this << http);
  Ns3Host::Config c;
  c.sip_port = m_sipPort;
  c.http_port = m_httpPort;
  c.cores = m_cores;
  c.cost.device_factor = m_deviceFactor;
  c.tls.enabled = m_tls;
  c.start_unix = m_startUnix;
  c.http_timeout_s = m_httpTimeout.GetSeconds();
  c.http_idle_timeout_s = m_httpIdleTimeout.GetSeconds();
  m_host = std::make_unique<Ns3Host>(GetNode(), c, m_random, Name());
  m_host->on_sent = [this](uint32_t bytes) { m_txTrace(bytes); };
  m_host->on_message = [this](const procedures::Endpoint& to, const crypto::Bytes& m) {
    m_messageTrace(m_host->LocalAddress(), to.host, to.port, m);
  };
  m_host->on_crypto_job = [this](double seconds, const crypto::OpCounts&) { m_cryptoJobTrace(seconds); };
  procedures::SipTimers t;
  t.t1 = m_sipT1.GetSeconds();
  t.t2 = m_sipT2.GetSeconds();
  m_sip = std::make_unique<procedures::SipStack>(*m_host, t, m_sipTcp);
  m_host->on_sip = [this](const procedures::Endpoint& from, crypto::ByteView data) { m_sip->OnBytes(from, data); };
  if (!http) m_host->on_http = nullptr;
  NS_LOG_INFO(Name() << " (" << m_host->LocalAddress() << ") starts");
}

void McxApp::StopApplication() {
  NS_LOG_FUNCTION(this);
  if (m_host) m_host->Stop();
}

void McxApp::DoDispose() {
  NS_LOG_FUNCTION(this);
  m_sip.reset();  // before the host it uses
  if (m_host) m_host->Stop(/*disposing=*/true);
  m_host.reset();
  m_random = nullptr;
  Application::DoDispose();
}

}  // namespace mcx::models
