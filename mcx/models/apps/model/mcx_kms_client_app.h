// The base of the applications that are KMS clients (GMS, MCX server, UE): where their KMS is.
#pragma once

#include <ns3/ipv4-address.h>

#include <string>

#include "mcx/models/apps/model/mcx_app.h"

namespace mcx::models {

class McxKmsClientApp : public McxApp {
 public:
  static ns3::TypeId GetTypeId();

 protected:
  /// The KMS's HTTPS endpoint.
  procedures::Endpoint KmsEndpoint() const;

  std::string m_kmsUri;
  ns3::Ipv4Address m_kmsAddress;
};

}  // namespace mcx::models
