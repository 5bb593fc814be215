// One helper per application (ns-3.37 has no generic one): set attributes, then Install on nodes.
#pragma once

#include <ns3/node.h>
#include <ns3/object-factory.h>

#include <string>

#include "mcx/models/apps/model/gms_app.h"
#include "mcx/models/apps/model/kms_app.h"
#include "mcx/models/apps/model/mcx_server_app.h"
#include "mcx/models/apps/model/ue_app.h"

namespace mcx::models {

template <class App>
class McxAppHelper {
 public:
  McxAppHelper() { factory_.SetTypeId(App::GetTypeId()); }
  void SetAttribute(const std::string& name, const ns3::AttributeValue& value) { factory_.Set(name, value); }
  ns3::Ptr<App> Install(ns3::Ptr<ns3::Node> node) const {
    ns3::Ptr<App> app = factory_.Create<App>();
    node->AddApplication(app);
    return app;
  }

 private:
  ns3::ObjectFactory factory_;
};
using KmsHelper = McxAppHelper<KmsApp>;
using GmsHelper = McxAppHelper<GmsApp>;
using McxServerHelper = McxAppHelper<McxServerApp>;
using UeClientHelper = McxAppHelper<UeApp>;

}  // namespace mcx::models
