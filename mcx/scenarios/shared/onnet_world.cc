#include "mcx/scenarios/shared/onnet_world.h"

#include <ns3/applications-module.h>
#include <ns3/core-module.h>
#include <ns3/internet-module.h>
#include <ns3/lte-module.h>
#include <ns3/mobility-module.h>
#include <ns3/network-module.h>
#include <ns3/point-to-point-module.h>
#include <ns3/traffic-control-module.h>
#include <ns3/channel-condition-model.h>
#include <ns3/okumura-hata-propagation-loss-model.h>
#include <ns3/three-gpp-propagation-loss-model.h>

#include <algorithm>
#include <cmath>

#include "mcx/crypto/op_count.h"
#include "mcx/procedures/cost_model.h"

namespace mcx::scenarios {

using namespace ns3;
using namespace mcx::models;

ParamList<OnnetWorldParams> OnnetWorldParamList(OnnetWorldChoices choices) {
  using P = OnnetWorldParams;
  const bool radio_access = choices.radio_access;
  ParamList<P> l;
  l.Section("on-network world");
  if (choices.groups)
    l.Count("members", &P::members, 1, 100000, "", "UEs in total, spread evenly over the groups")
        .Count("groups", &P::groups, 1, 100000, "", "groups (UE i in group i mod G)");
  else
    l.Count("members", &P::members, 1, 100000, "", "UEs, all in one group");
  if (radio_access)
    l.Choice("access", &P::access, {"lte", "ideal"},
             "the UEs' access: ns-3's LTE/EPC, or each UE on its own point-to-point link (ideal)");
  l.Choice("transport", &P::transport, {"sip", "http"},
           "GMK distribution: pushed in a SIP NOTIFY or pulled by an HTTP GET (TS 33.180 5.7.2, via SIP / via HTTP)")
      .Sets({"mcx::GmsApp::Transport", "mcx::UeApp::Transport"})
      .Flag("sip-tcp", &P::sip_tcp, "SIP over TCP instead of UDP")
      .Sets({"mcx::McxApp::SipTcp"})
      .Real("sip-t1", &P::sip_t1_s, 0.001, 60, "s", "RFC 3261 T1 (IMS towards the UE: 2 s)")
      .Sets({"mcx::McxApp::SipT1"})
      .Count("gms-cores", &P::gms_cores, 1, 1024, "", "worker cores of the GMS's crypto")
      .Sets({"mcx::McxApp::Cores"})
      .Real("ue-device-factor", &P::ue_device_factor, 0.01, 1000, "",
            "UE crypto time relative to the reference host (docs/crypto-performance.md)")
      .Sets({"mcx::McxApp::DeviceFactor"})
      .Real("server-device-factor", &P::server_device_factor, 0.01, 1000, "", "servers' crypto time, likewise")
      .Real("core-delay-ms", &P::core_link_delay_ms, 0, 10000, "ms", "one-way delay of each server's link")
      .Real("access-delay-ms", &P::access_link_delay_ms, 0, 10000, "ms", "ideal access: one-way delay of each UE's link")
      .Choice("access-queue", &P::access_queue, {"fifo", "fq-codel"},
              "ideal access: each UE link's queue: the device's drop-tail FIFO, or ns-3's default FqCoDel queue disc "
              "(memory per link)");
  if (radio_access)
    l.Count("enbs", &P::enbs, 1, 1000, "", "lte: eNBs on a line, 1 km apart")
        .Real("cell-radius", &P::cell_radius_m, 1, 100000, "m", "lte: UEs uniformly in a disc around their eNB")
        .Real("ue-speed", &P::ue_speed_mps, 0, 100, "m/s", "lte: UEs walk (random walk in the cell); 0 = still")
        .Choice("pathloss", &P::pathloss, {"uma", "umi", "okumura-hata", "friis"},
                "lte: path loss: 3GPP TR 38.901 urban macro or micro (line of sight drawn per link, log-normal "
                "shadowing), Okumura-Hata urban, or free space (no cell edge)")
        .Flag("no-shadowing", &P::shadowing, "lte, uma/umi: no log-normal shadowing", /*inverted=*/true)
        .Real("enb-power", &P::enb_power_dbm, -30, 60, "dBm",
              "lte: eNB transmit power (a macro cell: 46; ns-3's default: 30); UEs follow ns-3's uplink power control, at most 23 dBm")
        .Sets({"ns3::LteEnbPhy::TxPower"})
        .Real("enb-antenna-gain", &P::enb_antenna_gain_db, -20, 30, "dB",
              "lte: eNB antenna gain in every direction (a macro sector antenna's, less feeder loss; sectors are not modelled)");
  l.Flag("no-tls", &P::tls, "do not model TLS on the HTTPS interfaces", /*inverted=*/true)
      .Sets({"mcx::McxApp::Tls"})
      .Flag("forged-gms", &P::forged_gms, "the GMS signs with an identity the UEs do not accept: every GMK is rejected")
      .Flag("mixing", &P::mixing, "the GMS also gives each GMK to the MCX server (media mixing)")
      .Real("activation-delay", &P::activation_delay_s, 0, 1e7, "s",
            "a rekey's GMK becomes active this long after the rekey (the first key at once)")
      .Sets({"mcx::GmsApp::ActivationDelay"})
      .Real("rekey-period", &P::rekey_period_s, 0, 1e7, "s", "the GMS also rekeys every group on its own this often (0: never)")
      .Sets({"mcx::GmsApp::RekeyPeriod"})
      .Count("tcp-segment-size", &P::tcp_segment_bytes, 100, 65495, "bytes",
             "TCP maximum segment size of every node (ns-3's 536 is a dial-up value)")
      .Sets({"ns3::TcpSocket::SegmentSize"});
  l.Section("faults")
      .Real("signalling-loss", &P::signalling_loss, 0, 0.3, "",
            "packet loss probability on the links --loss-on names, both ways")
      .Choice("loss-on", &P::loss_on, {"ue-links", "server-links", "all"},
              "where --signalling-loss applies: each UE's access link (ideal access), each server's link, or both")
      .RealList("kms-outage", &P::kms_outage_s, 0, 1e7, "s", "START,DURATION: the KMS cannot be reached")
      .RealList("gms-outage", &P::gms_outage_s, 0, 1e7, "s", "START,DURATION: the GMS cannot be reached");
  return l;
}

std::optional<std::string> CheckOnnetWorld(const OnnetWorldParams& p) {
  if (p.groups > p.members) return "--groups must not exceed --members (each group needs a member)";
  if (!p.kms_outage_s.empty() && p.kms_outage_s.size() != 2) return "--kms-outage is START,DURATION";
  if (p.signalling_loss > 0 && p.access == "lte" && p.loss_on == "ue-links")
    return "with --access lte the UEs have no access links to lose packets on (the radio has its own losses): "
           "--loss-on server-links";
  if (!p.gms_outage_s.empty() && p.gms_outage_s.size() != 2) return "--gms-outage is START,DURATION";
  return std::nullopt;
}

namespace {

/// Servers on their own point-to-point links to `router`, each a /24 under 10.10.0.0/16.
void AttachServers(OnnetTopology& t, Ptr<Node> router, const OnnetWorldParams& p, Ipv4AddressHelper& addr) {
  t.router = router;
  PointToPointHelper link;
  link.SetDeviceAttribute("DataRate", StringValue(p.core_link_rate));
  link.SetChannelAttribute("Delay", TimeValue(MilliSeconds(p.core_link_delay_ms)));
  Ipv4StaticRoutingHelper routing;
  Ipv4Address* ips[] = {&t.kms_ip, &t.gms_ip, &t.mcx_ip};
  NetDeviceContainer* links[] = {&t.kms_link, &t.gms_link, &t.mcx_link};
  Ptr<Node> nodes[] = {t.kms, t.gms, t.mcx};
  for (int i = 0; i < 3; ++i) {
    NetDeviceContainer d = link.Install(nodes[i], router);
    *links[i] = d;
    Ipv4InterfaceContainer ifc = addr.Assign(d);
    addr.NewNetwork();
    *ips[i] = ifc.GetAddress(0);
    routing.GetStaticRouting(nodes[i]->GetObject<Ipv4>())->SetDefaultRoute(ifc.GetAddress(1), 1);
  }
}

OnnetTopology BuildIdeal(const OnnetWorldParams& p, RunStreams&) {
  OnnetTopology t;
  t.kms = CreateObject<Node>();
  t.gms = CreateObject<Node>();
  t.mcx = CreateObject<Node>();
  Ptr<Node> router = CreateObject<Node>();
  t.ues.Create(p.members);
  InternetStackHelper stack;
  stack.Install(NodeContainer(t.kms, t.gms, t.mcx, router));
  stack.Install(t.ues);
  Ipv4AddressHelper addr("10.10.0.0", "255.255.255.0");
  AttachServers(t, router, p, addr);
  // The ideal access network: a two-level point-to-point tree (ns-3 scans every interface and
  // route of a node per packet, so one router with thousands of links would make the run
  // quadratic): access routers of up to 64 UEs, each on a 10 Gb/s link to the core router.
  // Access router k holds 10.(128 + k / 256).(k % 256).0/24, one /30 per UE: 10.128.0.0 to
  // 10.134.26.0 for the 100,000 members a run takes at most.
  constexpr uint32_t kUesPerAccessRouter = 64;
  PointToPointHelper access;
  access.SetDeviceAttribute("DataRate", StringValue(p.access_link_rate));
  access.SetChannelAttribute("Delay", TimeValue(MilliSeconds(p.access_link_delay_ms)));
  PointToPointHelper trunk;
  trunk.SetDeviceAttribute("DataRate", StringValue("10Gbps"));
  trunk.SetChannelAttribute("Delay", TimeValue(MicroSeconds(10)));
  Ipv4AddressHelper trunk_addr("10.20.0.0", "255.255.255.252");
  Ipv4StaticRoutingHelper routing;
  Ptr<Ipv4StaticRouting> core = routing.GetStaticRouting(router->GetObject<Ipv4>());
  const uint32_t n_access = (p.members + kUesPerAccessRouter - 1) / kUesPerAccessRouter;
  for (uint32_t k = 0; k < n_access; ++k) {
    Ptr<Node> ar = CreateObject<Node>();
    stack.Install(ar);
    Ipv4InterfaceContainer tr = trunk_addr.Assign(trunk.Install(ar, router));
    trunk_addr.NewNetwork();
    routing.GetStaticRouting(ar->GetObject<Ipv4>())->SetDefaultRoute(tr.GetAddress(1), 1);
    const std::string net = "10." + std::to_string(128 + k / 256) + "." + std::to_string(k % 256) + ".0";
    core->AddNetworkRouteTo(Ipv4Address(net.c_str()), Ipv4Mask("255.255.255.0"), tr.GetAddress(0),
                            router->GetObject<Ipv4>()->GetInterfaceForAddress(tr.GetAddress(1)));
    Ipv4AddressHelper ue_addr(net.c_str(), "255.255.255.252");
    for (uint32_t i = k * kUesPerAccessRouter; i < std::min(p.members, (k + 1) * kUesPerAccessRouter); ++i) {
      NetDeviceContainer d = access.Install(t.ues.Get(i), ar);
      t.ue_access.push_back(d);
      Ipv4InterfaceContainer ifc = ue_addr.Assign(d);
      // Assign gave both ends ns-3's default FqCoDel: a UE's own link carries its own few flows,
      // so by default the device's drop-tail FIFO alone queues them (memory, docs/scale.md).
      if (p.access_queue == "fifo") TrafficControlHelper().Uninstall(d);
      ue_addr.NewNetwork();
      routing.GetStaticRouting(t.ues.Get(i)->GetObject<Ipv4>())->SetDefaultRoute(ifc.GetAddress(1), 1);
    }
  }
  return t;
}

OnnetTopology BuildLte(const OnnetWorldParams& p, RunStreams& streams) {
  OnnetTopology t;
  // Each attached UE needs an SRS slot: the periodicity must exceed the UEs per eNB.
  const uint32_t per_enb = (p.members + p.enbs - 1) / p.enbs;
  uint32_t srs = 40;  // the ns-3 default; 80, 160, 320 for larger cells
  while (srs < per_enb + 4 && srs < 320) srs *= 2;
  Config::SetDefault("ns3::LteEnbRrc::SrsPeriodicity", UintegerValue(srs));
  Config::SetDefault("ns3::LteEnbPhy::TxPower", DoubleValue(p.enb_power_dbm));
  Ptr<LteHelper> lte = CreateObject<LteHelper>();
  Ptr<PointToPointEpcHelper> epc = CreateObject<PointToPointEpcHelper>();
  lte->SetEpcHelper(epc);
  Ptr<Node> pgw = epc->GetPgwNode();
  t.kms = CreateObject<Node>();
  t.gms = CreateObject<Node>();
  t.mcx = CreateObject<Node>();
  Ptr<Node> router = CreateObject<Node>();
  InternetStackHelper stack;
  stack.Install(NodeContainer(t.kms, t.gms, t.mcx, router));
  // The MC domain behind the PGW: PGW -- router -- {KMS, GMS, MCX server}.
  PointToPointHelper sgi;
  sgi.SetDeviceAttribute("DataRate", StringValue(p.core_link_rate));
  sgi.SetChannelAttribute("Delay", TimeValue(MilliSeconds(p.core_link_delay_ms)));
  Ipv4AddressHelper sgi_addr("1.0.0.0", "255.0.0.0");
  NetDeviceContainer sgi_devs = sgi.Install(pgw, router);
  Ipv4InterfaceContainer sgi_ifc = sgi_addr.Assign(sgi_devs);
  Ipv4AddressHelper addr("10.10.0.0", "255.255.255.0");
  AttachServers(t, router, p, addr);
  Ipv4StaticRoutingHelper routing;
  Ptr<Ipv4> router_ip = router->GetObject<Ipv4>(), pgw_ip = pgw->GetObject<Ipv4>();
  routing.GetStaticRouting(router_ip)->AddNetworkRouteTo(Ipv4Address("7.0.0.0"), Ipv4Mask("255.0.0.0"),
                                                         sgi_ifc.GetAddress(0),
                                                         router_ip->GetInterfaceForDevice(sgi_devs.Get(1)));
  routing.GetStaticRouting(pgw_ip)->AddNetworkRouteTo(Ipv4Address("10.10.0.0"), Ipv4Mask("255.255.0.0"),
                                                      sgi_ifc.GetAddress(1), pgw_ip->GetInterfaceForDevice(sgi_devs.Get(0)));
  // The radio's path loss (the LTE default is free space: no cell edge, no seed dependence).
  // TR 38.901 UMa/UMi need the line-of-sight state of each link: their own condition models.
  Ptr<ChannelConditionModel> condition;
  if (p.pathloss == "uma" || p.pathloss == "umi") {
    const bool macro = p.pathloss == "uma";
    lte->SetPathlossModelType(macro ? ThreeGppUmaPropagationLossModel::GetTypeId()
                                    : ThreeGppUmiStreetCanyonPropagationLossModel::GetTypeId());
    condition = macro ? Ptr<ChannelConditionModel>(CreateObject<ThreeGppUmaChannelConditionModel>())
                      : Ptr<ChannelConditionModel>(CreateObject<ThreeGppUmiStreetCanyonChannelConditionModel>());
    lte->SetPathlossModelAttribute("ChannelConditionModel", PointerValue(condition));
    lte->SetPathlossModelAttribute("ShadowingEnabled", BooleanValue(p.shadowing));
  } else if (p.pathloss == "okumura-hata") {
    lte->SetPathlossModelType(OkumuraHataPropagationLossModel::GetTypeId());
  }
  lte->SetEnbAntennaModelType("ns3::IsotropicAntennaModel");
  lte->SetEnbAntennaModelAttribute("Gain", DoubleValue(p.enb_antenna_gain_db));
  // eNBs on a line 1 km apart; UEs uniformly in a disc around their eNB, at a handset's 1.5 m
  // (TR 38.901's UMa and UMi need 1.5 m or more).
  NodeContainer enbs;
  enbs.Create(p.enbs);
  t.ues.Create(p.members);
  MobilityHelper enb_mob;
  Ptr<ListPositionAllocator> enb_pos = CreateObject<ListPositionAllocator>();
  // Masts: 10 m for TR 38.901's UMi street canyon (its model's height), 30 m otherwise (UMa's
  // formulas take the height as given; TR 38.901 assumes 25 m).
  const double mast_m = p.pathloss == "umi" ? 10 : 30;
  for (uint32_t i = 0; i < p.enbs; ++i) enb_pos->Add(Vector(1000.0 * i, 0, mast_m));
  enb_mob.SetPositionAllocator(enb_pos);
  enb_mob.SetMobilityModel("ns3::ConstantPositionMobilityModel");
  enb_mob.Install(enbs);
  for (uint32_t i = 0; i < p.members; ++i) {
    MobilityHelper ue_mob;
    Ptr<UniformDiscPositionAllocator> disc = CreateObject<UniformDiscPositionAllocator>();
    disc->SetX(1000.0 * (i % p.enbs));
    disc->SetY(0);
    disc->SetRho(p.cell_radius_m);
    disc->SetZ(1.5);
    streams.Used(disc->AssignStreams(streams.next()));
    ue_mob.SetPositionAllocator(disc);
    if (p.ue_speed_mps > 0) {
      const double x = 1000.0 * (i % p.enbs);
      ue_mob.SetMobilityModel("ns3::RandomWalk2dMobilityModel", "Bounds",
                              RectangleValue(Rectangle(x - p.cell_radius_m, x + p.cell_radius_m, -p.cell_radius_m,
                                                       p.cell_radius_m)),
                              "Speed",
                              StringValue("ns3::ConstantRandomVariable[Constant=" + std::to_string(p.ue_speed_mps) + "]"));
    } else {
      ue_mob.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    }
    ue_mob.Install(t.ues.Get(i));
  }
  streams.Used(MobilityHelper().AssignStreams(t.ues, streams.next()));
  NetDeviceContainer enb_devs = lte->InstallEnbDevice(enbs);
  NetDeviceContainer ue_devs = lte->InstallUeDevice(t.ues);
  stack.Install(t.ues);
  epc->AssignUeIpv4Address(ue_devs);
  for (uint32_t i = 0; i < p.members; ++i) {
    routing.GetStaticRouting(t.ues.Get(i)->GetObject<Ipv4>())->SetDefaultRoute(epc->GetUeDefaultGatewayAddress(), 1);
    lte->Attach(ue_devs.Get(i), enb_devs.Get(i % p.enbs));
  }
  streams.Used(lte->AssignStreams(enb_devs, streams.next()));
  streams.Used(lte->AssignStreams(ue_devs, streams.next()));
  // The path loss's draws (line of sight, shadowing) on the run's streams too.
  for (Ptr<SpectrumChannel> ch : {lte->GetDownlinkSpectrumChannel(), lte->GetUplinkSpectrumChannel()})
    if (Ptr<ThreeGppPropagationLossModel> loss = DynamicCast<ThreeGppPropagationLossModel>(ch->GetPropagationLossModel()))
      streams.Used(loss->AssignStreams(streams.next()));
  if (condition) streams.Used(condition->AssignStreams(streams.next()));
  t.lte = lte;
  t.epc = epc;
  return t;
}

}  // namespace

OnnetTopology BuildOnnetTopology(const OnnetWorldParams& p, RunStreams& streams) {
  Config::SetDefault("ns3::TcpSocket::SegmentSize", UintegerValue(p.tcp_segment_bytes));
  return p.access == "lte" ? BuildLte(p, streams) : BuildIdeal(p, streams);
}

Ipv4Address AttachToCore(OnnetTopology& t, Ptr<Node> node, const OnnetWorldParams& p) {
  // 10.10.200.0/24 upwards: inside 10.10.0.0/16, which the LTE PGW routes to the core router.
  const std::string net = "10.10." + std::to_string(200 + t.extra_nodes++) + ".0";
  InternetStackHelper().Install(node);
  PointToPointHelper link;
  link.SetDeviceAttribute("DataRate", StringValue(p.core_link_rate));
  link.SetChannelAttribute("Delay", TimeValue(MilliSeconds(p.core_link_delay_ms)));
  Ipv4AddressHelper addr(net.c_str(), "255.255.255.0");
  Ipv4InterfaceContainer ifc = addr.Assign(link.Install(node, t.router));
  Ipv4StaticRoutingHelper().GetStaticRouting(node->GetObject<Ipv4>())->SetDefaultRoute(ifc.GetAddress(1), 1);
  return ifc.GetAddress(0);
}

LinkFaults& OnnetTopology::Faults(const std::string& link, RunStreams& streams) {
  auto& f = faults_[link];
  if (!f) {
    NetDeviceContainer devices;
    if (link == "kms") devices = kms_link;
    else if (link == "gms") devices = gms_link;
    else if (link == "mcx") devices = mcx_link;
    else if (link.rfind("ue", 0) == 0 && std::stoul(link.substr(2)) < ue_access.size())
      devices = ue_access[std::stoul(link.substr(2))];
    else
      throw std::invalid_argument("no link " + link + " to put faults on");
    f = std::make_unique<LinkFaults>(devices, streams);
  }
  return *f;
}

void ApplyOnnetFaults(OnnetTopology& t, const OnnetWorldParams& p, RunStreams& streams) {
  if (p.signalling_loss > 0) {
    if (p.loss_on != "ue-links")
      for (const char* server : {"kms", "gms", "mcx"}) t.Faults(server, streams).SetLoss(p.signalling_loss);
    if (p.loss_on != "server-links")
      for (size_t i = 0; i < t.ue_access.size(); ++i)
        t.Faults("ue" + std::to_string(i), streams).SetLoss(p.signalling_loss);
  }
  if (p.kms_outage_s.size() == 2) t.Faults("kms", streams).ScheduleOutage(p.kms_outage_s[0], p.kms_outage_s[1]);
  if (p.gms_outage_s.size() == 2) t.Faults("gms", streams).ScheduleOutage(p.gms_outage_s[0], p.gms_outage_s[1]);
}

OnnetApps InstallOnnetApps(const OnnetTopology& t, const OnnetWorldParams& p, RunStreams& streams) {
  OnnetApps a;
  auto common = [&](auto& h, double factor) {
    h.SetAttribute("SipTcp", BooleanValue(p.sip_tcp));
    h.SetAttribute("SipT1", TimeValue(Seconds(p.sip_t1_s)));
    h.SetAttribute("DeviceFactor", DoubleValue(factor));
    h.SetAttribute("Tls", BooleanValue(p.tls));
    h.SetAttribute("StartUnixTime", UintegerValue(p.start_unix));
  };
  KmsHelper kh;
  common(kh, p.server_device_factor);
  a.kms = kh.Install(t.kms);
  streams.Used(a.kms->AssignStreams(streams.next()));
  GmsHelper gh;
  common(gh, p.server_device_factor);
  gh.SetAttribute("KmsAddress", Ipv4AddressValue(t.kms_ip));
  gh.SetAttribute("Transport", StringValue(p.transport));
  gh.SetAttribute("Cores", UintegerValue(p.gms_cores));
  if (p.forged_gms) gh.SetAttribute("GmsUri", StringValue(security::naming::UserUri("mallory")));
  gh.SetAttribute("ActivationDelay", TimeValue(Seconds(p.activation_delay_s)));
  gh.SetAttribute("RekeyPeriod", TimeValue(Seconds(p.rekey_period_s)));
  a.gms = gh.Install(t.gms);
  streams.Used(a.gms->AssignStreams(streams.next()));
  McxServerHelper mh;
  common(mh, p.server_device_factor);
  mh.SetAttribute("KmsAddress", Ipv4AddressValue(t.kms_ip));
  mh.SetAttribute("GmsAddress", Ipv4AddressValue(t.gms_ip));
  a.mcx = mh.Install(t.mcx);
  streams.Used(a.mcx->AssignStreams(streams.next()));
  if (p.mixing) a.gms->AddMixingServer(security::naming::McxServerUri(), t.mcx_ip);

  auto& members = a.members;
  members.assign(p.groups, {});
  a.ue_stagger_s = p.access == "lte" ? 0.02 : 0.005;
  for (uint32_t i = 0; i < p.members; ++i) {
    UeClientHelper uh;
    common(uh, p.ue_device_factor);
    uh.SetAttribute("UserUri", StringValue(UeUri(i)));
    uh.SetAttribute("KmsAddress", Ipv4AddressValue(t.kms_ip));
    uh.SetAttribute("ProxyAddress", Ipv4AddressValue(t.mcx_ip));
    uh.SetAttribute("GmsAddress", Ipv4AddressValue(t.gms_ip));
    uh.SetAttribute("Transport", StringValue(p.transport));
    Ptr<UeApp> ue = uh.Install(t.ues.Get(i));
    streams.Used(ue->AssignStreams(streams.next()));
    ue->SetGroups({GroupUri(i % p.groups)});
    members[i % p.groups].push_back(UeUri(i));
    ue->SetStartTime(Seconds(1.0 + a.ue_stagger_s * i));
    a.ues.push_back(ue);
  }
  for (uint32_t g = 0; g < p.groups; ++g) a.gms->AddGroup(GroupUri(g), members[g]);
  a.kms->SetStartTime(Seconds(0));
  a.gms->SetStartTime(Seconds(0.1));
  a.mcx->SetStartTime(Seconds(0.1));
  return a;
}



void SetCallSecurity(const OnnetApps& apps, bool security, bool xml_protection) {
  apps.mcx->SetAttribute("CallSecurity", BooleanValue(security));
  apps.mcx->SetAttribute("XmlProtection", BooleanValue(xml_protection));
  for (const auto& ue : apps.ues) {
    ue->SetAttribute("CallSecurity", BooleanValue(security));
    ue->SetAttribute("XmlProtection", BooleanValue(xml_protection));
  }
}

double OnnetReadyS(const OnnetWorldParams& w, double ue_stagger_s, bool gmk) {
  // Every UE's set-up (RSK and SSK checks, CSK upload) and, for the GMK, the GMS's work per member
  // (encapsulate, sign), with twice the crypto the cost model charges as the margin (as
  // group-rekey schedules its first rekey).
  procedures::CostModel ue_cost, gms_cost;
  ue_cost.device_factor = w.ue_device_factor;
  gms_cost.device_factor = w.server_device_factor;
  crypto::OpCounts ue_setup, per_member;
  for (crypto::Op op : {crypto::Op::kSakkeRskValidate, crypto::Op::kEccsiSskValidate, crypto::Op::kSakkeEncapsulate,
                        crypto::Op::kEccsiSign, crypto::Op::kSakkeDecapsulate, crypto::Op::kEccsiVerify})
    ue_setup.Add(op);
  per_member.Add(crypto::Op::kSakkeEncapsulate);
  per_member.Add(crypto::Op::kEccsiSign);
  const double gms_all_s = gmk ? 2 * gms_cost.Seconds(per_member) * w.members / std::max<uint32_t>(1, w.gms_cores) : 0;
  return std::ceil((4.0 + ue_stagger_s * w.members + 2 * ue_cost.Seconds(ue_setup) + gms_all_s) * 1000) / 1000;
}

}  // namespace mcx::scenarios
