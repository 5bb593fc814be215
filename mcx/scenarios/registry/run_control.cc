#include "mcx/scenarios/registry/run_control.h"

#include <algorithm>
#include <chrono>

#include <ns3/ipv4.h>
#include <ns3/node-list.h>
#include <ns3/point-to-point-helper.h>
#include <ns3/simulator.h>

#include <filesystem>
#include <fstream>

#include "mcx/models/sidelink/helper/sl_helper.h"

namespace mcx::scenarios {

namespace {

RunControl g_control;
bool g_interrupted = false;
double g_reached_s = 0;

struct Checker {
  ns3::Time step;
  double end_s;
  std::chrono::steady_clock::time_point last_report;

  void Check() {
    if (g_control.stop && *g_control.stop) {
      g_interrupted = true;
      ns3::Simulator::Stop();
      return;
    }
    if (g_control.progress) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_report >= std::chrono::milliseconds(100)) {
        last_report = now;
        g_control.progress(ns3::Simulator::Now().GetSeconds(), end_s);
      }
    }
    ns3::Simulator::Schedule(step, &Checker::Check, this);
  }
};

// Taps every point-to-point and sidelink device the scenario built, and lists the nodes.
void EnablePcap(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);  // the command line made it; a library user may not
  ns3::PointToPointHelper().EnablePcapAll(dir + "/p2p");
  models::SlHelper().EnablePcapAll(dir + "/sidelink");
  std::ofstream nodes(dir + "/nodes.txt");
  nodes << "# node: device index, type, IPv4 addresses (pcap files: <p2p|sidelink>-<node>-<device>.pcap)\n";
  for (uint32_t n = 0; n < ns3::NodeList::GetNNodes(); ++n) {
    ns3::Ptr<ns3::Node> node = ns3::NodeList::GetNode(n);
    ns3::Ptr<ns3::Ipv4> ipv4 = node->GetObject<ns3::Ipv4>();
    nodes << "node " << n << ":";
    for (uint32_t d = 0; d < node->GetNDevices(); ++d) {
      ns3::Ptr<ns3::NetDevice> dev = node->GetDevice(d);
      nodes << (d ? ";" : "") << " " << d << " " << dev->GetInstanceTypeId().GetName();
      const int32_t iface = ipv4 ? ipv4->GetInterfaceForDevice(dev) : -1;
      for (uint32_t a = 0; iface >= 0 && a < ipv4->GetNAddresses(iface); ++a) nodes << " " << ipv4->GetAddress(iface, a).GetLocal();
    }
    nodes << "\n";
  }
}

}  // namespace

void SetRunControl(RunControl control) { g_control = std::move(control); }

void RunSimulationUntil(ns3::Time end) {
  g_interrupted = false;
  if (!g_control.pcap_dir.empty()) EnablePcap(g_control.pcap_dir);
  if (g_control.flows) g_control.flows->Connect();
  ns3::Simulator::Stop(end);
  Checker checker{std::max(ns3::MilliSeconds(1), (end - ns3::Simulator::Now()) / 2000), end.GetSeconds(),
                  std::chrono::steady_clock::now()};
  const bool watched = g_control.progress || g_control.stop;
  if (watched) ns3::Simulator::ScheduleNow(&Checker::Check, &checker);
  ns3::Simulator::Run();
  g_reached_s = ns3::Simulator::Now().GetSeconds();
  if (watched && g_control.progress && !g_interrupted) g_control.progress(g_reached_s, end.GetSeconds());
}

bool LastRunInterrupted() { return g_interrupted; }
double LastRunReachedS() { return g_reached_s; }

}  // namespace mcx::scenarios
