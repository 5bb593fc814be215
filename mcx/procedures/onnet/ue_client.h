// The MC client's key management (TS 33.180 5.3, 5.4, 5.7): provisioning from the KMS (and the
// checks of what it receives), SIP REGISTER with the CSK upload to the MCX server, affiliation,
// SUBSCRIBE to each group's configuration, and for every GMK I_MESSAGE (NOTIFY push or HTTP
// pull) every receiver check, storage, activation and the answer to the GMS.
#pragma once

#include <optional>
#include <string>

#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/onnet/kms_client.h"
#include "mcx/procedures/retry_policy.h"
#include "mcx/procedures/transport/sip_stack.h"
#include "mcx/security/key_store.h"
#include "mcx/security/naming_plan.h"

namespace mcx::procedures {

struct UeConfig {
  std::string user_uri;
  std::string kms_uri;
  Endpoint kms;                 ///< KMS HTTPS endpoint
  Endpoint sip_proxy;           ///< the MCX server: registrar and outbound proxy
  std::string mdsi_uri = security::naming::McxServerUri();  ///< CSK upload receiver (5.4)
  std::string gms_uri = security::naming::GmsUri();          ///< the identity allowed to send GMKs
  Endpoint gms_http;            ///< the GMS's XCAP server (pull)
  std::vector<std::string> groups;
  GmkTransport transport = GmkTransport::kSip;
  bool csk_upload = true;
  /// Requests that get no answer (provisioning, REGISTER, SUBSCRIBE, the document GET) are
  /// retried with this back-off before the client gives up and reports the error.
  RetryPolicy retry;
};

class UeClient {
 public:
  /// Keys go into (and are used from) the device's key store `keys`.
  UeClient(Host& host, SipStack& sip, UeConfig cfg, security::KeyStore& keys)
      : host_(host), sip_(sip), cfg_(std::move(cfg)), store_(keys) {}
  /// Provision, register, affiliate, subscribe (each after the previous one succeeded).
  void Start();
  void OnSipRequest(const Endpoint& from, const SipMessage& req);
  /// Back in coverage after a time away (TS 24.379 leaves how to the client): REGISTER again (the
  /// registration may have lapsed), then affiliate and SUBSCRIBE to each group, whose first
  /// NOTIFY (RFC 6665) brings the group's current GMK. Needs provisioning to have succeeded.
  void Reconnect();

  const security::KeyStore& key_store() const { return store_; }
  bool provisioned() const { return id_.identity != nullptr; }
  bool registered() const { return registered_; }

  std::function<void(double seconds)> on_provisioned;  ///< time from Start
  std::function<void()> on_registered;
  std::function<void(const std::string& group, uint32_t gmk_id)> on_key_stored;
  std::function<void(const std::string& group, uint32_t gmk_id)> on_key_active;
  std::function<void(const std::string& kind)> on_error;
  /// A request is tried again after a failure ("kms_provisioning", "register", "subscribe",
  /// "group_document_fetch").
  std::function<void(const std::string& what)> on_retry;

 private:
  void Register(uint32_t attempt = 0);
  void Affiliate();
  void Subscribe(const std::string& group, uint32_t attempt = 0);
  /// Runs the receiver checks on one I_MESSAGE and stores the key; returns "ok" or an error.
  /// `group`: the group the key is accepted for (TS 33.180 5.7), if known.
  std::string ProcessGmk(const Bytes& i_message, const std::optional<std::string>& group);
  /// The GMKs of a group document, each accepted for the group the document names. `requested`:
  /// the group whose document was fetched (pull), which the document must name.
  std::string ProcessDocument(const std::string& xml, std::string* group, uint32_t* gmk_id,
                              const std::string* requested = nullptr);
  void Fetch(const std::string& group, uint32_t attempt = 0);
  void Error(const std::string& kind);
  /// Runs `again` after the policy's wait if the attempt that failed may be retried (reporting
  /// `what` to on_retry); otherwise reports `error`.
  void RetryOr(uint32_t failed_attempt, const std::string& what, const std::string& error, std::function<void()> again);

  Host& host_;
  SipStack& sip_;
  UeConfig cfg_;
  Provisioned id_;
  security::KeyStore& store_;
  bool registered_ = false;
  double started_ = 0;
  std::string from_tag_;
};

}  // namespace mcx::procedures
