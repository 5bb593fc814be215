#include "mcx/scenarios/shared/sidelink_world.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/internet-module.h>
#include <ns3/pointer.h>
#include <ns3/uinteger.h>

namespace mcx::scenarios {

using namespace ns3;

NetDeviceContainer InstallSidelinkIpv4(const NodeContainer& nodes, const SidelinkRadioOptions& o, RunStreams& streams,
                                       Ptr<models::SlChannel>* channel) {
  auto loss = CreateObject<models::O2oPropagationLossModel>();
  loss->SetAttribute("Frequency", DoubleValue(o.frequency_hz));
  loss->SetAttribute("ShadowingSigma", DoubleValue(o.shadowing_sigma_db));
  loss->SetAttribute("DocumentedHeights", BooleanValue(o.documented_heights));
  models::SlHelper sl;
  sl.SetChannelAttribute("PropagationLossModel", PointerValue(loss));
  sl.SetChannelAttribute("CumulativeHarq", BooleanValue(o.cumulative_harq));
  sl.SetDeviceAttribute("Mcs", UintegerValue(o.mcs));
  sl.SetDeviceAttribute("PrbCount", UintegerValue(o.prbs));
  sl.SetDeviceAttribute("Ktrp", UintegerValue(o.ktrp));
  sl.SetDeviceAttribute("ScPeriod", UintegerValue(o.sc_period_ms));
  NetDeviceContainer devices = sl.Install(nodes);
  for (uint32_t i = 0; i < nodes.GetN(); ++i)  // on-network UEs have their stack already
    if (!nodes.Get(i)->GetObject<Ipv4>()) InternetStackHelper().Install(nodes.Get(i));
  Ipv4AddressHelper("10.0.0.0", "255.255.0.0").Assign(devices);
  Ipv4StaticRoutingHelper routing;
  for (uint32_t i = 0; i < nodes.GetN(); ++i) routing.SetDefaultMulticastRoute(nodes.Get(i), devices.Get(i));
  streams.Used(sl.AssignStreams(devices, streams.next()));
  if (channel) *channel = sl.Channel();
  return devices;
}

void CollectOffnetStats(Ptr<models::OffnetMcpttApp> app, Ptr<models::SlNetDevice> dev, OffnetCallStats& st,
                        std::function<bool()> in_call) {
  app->TraceConnectWithoutContext("FloorOutcome", Callback<void, std::string, double>([&st](std::string o, double s) {
    st.access_ms[o].push_back(s * 1000);
  }));
  app->TraceConnectWithoutContext("GroupCallJoined", Callback<void, std::string, double>([&st](std::string how, double s) {
    st.group_call_setup_ms[how].push_back(s * 1000);
  }));
  app->TraceConnectWithoutContext("MediaRx", Callback<void, uint32_t, Time>([&st](uint32_t, Time d) {
    st.mouth_to_ear_ms.push_back(d.GetSeconds() * 1000);
  }));
  app->TraceConnectWithoutContext("FloorTx", Callback<void, uint32_t, uint32_t>([&st](uint32_t plain, uint32_t wire) {
    st.floor_plain_bytes += plain;
    st.floor_protected_bytes += wire;
    ++st.floor_messages;
  }));
  app->TraceConnectWithoutContext("Error", Callback<void, std::string>([&st](std::string e) { ++st.errors[e]; }));
  dev->TraceConnectWithoutContext("MacTx", Callback<void, Ptr<const Packet>>([&st](Ptr<const Packet>) { ++st.sidelink_packets_sent; }));
  dev->TraceConnectWithoutContext("MacRx", Callback<void, Ptr<const Packet>, Time>([&st, in_call](Ptr<const Packet>, Time) {
    if (!in_call || in_call()) ++st.sidelink_packets_received;
  }));
  dev->TraceConnectWithoutContext("PhyTx", Callback<void, uint32_t, uint32_t>([&st](uint32_t b, uint32_t) {
    st.sidelink_bytes_on_air += b;
  }));
}

}  // namespace mcx::scenarios
