// What the on-network scenarios share: the access networks (LTE/EPC or an ideal wired tree) with
// a KMS, a GMS and an MCX server behind them, and the key management applications on every node.
// group-rekey runs this world alone; on-off-transition adds the PC5 sidelink to its UEs.
#pragma once

#include <ns3/lte-helper.h>
#include <ns3/net-device-container.h>
#include <ns3/node-container.h>
#include <ns3/point-to-point-epc-helper.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mcx/models/apps/helper/mcx_app_helper.h"
#include "mcx/scenarios/shared/onnet_world_params.h"
#include "mcx/scenarios/shared/link_faults.h"
#include "mcx/scenarios/shared/run_streams.h"

namespace mcx::scenarios {

struct OnnetTopology {
  ns3::Ptr<ns3::Node> kms, gms, mcx;
  ns3::NodeContainer ues;
  ns3::Ipv4Address kms_ip, gms_ip, mcx_ip;
  /// Each server's link to the core router: KMS, GMS, MCX server (the server's device first).
  ns3::NetDeviceContainer kms_link, gms_link, mcx_link;
  /// Ideal access: UE i's link to its access router (the UE's device first).
  std::vector<ns3::NetDeviceContainer> ue_access;
  ns3::Ptr<ns3::LteHelper> lte;
  ns3::Ptr<ns3::PointToPointEpcHelper> epc;
  ns3::Ptr<ns3::Node> router;  ///< the core router the servers hang off
  uint32_t extra_nodes = 0;    ///< nodes attached with AttachToCore

  /// The faults of a link ("kms", "gms", "mcx" or "ue<i>", ideal access only), made on first use.
  LinkFaults& Faults(const std::string& link, RunStreams& streams);

 private:
  std::map<std::string, std::unique_ptr<LinkFaults>> faults_;
};

/// p.access "ideal": a two-level point-to-point tree; "lte": eNBs on a line with an EPC. Fixes
/// the streams of what it builds (mobility, LTE) from `streams`.
OnnetTopology BuildOnnetTopology(const OnnetWorldParams& p, RunStreams& streams);

struct OnnetApps {
  ns3::Ptr<models::KmsApp> kms;
  ns3::Ptr<models::GmsApp> gms;
  ns3::Ptr<models::McxServerApp> mcx;
  std::vector<ns3::Ptr<models::UeApp>> ues;
  std::vector<std::vector<std::string>> members;  ///< per group
  double ue_stagger_s = 0;                        ///< UE i starts at 1 s + i * this
};

/// The KMS, GMS, MCX server and a UE client on every UE (UE i in group i % groups), configured
/// from `p`, each on its own stream; the GMS knows the groups. Nothing is scheduled beyond the
/// applications' start times.
OnnetApps InstallOnnetApps(const OnnetTopology& t, const OnnetWorldParams& p, RunStreams& streams);

/// Puts `node` (internet stack included) on its own link to the core router, like a server;
/// returns its address.
ns3::Ipv4Address AttachToCore(OnnetTopology& t, ns3::Ptr<ns3::Node> node, const OnnetWorldParams& p);

/// The world's faults from `p`: signalling loss on every server link (and every UE access link of
/// the ideal access network), and the KMS's and GMS's outages.
void ApplyOnnetFaults(OnnetTopology& t, const OnnetWorldParams& p, RunStreams& streams);

/// Security on the calls of every UE and the MCX server: SRTP/SRTCP (`security`) and, with it,
/// the mcpttinfo's XML protection (`xml_protection`).
void SetCallSecurity(const OnnetApps& apps, bool security, bool xml_protection);

/// When every UE (started `ue_stagger_s` apart) is provisioned and registered with its CSK, and
/// with `gmk` also holds the group's GMK from a rekey at 0.9 s: simulated seconds, from the
/// cost model with a margin, rounded up to the millisecond.
double OnnetReadyS(const OnnetWorldParams& w, double ue_stagger_s, bool gmk);

}  // namespace mcx::scenarios
