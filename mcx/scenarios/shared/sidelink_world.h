// What the off-network scenarios share: UEs with the PC5 sidelink device and IPv4 over it, group
// traffic (224.0.0.0/4) routed out through the sidelink.
#pragma once

#include <ns3/net-device-container.h>
#include <ns3/node-container.h>

#include <functional>

#include "mcx/models/apps/model/offnet_mcptt_app.h"
#include "mcx/models/sidelink/helper/sl_helper.h"
#include "mcx/models/sidelink/model/o2o_propagation_loss_model.h"
#include "mcx/scenarios/shared/offnet_call_metrics.h"
#include "mcx/scenarios/shared/run_streams.h"
#include "mcx/scenarios/shared/sidelink_options.h"

namespace mcx::scenarios {

/// Installs an SlNetDevice on every node (one channel, TR 36.843 O2O path loss), IPv4 in
/// 10.0.0.0/16 (and the internet stack where a node has none) and a default multicast route over
/// the sidelink; fixes the channel's and the devices' streams from `streams`.
ns3::NetDeviceContainer InstallSidelinkIpv4(const ns3::NodeContainer& nodes, const SidelinkRadioOptions& o,
                                            RunStreams& streams, ns3::Ptr<models::SlChannel>* channel = nullptr);

/// Connects `stats` to an OffnetMcpttApp's and its SlNetDevice's trace sources. With `in_call`,
/// sidelink packets the device receives count only while it says the UE is in the call.
void CollectOffnetStats(ns3::Ptr<models::OffnetMcpttApp> app, ns3::Ptr<models::SlNetDevice> device,
                        OffnetCallStats& stats, std::function<bool()> in_call = {});

}  // namespace mcx::scenarios
