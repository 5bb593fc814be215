// Installs the PC5 sidelink device on nodes sharing one channel.
#pragma once

#include <ns3/trace-helper.h>
#include <ns3/net-device-container.h>
#include <ns3/node-container.h>
#include <ns3/object-factory.h>

#include <string>

#include "mcx/models/sidelink/model/sl_channel.h"
#include "mcx/models/sidelink/model/sl_net_device.h"

namespace mcx::models {

/// Installs SlNetDevices on nodes, all on one SlChannel; device attributes apply to every device.
/// Installs SlNetDevices on one channel; as ns-3's device helpers, it writes pcap files
/// (EnablePcap, EnablePcapAll from PcapHelperForDevice): raw IP (DLT_RAW), every IP packet a
/// device sends or passes up, from its Sniffer trace.
class SlHelper : public ns3::PcapHelperForDevice {
 public:
  SlHelper();
  void SetDeviceAttribute(const std::string& name, const ns3::AttributeValue& value);
  void SetChannelAttribute(const std::string& name, const ns3::AttributeValue& value);
  ns3::NetDeviceContainer Install(const ns3::NodeContainer& nodes);
  ns3::Ptr<SlChannel> Channel();
  /// Fixes the random streams of the channel (decoding, path-loss states) and the devices.
  int64_t AssignStreams(const ns3::NetDeviceContainer& devices, int64_t stream);

 private:
  void EnablePcapInternal(std::string prefix, ns3::Ptr<ns3::NetDevice> nd, bool promiscuous,
                          bool explicitFilename) override;
  ns3::ObjectFactory m_device, m_channelFactory;
  ns3::Ptr<SlChannel> m_channel;
};

}  // namespace mcx::models
