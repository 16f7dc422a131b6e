// expected-error: execute must return result_type or synapse::expected<result_type>
#include <synapse/core/reflect.hpp>
#include <synapse/plugin/action.hpp>

struct p {
    int x = 0;
};
SYNAPSE_REFLECT(p, x)
struct q {
    int y = 0;
};
SYNAPSE_REFLECT(q, y)
struct wrong_return {
    static constexpr std::string_view name = "wrong_return";
    using params_type = p;
    using result_type = q;
    int execute(const p& in, synapse::context&) { return in.x; }
};
static_assert(synapse::check_action<wrong_return>());
