#include "mcx/procedures/transport/sip_dialog.h"

#include "mcx/procedures/transport/sip_util.h"

namespace mcx::procedures {

std::optional<SipDialog> SipDialog::AsCaller(const SipMessage& invite, const SipMessage& ok) { return Make(invite, ok, true); }
std::optional<SipDialog> SipDialog::AsCallee(const SipMessage& invite, const SipMessage& ok) { return Make(invite, ok, false); }

std::optional<SipDialog> SipDialog::Make(const SipMessage& invite, const SipMessage& ok, bool caller) {
  // 12.1.1 / 12.1.2: the remote target is the other side's Contact; the local URI and tag are
  // the From of the INVITE for the caller and the To of the 2xx for the callee.
  const std::string target = caller ? ok.ContactUri() : invite.ContactUri();
  auto peer = EndpointFromUri(target);
  if (invite.FromTag().empty() || ok.ToTag().empty() || !peer) return std::nullopt;  // 12.1: both tags
  SipDialog d;
  d.call_id_ = invite.CallId();
  d.local_ = caller ? invite.From() : ok.To();
  d.remote_ = caller ? ok.To() : invite.From();
  d.local_tag_ = caller ? invite.FromTag() : ok.ToTag();
  d.remote_tag_ = caller ? ok.ToTag() : invite.FromTag();
  d.remote_target_ = target;
  d.peer_ = *peer;
  if (caller) d.local_cseq_ = invite.CSeqNumber();
  else d.remote_cseq_ = invite.CSeqNumber();
  return d;
}

SipMessage SipDialog::Ack(uint32_t invite_cseq) const {
  SipMessage ack = SipMessage::Request("ACK", remote_target_);
  ack.SetFrom(local_);
  ack.SetTo(remote_);
  ack.SetCallId(call_id_);
  ack.SetCSeq(invite_cseq, "ACK");
  return ack;
}

SipMessage SipDialog::Request(const std::string& method) {
  SipMessage r = SipMessage::Request(method, remote_target_);
  r.SetFrom(local_);
  r.SetTo(remote_);
  r.SetCallId(call_id_);
  r.SetCSeq(++local_cseq_, method);
  return r;
}

bool SipDialog::Owns(const SipMessage& request) const {
  return request.CallId() == call_id_ && request.FromTag() == remote_tag_ && request.ToTag() == local_tag_;
}

bool SipDialog::TakeRemoteCSeq(const SipMessage& request) {
  const std::string m = request.Method();
  if (m == "ACK" || m == "CANCEL") return true;
  const uint32_t n = request.CSeqNumber();
  if (remote_cseq_ && n <= *remote_cseq_) return false;
  remote_cseq_ = n;
  return true;
}

}  // namespace mcx::procedures
