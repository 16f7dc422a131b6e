// config.yaml text: a plugin_config or one error naming the file, never a crash or an exception.
#include <synapse/plugin/config.hpp>

#include "fuzz_target.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto config = synapse::parse_plugin_config(fuzz::text(data, size), "plugin/config.yaml");
    if (!config) fuzz::expect(!config.error().message.empty(), "an error says what was wrong");
    return 0;
}
