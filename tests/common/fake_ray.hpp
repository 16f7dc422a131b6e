// Test helper: Ray executors over the in-memory Jobs API (fake_jobs_transport), a scripted log
// tail and a manual clock: no cluster, no socket, no wall time.
#pragma once

#include <memory>
#include <utility>

#include <synapse/executors/basic_ray_jobs_api_executor.hpp>
#include <synapse/testing/fake_jobs_transport.hpp>
#include <synapse/testing/manual_clock.hpp>
#include <synapse/testing/scripted_websocket.hpp>

namespace test_support {

template <class T, class S = synapse::json_serializer, class P = synapse::pip>
using fake_ray_executor =
    synapse::basic_ray_jobs_api_executor<T, S, P, synapse::testing::scripted_websocket>;

/// An executor over `transport` whose waits run on `clock`; its log tail is `websocket`.
template <class S = synapse::json_serializer, class P = synapse::pip, class T>
fake_ray_executor<T, S, P> fake_executor(
    T transport, std::shared_ptr<synapse::testing::manual_clock> clock,
    synapse::ray_executor_options options = {},
    synapse::testing::scripted_websocket websocket = synapse::testing::scripted_websocket()) {
    options.clock = clock;
    return fake_ray_executor<T, S, P>(std::move(transport), std::move(websocket),
                                      std::move(options));
}

/// A log whose action printed "starting" and the result {"total": 42}.
inline const std::string result_log =
    "starting\n__SYNAPSE_RESULT_START__\n{\"total\": 42}\n__SYNAPSE_RESULT_END__\n";

}  // namespace test_support
