// ns-3 Applications running the real MCX key management: a KMS, a GMS, an MCX server and the
// UE client. Each adapts a procedure object (models/procedures) to ns-3 through Ns3Env; every
// tunable is an attribute and every countable event a trace source.
#pragma once

#include <ns3/application.h>
#include <ns3/traced-callback.h>

#include <memory>

#include "gms_service.h"
#include "kms_procedures.h"
#include "ns3-env.h"
#include "ue_client.h"

namespace mcx::models {

/// Common attributes: ports, SIP transport and timers, worker cores, device cost factor, TLS,
/// the random seed of the node's DRBG and the scenario's start date.
class McxApp : public ns3::Application {
 public:
  static ns3::TypeId GetTypeId();
  Ns3Env* env() { return env_.get(); }
  SipStack* sip() { return sip_.get(); }

 protected:
  void DoDispose() override;
  void StopApplication() override;
  /// Creates the Env and SIP stack (`http` = also listen for HTTPS).
  void StartEnv(bool http);
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
  std::unique_ptr<Ns3Env> env_;
  std::unique_ptr<SipStack> sip_;
};

class KmsApp : public McxApp {
 public:
  static ns3::TypeId GetTypeId();
  const KmsService* service() const { return service_.get(); }

 private:
  void StartApplication() override;
  std::string m_kmsUri = "kms.mcx.example.org";
  uint64_t m_keyPeriod = 2592000;
  std::unique_ptr<KmsService> service_;
};

/// Attributes shared by the KMS clients (GMS, MCX server, UE).
class McxKmsClientApp : public McxApp {
 public:
  static ns3::TypeId GetTypeId();

 protected:
  std::string m_kmsUri = "kms.mcx.example.org";
  ns3::Ipv4Address m_kmsAddress;
};

class GmsApp : public McxKmsClientApp {
 public:
  static ns3::TypeId GetTypeId();
  void AddGroup(const std::string& group, const std::vector<std::string>& members);
  void Rekey(const std::string& group);
  void RemoveMember(const std::string& group, const std::string& member);
  void Revoke(const std::string& group);
  bool Ready() const { return service_ != nullptr; }
  const GmsService* service() const { return service_.get(); }
  void AddMixingServer(const std::string& uri, ns3::Ipv4Address address);

  /// (group, gmkId, rekey number)
  ns3::TracedCallback<std::string, uint32_t, uint32_t> m_rekeyStartedTrace;
  /// (group, member, gmkId, rekey number, latency s, result)
  ns3::TracedCallback<std::string, std::string, uint32_t, uint32_t, double, std::string> m_outcomeTrace;

 private:
  void StartApplication() override;
  std::string m_gmsUri = "sip:gms@mcx.example.org";
  std::string m_transport = "sip";
  double m_activationDelay = 0;
  double m_keyLifetime = 0;
  double m_rekeyPeriod = 0;  ///< seconds; 0 = rekey only on demand
  bool m_fullDocuments = false;
  void PeriodicRekey();
  std::vector<std::pair<std::string, std::vector<std::string>>> groups_;
  std::vector<std::pair<std::string, Endpoint>> mixing_;
  std::unique_ptr<GmsService> service_;
};

class McxServerApp : public McxKmsClientApp {
 public:
  static ns3::TypeId GetTypeId();
  const McxServer* server() const { return server_.get(); }
  ns3::TracedCallback<std::string> m_errorTrace;

 private:
  void StartApplication() override;
  std::string m_mdsiUri = "sip:mcx-server@mcx.example.org";
  std::string m_gmsUri = "sip:gms@mcx.example.org";
  ns3::Ipv4Address m_gmsAddress;
  std::unique_ptr<McxServer> server_;
};

class UeApp : public McxKmsClientApp {
 public:
  static ns3::TypeId GetTypeId();
  void SetGroups(const std::vector<std::string>& groups) { groups_ = groups; }
  /// The UE is reachable again after a time out of coverage: it registers anew and refreshes its
  /// group subscriptions, so the GMS sends the current GMK (see UeClient::Reconnect).
  void CoverageRestored();
  const UeClient* client() const { return client_.get(); }

  ns3::TracedCallback<double> m_provisionedTrace;                      ///< seconds from start
  ns3::TracedCallback<> m_registeredTrace;
  ns3::TracedCallback<std::string, uint32_t> m_keyStoredTrace;         ///< group, GMK-ID
  ns3::TracedCallback<std::string, uint32_t> m_keyActiveTrace;
  ns3::TracedCallback<std::string> m_errorTrace;

 private:
  void StartApplication() override;
  std::string m_userUri;
  std::string m_mdsiUri = "sip:mcx-server@mcx.example.org";
  std::string m_gmsUri = "sip:gms@mcx.example.org";
  ns3::Ipv4Address m_proxyAddress, m_gmsAddress;
  std::string m_transport = "sip";
  bool m_cskUpload = true;
  std::vector<std::string> groups_;
  std::unique_ptr<UeClient> client_;
};

/// One helper per application (ns-3.37 has no generic one): attributes, then Install.
template <class App>
class McxAppHelper {
 public:
  McxAppHelper() { factory_.SetTypeId(App::GetTypeId()); }
  void SetAttribute(const std::string& name, const ns3::AttributeValue& value) { factory_.Set(name, value); }
  ns3::Ptr<App> Install(ns3::Ptr<ns3::Node> node) const {
    ns3::Ptr<App> app = factory_.Create<App>();
    node->AddApplication(app);
    return app;
  }

 private:
  ns3::ObjectFactory factory_;
};
using KmsHelper = McxAppHelper<KmsApp>;
using GmsHelper = McxAppHelper<GmsApp>;
using McxServerHelper = McxAppHelper<McxServerApp>;
using UeClientHelper = McxAppHelper<UeApp>;

}  // namespace mcx::models
