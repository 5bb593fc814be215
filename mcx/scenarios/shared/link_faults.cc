#include "mcx/scenarios/shared/link_faults.h"

#include <ns3/double.h>
#include <ns3/enum.h>
#include <ns3/net-device.h>
#include <ns3/pointer.h>
#include <ns3/simulator.h>

namespace mcx::scenarios {

using namespace ns3;

LinkFaults::LinkFaults(const NetDeviceContainer& link, RunStreams& streams) : model_(CreateObject<RateErrorModel>()) {
  streams.Used(model_->AssignStreams(streams.next()));
  model_->SetAttribute("ErrorRate", DoubleValue(1.0));
  model_->SetAttribute("ErrorUnit", EnumValue(RateErrorModel::ERROR_UNIT_PACKET));
  model_->Disable();
  for (uint32_t d = 0; d < link.GetN(); ++d) link.Get(d)->SetAttribute("ReceiveErrorModel", PointerValue(model_));
}

void LinkFaults::SetLoss(double p) {
  loss_ = p;
  if (!model_->IsEnabled() || model_->GetRate() < 1.0) {
    model_->SetRate(p);
    if (p > 0) model_->Enable();
  }
}

void LinkFaults::Down() {
  model_->SetRate(1.0);  // U[0, 1) < 1: every packet
  model_->Enable();
}

void LinkFaults::Up() {
  model_->SetRate(loss_);
  if (loss_ == 0) model_->Disable();
}

void LinkFaults::ScheduleOutage(double start_s, double duration_s) {
  Simulator::Schedule(Seconds(start_s), &LinkFaults::Down, this);
  Simulator::Schedule(Seconds(start_s + duration_s), &LinkFaults::Up, this);
}

}  // namespace mcx::scenarios
