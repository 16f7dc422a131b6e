// expected-error: two actions share a name; every action of a plugin needs a unique `name`
#include <synapse/core/reflect.hpp>
#include <synapse/pipeline/typed_pipeline.hpp>

struct p {
    int x = 0;
};
SYNAPSE_REFLECT(p, x)
struct first {
    static constexpr std::string_view name = "train";
    using params_type = p;
    using result_type = p;
    p execute(const p& in, synapse::context&) { return in; }
};
struct second {
    static constexpr std::string_view name = "train";
    using params_type = p;
    using result_type = p;
    p execute(const p& in, synapse::context&) { return in; }
};
int main() {
    return static_cast<int>(synapse::pipeline<p, first, second>::size);
}
