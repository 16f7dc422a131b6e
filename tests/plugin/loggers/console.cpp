#include <synapse/plugin/loggers/console.hpp>

#include <catch2/catch.hpp>
#include <sstream>
#include <synapse/plugin/context.hpp>

// Data prints in insertion order, as Python prints a dict.
TEST_CASE("the console logger prints lines as synapse-sdk does", "[loggers][console]") {
    std::ostringstream out;
    synapse::console_logger logger(out);
    synapse::context ctx(logger);
    ctx.log("dataset_ready", {{"rows", 200}, {"name", "it's"}, {"ok", true}, {"none", nullptr}});
    ctx.log("plain");
    ctx.log("careful", {{"ratio", 0.5}}, synapse::log_level::warning);
    REQUIRE(ctx.set_progress(0, 4));
    REQUIRE(ctx.set_progress(2, 4, "train"));
    REQUIRE(ctx.set_metrics({{"loss", 0.25}, {"epoch", 3}}, "train"));
    std::string expected =
        "INFO: dataset_ready {'rows': 200, 'name': 'it\\'s', 'ok': True, 'none': None}\n"
        "INFO: plain\n"
        "WARNING: careful {'ratio': 0.5}\n"
        "INFO: Progress: 0.0% | ETA: Nones\n"
        "INFO: [train] Progress: 50.0% | ETA: 0.0s\n"
        "INFO: [train] Metrics: {'loss': 0.25, 'epoch': 3}\n";
    CHECK(out.str() == expected);
}

TEST_CASE("the console logger prints data with invalid UTF-8 byte for byte", "[loggers][console]") {
    std::ostringstream out;
    synapse::console_logger logger(out);
    synapse::context ctx(logger);
    ctx.log("file", {{"name", "caf\xe9"}});
    CHECK(out.str() == "INFO: file {'name': 'caf\xe9'}\n");
}
