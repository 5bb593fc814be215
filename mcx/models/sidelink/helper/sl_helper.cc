#include "mcx/models/sidelink/helper/sl_helper.h"

#include <ns3/boolean.h>
#include <ns3/double.h>
#include <ns3/enum.h>
#include <ns3/ipv4-header.h>
#include <ns3/ipv4.h>
#include <ns3/log.h>
#include <ns3/lte-amc.h>
#include <ns3/mobility-model.h>
#include <ns3/node.h>
#include <ns3/packet.h>
#include <ns3/pointer.h>
#include <ns3/simulator.h>
#include <ns3/uinteger.h>

#include <algorithm>
#include <cmath>

NS_LOG_COMPONENT_DEFINE("McxSlHelper");

namespace mcx::models {

using namespace ns3;

SlHelper::SlHelper() {
  m_device.SetTypeId(SlNetDevice::GetTypeId());
  m_channelFactory.SetTypeId(SlChannel::GetTypeId());
}

void SlHelper::SetDeviceAttribute(const std::string& name, const ns3::AttributeValue& value) {
  NS_LOG_FUNCTION(this << name);
  m_device.Set(name, value);
}

void SlHelper::SetChannelAttribute(const std::string& name, const ns3::AttributeValue& value) {
  NS_LOG_FUNCTION(this << name);
  m_channelFactory.Set(name, value);
}

ns3::Ptr<SlChannel> SlHelper::Channel() {
  if (!m_channel) m_channel = m_channelFactory.Create<SlChannel>();
  return m_channel;
}

ns3::NetDeviceContainer SlHelper::Install(const ns3::NodeContainer& nodes) {
  NS_LOG_FUNCTION(this << nodes.GetN());
  ns3::NetDeviceContainer devices;
  for (auto it = nodes.Begin(); it != nodes.End(); ++it) {
    auto dev = m_device.Create<SlNetDevice>();
    dev->SetAddress(ns3::Mac48Address::Allocate());
    (*it)->AddDevice(dev);
    dev->SetChannel(Channel());
    devices.Add(dev);
    NS_LOG_INFO("node " << (*it)->GetId() << ": sidelink device " << dev->GetAddress());
  }
  return devices;
}

int64_t SlHelper::AssignStreams(const ns3::NetDeviceContainer& devices, int64_t stream) {
  NS_LOG_FUNCTION(this << devices.GetN() << stream);
  int64_t used = Channel()->AssignStreams(stream);
  for (auto it = devices.Begin(); it != devices.End(); ++it)
    used += ns3::DynamicCast<SlNetDevice>(*it)->AssignStreams(stream + used);
  return used;
}

void SlHelper::EnablePcapInternal(std::string prefix, ns3::Ptr<ns3::NetDevice> nd, bool /*promiscuous*/,
                                  bool explicitFilename) {
  ns3::Ptr<SlNetDevice> device = nd->GetObject<SlNetDevice>();
  if (!device) return;  // EnablePcapAll visits every device of every node
  ns3::PcapHelper pcap;
  const std::string file = explicitFilename ? prefix : pcap.GetFilenameFromDevice(prefix, device);
  ns3::Ptr<ns3::PcapFileWrapper> wrapper = pcap.CreateFile(file, std::ios::out, ns3::PcapHelper::DLT_RAW);
  pcap.HookDefaultSink<SlNetDevice>(device, "Sniffer", wrapper);
}

}  // namespace mcx::models
