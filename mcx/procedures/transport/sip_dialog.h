// A SIP dialog (RFC 3261 12) as one side holds it: what its in-dialog requests carry (the ACK of
// a 2xx, BYE, re-INVITE) and which requests belong to it. Not held: a route set (nothing on the
// simulated paths record-routes) and target refresh (a re-INVITE's Contact does not move the
// remote target); a re-INVITE's caller adds its own Contact (8.1.1.8).
#pragma once

#include <optional>
#include <string>

#include "mcx/procedures/host.h"
#include "mcx/procedures/transport/sip_message.h"

namespace mcx::procedures {

class SipDialog {
 public:
  /// The caller's side (12.1.2), from the INVITE it sent and the 2xx that came back. nullopt if the
  /// INVITE has no From tag, or the 2xx no To tag or no Contact naming an endpoint (13.2.2.4 needs
  /// one for the ACK).
  static std::optional<SipDialog> AsCaller(const SipMessage& invite, const SipMessage& ok);
  /// The callee's side (12.1.1), from the INVITE it received and the 2xx it sends.
  static std::optional<SipDialog> AsCallee(const SipMessage& invite, const SipMessage& ok);

  /// The ACK of the 2xx to the INVITE of CSeq number `invite_cseq` (13.2.2.4); SipStack::SendAck
  /// adds the Via.
  SipMessage Ack(uint32_t invite_cseq) const;
  /// A new request of the dialog (BYE, re-INVITE, ...) with the next local CSeq (12.2.1.1).
  SipMessage Request(const std::string& method);
  /// Whether `request` belongs to this dialog (Call-ID, and its From tag ours as remote and its
  /// To tag ours as local, 12.2.2).
  bool Owns(const SipMessage& request) const;
  /// 12.2.2: a request whose CSeq is not above the last one from the peer is out of order (the
  /// UAS answers 500); otherwise it is taken and its CSeq remembered. ACK and CANCEL carry the
  /// INVITE's CSeq and are not checked.
  bool TakeRemoteCSeq(const SipMessage& request);

  const std::string& call_id() const { return call_id_; }
  const std::string& local_tag() const { return local_tag_; }
  const std::string& remote_tag() const { return remote_tag_; }
  /// Where in-dialog requests go: the peer's Contact.
  const Endpoint& peer() const { return peer_; }
  uint32_t local_cseq() const { return local_cseq_; }

 private:
  SipDialog() = default;
  static std::optional<SipDialog> Make(const SipMessage& invite, const SipMessage& ok, bool caller);
  std::string call_id_;
  std::string local_, remote_;  ///< From / To header values of our requests (with tags)
  std::string local_tag_, remote_tag_;
  std::string remote_target_;  ///< the peer's Contact URI
  Endpoint peer_;
  uint32_t local_cseq_ = 0;
  std::optional<uint32_t> remote_cseq_;
};

}  // namespace mcx::procedures
