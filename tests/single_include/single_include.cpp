// Builds against single_include/synapse/synapse.hpp only (include/ is not on the path).
#include <synapse/synapse.hpp>

#include <catch2/catch.hpp>

#ifndef SYNAPSE_VERSION_STRING
#error "the single header did not define the version"
#endif

namespace si {
struct add_params {
    int a = 0;
    int b = 0;
};
struct add_result {
    int sum = 0;
};
struct add {
    static constexpr std::string_view name = "add";
    using params_type = add_params;
    using result_type = add_result;
    add_result execute(const add_params& p, synapse::context&) { return {p.a + p.b}; }
};
}  // namespace si
SYNAPSE_REFLECT(si::add_params, a, b)
SYNAPSE_REFLECT(si::add_result, sum)

TEST_CASE("the single header defines, validates and runs an action", "[single_include]") {
    synapse::basic_local_executor<synapse::plugin<si::add>, synapse::null_logger> exec;
    auto ok = exec.execute("add", {{"a", 2}, {"b", 40}});
    REQUIRE(ok);
    CHECK((*ok)["sum"] == 42);
    auto bad = exec.execute("add", {{"a", "two"}});
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == synapse::errc::validation_failed);
    CHECK(bad.error().fields.size() == 2);
}
