// A GROUP CALL ANNOUNCEMENT with every field set, for codec and call-control tests.
#pragma once

#include "mcx/codec/monp.h"
#include "mcx/security/naming_plan.h"

namespace mcx::testing {

inline codec::MonpGroupCallMessage Announcement() {
  codec::MonpGroupCallMessage a;
  a.type = codec::MonpType::kGroupCallAnnouncement;
  a.call_id = 0x1234;
  a.refresh_interval_ms = 10000;
  a.call_start_time = mcx::security::naming::kEpochUnix;
  a.last_call_type_change_time = 1790000001;
  a.group_id = "sip:g@x";
  a.sdp = "v=0\r\n";
  a.originating_user = "sip:a@x";
  a.last_user_to_change_call_type = "sip:a@x";
  return a;
}

}  // namespace mcx::testing
