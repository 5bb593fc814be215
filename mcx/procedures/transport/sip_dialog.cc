#include "mcx/procedures/transport/sip_dialog.h"

#include "mcx/procedures/transport/sip_util.h"

namespace mcx::procedures {

std::optional<SipDialog> SipDialog::AsCaller(const SipMessage& invite, const SipMessage& ok) {
  auto peer = EndpointFromUri(ok.ContactUri());
  if (ok.ToTag().empty() || !peer) return std::nullopt;
  SipDialog d;
  d.call_id_ = invite.CallId();
  d.local_ = invite.From();
  d.remote_ = ok.To();
  d.local_tag_ = invite.FromTag();
  d.remote_tag_ = ok.ToTag();
  d.remote_target_ = ok.ContactUri();
  d.peer_ = *peer;
  d.local_cseq_ = invite.CSeqNumber();
  return d;
}

std::optional<SipDialog> SipDialog::AsCallee(const SipMessage& invite, const SipMessage& ok) {
  auto peer = EndpointFromUri(invite.ContactUri());
  if (ok.ToTag().empty() || !peer) return std::nullopt;
  SipDialog d;
  d.call_id_ = invite.CallId();
  d.local_ = ok.To();
  d.remote_ = invite.From();
  d.local_tag_ = ok.ToTag();
  d.remote_tag_ = invite.FromTag();
  d.remote_target_ = invite.ContactUri();
  d.peer_ = *peer;
  d.remote_cseq_ = invite.CSeqNumber();
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
