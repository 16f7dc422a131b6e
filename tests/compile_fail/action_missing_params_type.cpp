// expected-error: the action needs a nested `using params_type = \.\.\.;`
#include <synapse/core/reflect.hpp>
#include <synapse/plugin/action.hpp>

struct p {
    int x = 0;
};
SYNAPSE_REFLECT(p, x)
struct no_params {
    static constexpr std::string_view name = "no_params";
    using result_type = p;
};
static_assert(synapse::check_action<no_params>());
