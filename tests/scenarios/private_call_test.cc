// ns-3 integration: on-network private calls (private-call) over LTE. Calls set up through the MCX
// server with the PCK in a=key-mgmt:mikey and voice decrypts at both ends; a server that alters
// the key-mgmt gets every call refused with the check that failed; --security off gives the same
// calls without the set-up's crypto; one seed, one result.
#include <gtest/gtest.h>

#include "mcx/scenarios/private_call/private_call.h"

using namespace mcx::scenarios;

namespace {

PrivateCallParams Params(const std::string& security, const std::string& attack = "none") {
  PrivateCallParams p;
  p.world.members = 2;
  p.world.access = "lte";
  p.calls = 3;
  p.security = security;
  p.attack = attack;
  p.seeds.seed = 1;
  p.seeds.run = 3;
  return p;
}

}  // namespace

TEST(PrivateCallScenario, OverLteEveryCallSetsUpAndVoiceDecryptsAtBothEnds) {
  const PrivateCallResult r = RunPrivateCall(Params("on"));
  ASSERT_EQ(r.calls.size(), 3u);
  for (const PrivateCallRecord& c : r.calls) {
    EXPECT_EQ(c.outcome, "connected") << c.caller << " " << c.why;
    EXPECT_GT(c.setup_ms, 0);
    EXPECT_GT(c.first_voice_ms, c.setup_ms);
  }
  EXPECT_TRUE(r.stats.errors.empty()) << r.stats.errors.begin()->first;
  // Both ends heard the other (each frame decrypted under the PCK's session of its direction).
  ASSERT_EQ(r.frames_heard.size(), 2u);
  for (const auto& [ue, n] : r.frames_heard) EXPECT_GT(n, 20u) << ue;
  EXPECT_EQ(r.server.at("private_connected"), 3u);
  EXPECT_EQ(r.server.at("media_dropped"), 0u);
}

TEST(PrivateCallScenario, AServerThatAltersTheKeyMgmtGetsEveryCallRefusedWithTheNamedCheck) {
  const PrivateCallResult r = RunPrivateCall(Params("on", "corrupt-key-mgmt"));
  ASSERT_EQ(r.calls.size(), 3u);
  for (const PrivateCallRecord& c : r.calls) {
    EXPECT_EQ(c.outcome, "refused");
    EXPECT_EQ(c.status, 488u);
    EXPECT_EQ(c.why, "signature_invalid");
  }
  EXPECT_EQ(r.voice_frames_received, 0u);
  EXPECT_EQ(r.stats.errors.at("ue_signature_invalid"), 3u);  // counted by the callees
  EXPECT_EQ(r.server.at("private_refused"), 3u);
}

TEST(PrivateCallScenario, SecurityOffRunsTheSameCallsWithoutTheSetUpsCrypto) {
  const PrivateCallResult on = RunPrivateCall(Params("on"));
  const PrivateCallResult off = RunPrivateCall(Params("off"));
  ASSERT_EQ(off.calls.size(), on.calls.size());
  for (size_t i = 0; i < on.calls.size(); ++i) {
    EXPECT_EQ(off.calls[i].caller, on.calls[i].caller);
    EXPECT_EQ(off.calls[i].outcome, "connected");
    // The caller's encapsulation and signature, the callee's verification and decapsulation.
    EXPECT_GT(on.calls[i].setup_ms - off.calls[i].setup_ms, 5.0);
  }
  EXPECT_TRUE(off.stats.errors.empty());
  // One seed, one result.
  const PrivateCallResult again = RunPrivateCall(Params("on"));
  ASSERT_EQ(again.calls.size(), on.calls.size());
  for (size_t i = 0; i < on.calls.size(); ++i) {
    EXPECT_EQ(again.calls[i].setup_ms, on.calls[i].setup_ms);
    EXPECT_EQ(again.calls[i].first_voice_ms, on.calls[i].first_voice_ms);
  }
  EXPECT_EQ(again.mouth_to_ear_ms, on.mouth_to_ear_ms);
}
