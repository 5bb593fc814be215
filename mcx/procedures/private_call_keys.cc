#include "mcx/procedures/private_call_keys.h"

#include "mcx/security/identity.h"

namespace mcx::procedures {

namespace ms = security::mikey_sakke;

crypto::Result<MadePck> MakePck(const ms::LocalIdentity& me, const ms::KmsPublicInfo& my_kms, const std::string& callee,
                                const ms::KmsPublicInfo& callee_kms, uint64_t ntp_now, crypto::Rng& rng) {
  auto pck = rng.Generate(16);
  auto pck_id = security::NewKeyId(security::KeyPurpose::kPck, rng);
  if (!pck || !pck_id) return crypto::Error::kRandomFailure;
  auto created = ms::CreateIMessage(ms::Distribution::kPck, me, my_kms, callee, callee_kms, *pck_id, *pck,
                                    ms::SendOptions{}, ntp_now, rng);
  if (!created) return created.error();
  return MadePck{PrivateCallKeys{*pck, *pck_id, created->rand, /*initiator=*/true}, std::move(created->message)};
}

crypto::Result<PrivateCallKeys> ReceivePck(crypto::ByteView i_message, const ms::LocalIdentity& me,
                                           std::vector<ms::KmsPublicInfo> kms, const std::string& caller,
                                           uint64_t ntp_now, uint64_t max_clock_skew_s) {
  // TS 33.180 5.7 / 5.2.2: every receiver check, the initiator being the caller we were told of.
  ms::ReceiveContext ctx;
  ctx.expected = ms::Distribution::kPck;
  ctx.ntp_now = ntp_now;
  ctx.kms = std::move(kms);
  ctx.authorised_senders = {caller};
  ctx.max_clock_skew_seconds = max_clock_skew_s;
  auto r = ms::ProcessIMessage(i_message, me, ctx);
  if (!r) return r.error();
  return PrivateCallKeys{std::move(r->key), r->key_id, std::move(r->rand), /*initiator=*/false};
}

bool PckReplayCache::Seen(uint32_t pck_id, crypto::ByteView rand, double now_s) {
  for (auto it = seen_.begin(); it != seen_.end();) it = it->second <= now_s ? seen_.erase(it) : std::next(it);
  auto [it, added] = seen_.try_emplace({pck_id, crypto::Bytes(rand.begin(), rand.end())}, now_s + hold_s_);
  return !added;
}

}  // namespace mcx::procedures
