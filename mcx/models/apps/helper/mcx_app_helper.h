// A helper per application (ns-3.37 has no generic one): set attributes, then install on nodes.
#pragma once

#include <ns3/application-container.h>
#include <ns3/node-container.h>
#include <ns3/node.h>
#include <ns3/object-factory.h>

#include <string>

#include "mcx/models/apps/model/gms_app.h"
#include "mcx/models/apps/model/kms_app.h"
#include "mcx/models/apps/model/mcx_server_app.h"
#include "mcx/models/apps/model/offnet_mcptt_app.h"
#include "mcx/models/apps/model/offnet_attacker_app.h"
#include "mcx/models/apps/model/rogue_gms_app.h"
#include "mcx/models/apps/model/ue_app.h"

namespace mcx::models {

template <class App>
class McxAppHelper {
 public:
  McxAppHelper() { m_factory.SetTypeId(App::GetTypeId()); }
  void SetAttribute(const std::string& name, const ns3::AttributeValue& value) { m_factory.Set(name, value); }
  ns3::Ptr<App> Install(ns3::Ptr<ns3::Node> node) const {
    ns3::Ptr<App> app = m_factory.Create<App>();
    node->AddApplication(app);
    return app;
  }
  ns3::ApplicationContainer Install(const ns3::NodeContainer& nodes) const {
    ns3::ApplicationContainer apps;
    for (uint32_t i = 0; i < nodes.GetN(); ++i) apps.Add(Install(nodes.Get(i)));
    return apps;
  }
  /// Fixes the random streams of every App in `apps`, from `stream` on; returns how many it used.
  static int64_t AssignStreams(const ns3::ApplicationContainer& apps, int64_t stream) {
    int64_t used = 0;
    for (uint32_t i = 0; i < apps.GetN(); ++i)
      if (auto app = ns3::DynamicCast<App>(apps.Get(i))) used += app->AssignStreams(stream + used);
    return used;
  }

 private:
  ns3::ObjectFactory m_factory;
};

using KmsHelper = McxAppHelper<KmsApp>;
using GmsHelper = McxAppHelper<GmsApp>;
using McxServerHelper = McxAppHelper<McxServerApp>;
using UeClientHelper = McxAppHelper<UeApp>;
using RogueGmsHelper = McxAppHelper<RogueGmsApp>;
using OffnetAttackerHelper = McxAppHelper<OffnetAttackerApp>;
using OffnetMcpttHelper = McxAppHelper<OffnetMcpttApp>;

}  // namespace mcx::models
