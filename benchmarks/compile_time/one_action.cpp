// The compile-time benchmark: one translation unit that defines an action with a reflected,
// constrained params struct and runs it with synapse::local_executor, as a plugin author's
// smallest useful file would. benchmarks/run.py times `c++ -std=c++23 -O2 -c` of it.
#include <optional>
#include <string>
#include <vector>

#include <synapse/core/reflect.hpp>
#include <synapse/executors/local_executor.hpp>

namespace demo {

struct resize_params {
    std::string image;
    int width = 0;
    int height = 0;
    double quality = 0.9;
    std::optional<std::vector<std::string>> tags;

    static auto constraints() {
        using namespace synapse::rules;
        return synapse::constraints(
            synapse::rule(&resize_params::image, non_empty),
            synapse::rule(&resize_params::width, in_range(1, 10000)),
            synapse::rule(&resize_params::height, in_range(1, 10000)),
            synapse::rule(&resize_params::quality, defaulted, in_range(0.0, 1.0)));
    }
};

struct resize_result {
    std::string output;
    long pixels = 0;
};

struct resize {
    static constexpr std::string_view name = "resize";
    using params_type = resize_params;
    using result_type = resize_result;

    resize_result execute(const resize_params& p, synapse::context& ctx) {
        ctx.log("resizing", {{"image", p.image}});
        return {p.image + ".resized", static_cast<long>(p.width) * p.height};
    }
};

}  // namespace demo

SYNAPSE_REFLECT(demo::resize_params, image, width, height, quality, tags)
SYNAPSE_REFLECT(demo::resize_result, output, pixels)

int main() {
    synapse::local_executor<demo::resize> exec;
    auto typed = exec.execute<demo::resize>(demo::resize_params{"a.png", 640, 480, 0.8, {}});
    auto from_json =
        exec.execute("resize", synapse::json{{"image", "b.png"}, {"width", 32}, {"height", 32}});
    return typed && from_json ? 0 : 1;
}
