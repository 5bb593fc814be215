// The Group Management Server's key management (TS 33.180 5.7): groups and members, GMK
// distribution by SIP NOTIFY (push, 5.7.2.x) or by HTTP GET of the group document (pull,
// 5.7.2.y), rekeying (on demand, periodic, member leave), revocation, and the collection of each
// member's answer: the NOTIFY's final response (push) or the member's key status report (pull).
#pragma once

#include <map>
#include <set>

#include "mcx/procedures/onnet/group_document.h"
#include "mcx/procedures/onnet/kms_client.h"
#include "mcx/security/domain.h"
#include "mcx/procedures/transport/sip_stack.h"
#include "mcx/security/naming_plan.h"

namespace mcx::procedures {

struct GmsConfig {
  std::string gms_uri = security::naming::GmsUri();
  std::string xcap_root = security::naming::XcapRoot();
  GmkTransport transport = GmkTransport::kSip;
  /// Also give each GMK to these MCX server identities (media mixing deployment option).
  std::vector<std::pair<std::string, Endpoint>> mixing_servers;
  double activation_delay_s = 0;  ///< a replacement GMK becomes active this long after the rekey starts
  double key_lifetime_s = 0;      ///< a GMK expires this long after its activation (0 = never)
  /// Send full group documents (with the member list) instead of partial ones carrying only the
  /// member's GKTP (5.7.2.y allows either). Full documents grow with the group: O(N) per member.
  bool full_documents = false;
  /// A member's NOTIFY that timed out (Timer F) is sent again (a fresh I_MESSAGE) with this
  /// back-off while the key is current: a GMS unreachable for a while still reaches everyone.
  RetryPolicy retry;
};

struct RekeyOutcome {
  std::string group, member;
  uint32_t gmk_id = 0;
  uint32_t rekey = 0;        ///< the rekey's sequence number in this group (0 = initial key)
  double started = 0, answered = 0;
  std::string result;        ///< "ok" or the member's error name, or "timeout"
};

class GmsService {
 public:
  GmsService(Host& host, SipStack& sip, GmsConfig cfg, Provisioned identity);

  void AddGroup(const std::string& group_uri, const std::vector<std::string>& members);
  /// A new GMK for the group, sent to every subscribed member (5.7.2 step 1).
  void Rekey(const std::string& group_uri);
  /// Removes a member and rekeys so that it cannot follow the group any more.
  void RemoveMember(const std::string& group_uri, const std::string& member);
  /// Repeats the current GMK with the status "revoked" (5.7.2.x).
  void Revoke(const std::string& group_uri);

  void OnSipRequest(const Endpoint& from, const SipMessage& req);
  HttpResponse OnHttpRequest(const HttpRequest& req);

  std::function<void(const RekeyOutcome&)> on_outcome;
  /// Each member's GMK I_MESSAGE as it leaves (what an observer on the path could record).
  std::function<void(const std::string& group, const std::string& member, const Bytes& i_message)> on_key_message;
  /// A member's message is sent again after a timeout ("gmk_notify").
  std::function<void(const std::string& what)> on_retry;
  /// A new GMK is being distributed: the group, the GMK as issued (ID, activation and expiry in
  /// Unix seconds) and the rekey's sequence number (0 = the group's first key).
  std::function<void(const std::string& group, const security::IssuedGmk& gmk, uint32_t rekey)> on_rekey_started;
  /// Signalling the GMS exchanged, by procedure ("gmk_notify", "subscribe", "gmk_http_get",
  /// "key_status", "gmk_to_mcx_server"): each message's bytes as they are counted.
  std::function<void(const std::string& procedure, size_t bytes)> on_signalling_bytes;
  const std::map<std::string, uint64_t>& bytes_by_procedure() const { return bytes_; }
  uint32_t CurrentGmkId(const std::string& group) const;
  std::vector<std::string> Groups() const;

 private:
  struct Subscription {
    Endpoint contact;
    std::string call_id, their_tag, our_tag;
    uint32_t cseq = 1;
  };
  struct Group {
    std::vector<std::string> members;
    security::IssuedGmk gmk;  ///< ID 0 until the first key
    uint32_t rekey = 0;
    double started = 0;
    bool distributed = false;
    std::set<std::string> answered;  ///< members that answered the current GMK
  };
  crypto::Result<Bytes> MakeIMessage(const Group& g, const std::string& member);
  void SendKey(const std::string& group_uri, const std::string& member, uint32_t attempt = 0);
  void Notify(const std::string& member, const std::string& content_type, const std::string& body,
              std::function<void(const SipMessage*)> done);
  void CountBytes(const std::string& procedure, size_t bytes);
  void Record(const std::string& group_uri, const std::string& member, const std::string& result);
  std::string MemberOf(const std::string& group, const std::string& uri) const;

  Host& host_;
  SipStack& sip_;
  GmsConfig cfg_;
  Provisioned id_;
  std::map<std::string, Group> groups_;
  std::map<std::string, Subscription> subs_;  ///< by member URI
  std::map<std::string, uint64_t> bytes_;
};

}  // namespace mcx::procedures
