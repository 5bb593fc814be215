// What a simulation of many nodes may change without changing a result (docs/scale.md).
// Computing ahead (crypto/ahead.h): a result taken is the one computed when asked, whoever
// computed it; the asker counts the operation once; an operation asked with other inputs, or
// never submitted, is computed when asked; the budget and Discard bound what waits. The line
// table policy (sakke.h): a key without its table opens the same SEDs, counted the same.
#include "mcx/crypto/ahead.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "mcx/crypto/op_count.h"
#include "mcx/crypto/rng.h"
#include "mcx/crypto/sakke.h"

namespace mcx::crypto {
namespace {

/// Workers for one test, stopped whatever happens.
struct Workers {
  explicit Workers(unsigned n, size_t budget = size_t{768} << 20) { ahead::SetWorkers(n, budget); }
  ~Workers() { ahead::SetWorkers(0); }
};

struct Keys {
  HmacDrbg rng{7, "ahead-test"};
  sakke::MasterSecret z = *sakke::MasterSecret::Generate(rng);
  Bytes alice = Bytes(16, 0xa1), bob = Bytes(16, 0xb0);
  Bytes rsk_bob = *z.IssueRsk(bob);
  Bytes ssv = rng.Generate(16)->Expose();
};

TEST(Ahead, NothingIsComputedAheadWithoutWorkers) {
  ASSERT_FALSE(ahead::Enabled());
  std::atomic<int> calls{0};
  ahead::Submit<int>(ahead::Key("t", {"a"}), 1, [&] { return ++calls; });
  EXPECT_EQ(ahead::Take<int>(ahead::Key("t", {"a"})), std::nullopt);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(ahead::GetStats().submitted, 0u);
}

TEST(Ahead, TakenOnceUnderItsKeyOnly) {
  Workers w(2);
  ahead::Submit<int>(ahead::Key("t", {"a", "b"}), 1, [] { return 42; });
  // The key is the tag and the parts with their boundaries: "ab" + "" is another operation.
  EXPECT_EQ(ahead::Take<int>(ahead::Key("t", {"ab", ""})), std::nullopt);
  EXPECT_EQ(ahead::Take<int>(ahead::Key("u", {"a", "b"})), std::nullopt);
  EXPECT_EQ(ahead::Take<int>(ahead::Key("t", {"a", "b"})), 42);
  EXPECT_EQ(ahead::Take<int>(ahead::Key("t", {"a", "b"})), std::nullopt);  // gone once taken
}

TEST(Ahead, AnOperationNoWorkerStartedIsComputedByTheAsker) {
  Workers w(1);
  // The only worker is held by a slow operation; the next one waits in the queue.
  std::atomic<bool> started{false}, release{false};
  ahead::Submit<int>(ahead::Key("slow", {}), 1, [&] {
    started = true;
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return 1;
  });
  while (!started) std::this_thread::yield();
  const auto asker = std::this_thread::get_id();
  std::thread::id computed_on;
  ahead::Submit<int>(ahead::Key("queued", {}), 1, [&] {
    computed_on = std::this_thread::get_id();
    return 2;
  });
  EXPECT_EQ(ahead::Take<int>(ahead::Key("queued", {})), 2);
  EXPECT_EQ(computed_on, asker);
  release = true;
  EXPECT_EQ(ahead::Take<int>(ahead::Key("slow", {})), 1);  // waits for the worker
  const ahead::Stats s = ahead::GetStats();
  EXPECT_EQ(s.stolen, 1u);
  EXPECT_EQ(s.ready + s.waited, 1u);
}

TEST(Ahead, TheBudgetDropsWhatDoesNotFitAndAPendingKeyIsNotQueuedTwice) {
  Workers w(1, /*budget=*/100);
  ahead::Submit<int>(ahead::Key("a", {}), 60, [] { return 1; });
  ahead::Submit<int>(ahead::Key("b", {}), 60, [] { return 2; });  // 120 > 100
  ahead::Submit<int>(ahead::Key("a", {}), 10, [] { return 3; });  // pending already
  EXPECT_EQ(ahead::GetStats().dropped, 2u);
  EXPECT_EQ(ahead::Take<int>(ahead::Key("b", {})), std::nullopt);
  EXPECT_EQ(ahead::Take<int>(ahead::Key("a", {})), 1);
  ahead::Submit<int>(ahead::Key("b", {}), 60, [] { return 2; });  // taken: the budget is back
  EXPECT_EQ(ahead::Take<int>(ahead::Key("b", {})), 2);
}

TEST(Ahead, DiscardForgetsWhatWasNotAskedFor) {
  Workers w(1);
  ahead::Submit<int>(ahead::Key("a", {}), 1, [] { return 1; });
  ahead::Discard();
  EXPECT_EQ(ahead::Take<int>(ahead::Key("a", {})), std::nullopt);
}

TEST(SakkeAhead, EncapsulationTakenIsTheOneComputedAndCountedOnce) {
  Keys k;
  const Bytes inline_sed = *sakke::Encapsulate(k.z.Public(), k.bob, k.ssv);
  Workers w(2);
  sakke::EncapsulateAhead(k.z.Public(), k.bob, k.ssv);
  OpCounter counter;
  auto sed = sakke::Encapsulate(k.z.Public(), k.bob, k.ssv);
  ASSERT_TRUE(sed.ok());
  EXPECT_EQ(*sed, inline_sed);
  EXPECT_EQ(counter.counts()[Op::kSakkeEncapsulate], 1u);
  EXPECT_EQ(counter.counts()[Op::kSakkeDecapsulate], 0u);
  const ahead::Stats s = ahead::GetStats();
  EXPECT_EQ(s.ready + s.waited + s.stolen, 1u);
}

TEST(SakkeAhead, ReceiverKeyAndTheSedsMadeForItAreComputedAhead) {
  Keys k;
  Workers w(2);
  sakke::ReceiverKey::CreateAhead(k.z.Public(), k.bob, k.rsk_bob);
  OpCounter counter;
  auto bob = sakke::ReceiverKey::Create(k.z.Public(), k.bob, k.rsk_bob);
  ASSERT_TRUE(bob.ok());
  EXPECT_EQ(counter.counts()[Op::kSakkeRskValidate], 1u);
  EXPECT_GT(bob->PrecomputedBytes(), 0u);
  // A sender encapsulates to bob (inline): a worker opens the SED with bob's key at once.
  const Bytes sed = *sakke::Encapsulate(k.z.Public(), k.bob, k.ssv);
  const uint64_t before = ahead::GetStats().submitted;
  EXPECT_EQ(before, 2u);  // bob's key, then the decapsulation
  auto ssv = bob->Decapsulate(sed);
  ASSERT_TRUE(ssv.ok());
  EXPECT_EQ(ssv->Expose(), k.ssv);
  EXPECT_EQ(counter.counts()[Op::kSakkeDecapsulate], 1u);
  const ahead::Stats s = ahead::GetStats();
  EXPECT_EQ(s.ready + s.waited + s.stolen, 2u);
  // An SED made for someone else, or altered, is another operation: computed when asked, and it
  // fails as it must.
  Bytes altered = sed;
  altered.back() ^= 1;
  auto bad = sakke::Encapsulate(k.z.Public(), k.alice, k.ssv);  // not for bob: no key of his opens it ahead
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ(ahead::GetStats().submitted, 2u);
  EXPECT_EQ(bob->Decapsulate(*bad).error(), Error::kSakkeIntegrityFailed);
  EXPECT_EQ(bob->Decapsulate(altered).error(), Error::kSakkeIntegrityFailed);
  EXPECT_EQ(counter.counts()[Op::kSakkeDecapsulate], 3u);
}

TEST(SakkeAhead, AWrongRskComputedAheadFailsAsItDoesInline) {
  Keys k;
  Bytes wrong = k.rsk_bob;
  auto inline_result = sakke::ReceiverKey::Create(k.z.Public(), k.alice, wrong);
  ASSERT_FALSE(inline_result.ok());
  Workers w(1);
  sakke::ReceiverKey::CreateAhead(k.z.Public(), k.alice, wrong);
  auto ahead_result = sakke::ReceiverKey::Create(k.z.Public(), k.alice, wrong);
  ASSERT_FALSE(ahead_result.ok());
  EXPECT_EQ(ahead_result.error(), inline_result.error());
}

/// The policy for one test, back to kOn whatever happens.
struct TablePolicy {
  TablePolicy(sakke::LineTables p, size_t budget = 0) { sakke::SetLineTablePolicy(p, budget); }
  ~TablePolicy() { sakke::SetLineTablePolicy(sakke::LineTables::kOn); }
};

TEST(SakkeLineTables, AKeyWithoutItsTableOpensTheSameSedsCountedTheSame) {
  Keys k;
  const Bytes sed = *sakke::Encapsulate(k.z.Public(), k.bob, k.ssv);
  auto with = sakke::ReceiverKey::Create(k.z.Public(), k.bob, k.rsk_bob);
  ASSERT_TRUE(with.ok());
  TablePolicy off(sakke::LineTables::kOff);
  OpCounter counter;
  auto without = sakke::ReceiverKey::Create(k.z.Public(), k.bob, k.rsk_bob);
  ASSERT_TRUE(without.ok());
  EXPECT_GT(with->PrecomputedBytes(), 300u << 10);
  EXPECT_EQ(without->PrecomputedBytes(), 0u);
  EXPECT_EQ(without->Decapsulate(sed)->Expose(), with->Decapsulate(sed)->Expose());
  EXPECT_EQ(counter.counts()[Op::kSakkeRskValidate], 1u);
  EXPECT_EQ(counter.counts()[Op::kSakkeDecapsulate], 2u);
  Bytes altered = sed;
  altered[5] ^= 1;
  EXPECT_EQ(without->Decapsulate(altered).error(), with->Decapsulate(altered).error());
  // The RSK check without the table fails as it does with it.
  EXPECT_EQ(sakke::ReceiverKey::Create(k.z.Public(), k.alice, k.rsk_bob).error(), Error::kInvalidRsk);
}

TEST(SakkeLineTables, AutoKeepsTablesWhileTheyFitTheBudgetAndCountsThemAlive) {
  Keys k;
  const size_t before = sakke::LineTableBytesAlive();
  TablePolicy automatic(sakke::LineTables::kAuto, before + (100u << 10));  // room for one table
  size_t one = 0;
  {
    auto first = sakke::ReceiverKey::Create(k.z.Public(), k.bob, k.rsk_bob);
    auto second = sakke::ReceiverKey::Create(k.z.Public(), k.bob, k.rsk_bob);
    one = first->PrecomputedBytes();
    EXPECT_GT(one, 0u);
    EXPECT_EQ(second->PrecomputedBytes(), 0u);  // the budget is spent
    EXPECT_EQ(sakke::LineTableBytesAlive(), before + one);
  }
  EXPECT_EQ(sakke::LineTableBytesAlive(), before);  // gone with its key
  auto third = sakke::ReceiverKey::Create(k.z.Public(), k.bob, k.rsk_bob);
  EXPECT_EQ(third->PrecomputedBytes(), one);  // room again
}

}  // namespace
}  // namespace mcx::crypto
