// synapse-cpp's test doubles, for testing code built on the library without a cluster, a server or
// a child process: scripted and failing transports, an in-memory Jobs API, scripted WebSockets
// and spawners, a recording logger and a manual clock. Not part of synapse/synapse.hpp.
#pragma once

#include "synapse/testing/fail_nth.hpp"
#include "synapse/testing/fake_jobs_transport.hpp"
#include "synapse/testing/manual_clock.hpp"
#include "synapse/testing/recording_logger.hpp"
#include "synapse/testing/scripted_spawner.hpp"
#include "synapse/testing/scripted_transport.hpp"
#include "synapse/testing/scripted_websocket.hpp"
