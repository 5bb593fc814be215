// The scenarios `mcxsim` knows: one line each. A new scenario is a folder under mcx/scenarios with
// its declaration (a ScenarioOf<Params>) and one line here.
#include "mcx/scenarios/registry/scenario.h"

namespace mcx::scenarios {

const Scenario& GroupRekeyScenario();
const Scenario& GroupCallScenario();
const Scenario& PrivateCallScenario();
const Scenario& SidelinkPrrScenario();
const Scenario& OffnetGroupCallScenario();
const Scenario& OffnetPrivateCallScenario();
const Scenario& OnOffTransitionScenario();

const std::vector<const Scenario*>& Registry() {
  static const std::vector<const Scenario*> all = {
      &GroupRekeyScenario(),
      &GroupCallScenario(),
      &PrivateCallScenario(),
      &SidelinkPrrScenario(),
      &OffnetGroupCallScenario(),
      &OffnetPrivateCallScenario(),
      &OnOffTransitionScenario(),
  };
  return all;
}

const Scenario* FindScenario(const std::string& name) {
  for (const Scenario* s : Registry())
    if (s->Name() == name) return s;
  return nullptr;
}

}  // namespace mcx::scenarios
