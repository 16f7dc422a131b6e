// Every fuzz target in one program, for the unit suite: `fuzz_replay TARGET DIR...` runs the
// target once over every file of its committed corpus (see replay_main.cpp), without libFuzzer.
#include <cstring>
#include <string_view>

#define LLVMFuzzerTestOneInput fuzz_params_one
#include "fuzz_params.cpp"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_plugin_config_one
#include "fuzz_plugin_config.cpp"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_job_protocol_one
#include "fuzz_job_protocol.cpp"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_sse_one
#include "fuzz_sse.cpp"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_json_field_stream_one
#include "fuzz_json_field_stream.cpp"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_log_lines_one
#include "fuzz_log_lines.cpp"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_ray_replies_one
#include "fuzz_ray_replies.cpp"
#undef LLVMFuzzerTestOneInput

namespace {
using target_fn = int (*)(const std::uint8_t*, std::size_t);
target_fn chosen = nullptr;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    return chosen(data, size);
}

#define main replay_main
#include "replay_main.cpp"
#undef main

int main(int argc, char** argv) {
    const std::pair<std::string_view, target_fn> targets[] = {
        {"params", fuzz_params_one},
        {"plugin_config", fuzz_plugin_config_one},
        {"job_protocol", fuzz_job_protocol_one},
        {"sse", fuzz_sse_one},
        {"json_field_stream", fuzz_json_field_stream_one},
        {"log_lines", fuzz_log_lines_one},
        {"ray_replies", fuzz_ray_replies_one},
    };
    if (argc < 3) {
        std::fprintf(stderr, "usage: fuzz_replay TARGET DIR...\n");
        return 2;
    }
    for (const auto& [name, fn] : targets)
        if (name == argv[1]) chosen = fn;
    if (chosen == nullptr) {
        std::fprintf(stderr, "fuzz_replay: no target %s\n", argv[1]);
        return 2;
    }
    return replay_main(argc - 1, argv + 1);
}
