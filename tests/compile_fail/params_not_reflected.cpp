// expected-error: params_type must be reflected with SYNAPSE_REFLECT
#include <synapse/core/reflect.hpp>
#include <synapse/plugin/action.hpp>

struct not_reflected {
    int x = 0;
};
struct r {
    int y = 0;
};
SYNAPSE_REFLECT(r, y)
struct uses_unreflected {
    static constexpr std::string_view name = "uses_unreflected";
    using params_type = not_reflected;
    using result_type = r;
    r execute(const not_reflected& in, synapse::context&) { return {in.x}; }
};
static_assert(synapse::check_action<uses_unreflected>());
