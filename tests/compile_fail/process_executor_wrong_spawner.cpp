// expected-error: not a Spawner: declare `using spawner_concept = synapse::spawner_tag;`
#include <synapse/executors/process_executor.hpp>

// Runs processes, but has not opted in as a Spawner.
struct my_spawner {
    synapse::expected<synapse::process_outcome> run(const synapse::process_spec&,
                                                    const synapse::output_handler&);
};
synapse::basic_process_executor<my_spawner>* executor = nullptr;
static_assert(sizeof(*executor) > 0);
