// Faults on a point-to-point link of a simulated world: a packet loss rate (signalling loss) and
// outages during which every packet is lost, both ways: a node leaving coverage, a server that
// cannot be reached for a while. One receive error model per device of the link.
#pragma once

#include <ns3/error-model.h>
#include <ns3/net-device-container.h>

#include "mcx/scenarios/shared/run_streams.h"

namespace mcx::scenarios {

class LinkFaults {
 public:
  /// Puts a (for now lossless) error model on the receive side of both devices of `link`.
  LinkFaults(const ns3::NetDeviceContainer& link, RunStreams& streams);
  /// Every packet is lost with probability `p`, both ways (outside outages).
  void SetLoss(double p);
  /// The link loses everything now, until Up().
  void Down();
  void Up();
  /// Down at `start_s` for `duration_s` (simulated seconds).
  void ScheduleOutage(double start_s, double duration_s);

 private:
  ns3::Ptr<ns3::RateErrorModel> model_;
  double loss_ = 0;
};

}  // namespace mcx::scenarios
