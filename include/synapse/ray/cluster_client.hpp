// synapse::cluster_client: basic_cluster_client over cpp-httplib, following logs over Boost.Beast's
// WebSocket and cpp-httplib's HTTP streams (see basic_cluster_client.hpp).
#pragma once

#include "synapse/ray/basic_cluster_client.hpp"
#include "synapse/transport/httplib_transport.hpp"
#include "synapse/transport/websocket_client.hpp"

namespace synapse {

using cluster_client = basic_cluster_client<httplib_transport>;

}  // namespace synapse
