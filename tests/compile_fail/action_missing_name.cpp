// expected-error: the action needs `static constexpr std::string_view name
#include <synapse/core/reflect.hpp>
#include <synapse/plugin/action.hpp>

struct p {
    int x = 0;
};
SYNAPSE_REFLECT(p, x)
struct nameless {
    using params_type = p;
    using result_type = p;
    p execute(const p& in, synapse::context&) { return in; }
};
static_assert(synapse::check_action<nameless>());
