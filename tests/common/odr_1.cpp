#include <synapse/synapse.hpp>

int odr_second();

int main() {
    return odr_second() == 42 && synapse::job_protocol::params_inline_limit == 32000 ? 0 : 1;
}
