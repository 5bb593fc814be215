#include "mcx/scenarios/shared/run_streams.h"

#include <ns3/internet-stack-helper.h>
#include <ns3/node-container.h>
#include <ns3/rng-seed-manager.h>

#include "mcx/models/apps/model/ns3_host.h"

namespace mcx::scenarios {

RunStreams::RunStreams(const RunSeeds& seeds) {
  ns3::RngSeedManager::SetSeed(seeds.seed);
  ns3::RngSeedManager::SetRun(seeds.run);
}

ns3::Ptr<ns3::UniformRandomVariable> RunStreams::NewUniform() {
  auto u = ns3::CreateObject<ns3::UniformRandomVariable>();
  u->SetStream(next_++);
  return u;
}

std::unique_ptr<crypto::HmacDrbg> RunStreams::NewDrbg(std::string_view personalization) {
  return models::DrbgFromStream(NewUniform(), personalization);
}

void RunStreams::AssignInternetStacks() {
  Used(ns3::InternetStackHelper().AssignStreams(ns3::NodeContainer::GetGlobal(), next_));
}

}  // namespace mcx::scenarios
