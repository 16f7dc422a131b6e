// synapse::cluster_client: basic_cluster_client over cpp-httplib (see basic_cluster_client.hpp).
#pragma once

#include "synapse/ray/basic_cluster_client.hpp"
#include "synapse/transport/httplib_transport.hpp"

namespace synapse {

using cluster_client = basic_cluster_client<httplib_transport>;

}  // namespace synapse
