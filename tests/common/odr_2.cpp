#include <synapse/synapse.hpp>

int odr_second() {
    return synapse::to_string(synapse::errc::io_error) == "io_error" ? 42 : 0;
}
