// expected-error: not a PackageManager: needs `static constexpr std::string_view name`
#include <synapse/executors/basic_ray_jobs_api_executor.hpp>
#include <synapse/testing/scripted_transport.hpp>
#include <synapse/testing/scripted_websocket.hpp>

// Writes a section, but does not say which package manager it is.
struct nameless_manager {
    using package_manager_concept = synapse::package_manager_tag;
    synapse::expected<void> apply(synapse::json&, const synapse::package_request&) const;
};
synapse::basic_ray_jobs_api_executor<synapse::testing::scripted_transport, synapse::json_serializer,
                                     nameless_manager, synapse::testing::scripted_websocket>*
    executor = nullptr;
static_assert(sizeof(*executor) > 0);
