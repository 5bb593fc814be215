// What the PC5 device and channel exchange: transport blocks of RLC UM segments, and mode-2
// grants (one destination, one SC period).
#pragma once

#include <ns3/mac48-address.h>
#include <ns3/nstime.h>
#include <ns3/packet.h>

#include <array>
#include <memory>
#include <vector>

#include "mcx/models/sidelink/radio/sl_pool.h"

namespace mcx::models {

/// One SL-SCH transport block: segments of RLC UM SDUs (IP packet + SL PDCP header).
struct SlSegment {
  uint64_t sduId = 0;
  uint32_t offset = 0, length = 0, sduBytes = 0;
  ns3::Ptr<ns3::Packet> packet;  ///< the whole IP packet, delivered when the SDU completes
  uint16_t protocol = 0;
  ns3::Time enqueued;
};
struct SlTransportBlock {
  uint32_t tbsBytes = 0;
  std::vector<SlSegment> segments;
};

/// A mode-2 grant: one destination, one period.
struct SlGrant {
  uint64_t id = 0;
  uint32_t periodStart = 0;  ///< absolute subframe
  uint32_t periodLength = 40;
  ns3::Mac48Address source, destination;
  uint32_t nPscch = 0, iTrp = 0, rbStart = 0, rbLen = 0, mcs = 0;
  std::array<sidelink::SlResource, 2> pscch{};  ///< the two SCI copies (subframes relative to the period)
  std::vector<uint32_t> psschSubframes;  ///< absolute, 4 per TB
  std::vector<std::shared_ptr<SlTransportBlock>> tbs;
};

}  // namespace mcx::models
