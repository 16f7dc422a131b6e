// The regression example end to end, in process: each result feeds the next action's params.
#include <catch2/catch.hpp>
#include <fstream>
#include <synapse/executors/local_executor.hpp>
#include <synapse/testing/recording_logger.hpp>

#include "../common/temp_dir.hpp"
#include "regression.hpp"

using namespace regression;
using regression_executor =
    synapse::basic_local_executor<synapse::plugin<download, convert, train, evaluate>,
                                  synapse::testing::recording_logger>;

TEST_CASE("the regression actions chain into a model that fits the data", "[example]") {
    test_support::temp_dir dir;
    regression_executor exec;
    auto source = std::filesystem::path(SYNAPSE_REGRESSION_PLUGIN_DIR) / "data" / "houses.csv";

    auto downloaded = exec.execute<download>({dir.path(), source});
    REQUIRE(downloaded);
    CHECK(downloaded->rows == 240);

    auto converted = exec.execute<convert>({downloaded->dataset_path, dir.path(), 0.25, 7});
    REQUIRE(converted);
    CHECK(converted->dropped_rows == 12);
    CHECK(converted->train_rows + converted->test_rows == 228);
    CHECK(converted->test_rows == 57);

    auto trained = exec.execute<train>({converted->train_path, dir.path(), 300, 0.1});
    REQUIRE(trained);
    CHECK(std::filesystem::exists(trained->model_path));
    // Progress and metrics were reported once per epoch.
    CHECK(exec.logger().progress.size() == 300);
    CHECK(exec.logger().progress.back().percent == 100.0);
    REQUIRE(exec.logger().metrics.size() == 300);
    CHECK(exec.logger().metrics.back().values["epoch"] == 300);
    CHECK(exec.logger().metrics.front().values["loss"].get<double>() > trained->final_loss);

    auto scored = exec.execute<evaluate>({trained->model_path, converted->test_path});
    REQUIRE(scored);
    CHECK(scored->rows == 57);
    CHECK(scored->r2 > 0.95);  // the data are linear with small noise
    CHECK(scored->rmse < 25.0);
}

TEST_CASE("the regression actions report bad inputs as errors", "[example]") {
    test_support::temp_dir dir;
    regression_executor exec;
    auto missing = exec.execute<download>({dir.path(), dir / "nope.csv"});
    REQUIRE_FALSE(missing);
    CHECK(missing.error().code == synapse::errc::action_failed);
    CHECK(missing.error().message.find("cannot copy data set from") != std::string::npos);

    std::ofstream(dir / "tiny.csv") << "a,b\n1,2\n";
    auto tiny = exec.execute<convert>({dir / "tiny.csv", dir.path(), 0.2, 1});
    REQUIRE_FALSE(tiny);
    CHECK(tiny.error().message.find("at least 4 are needed") != std::string::npos);

    std::ofstream(dir / "model.json") << "{\"weights\": \"nope\"}";
    auto bad_model = exec.execute<evaluate>({dir / "model.json", dir / "tiny.csv"});
    REQUIRE_FALSE(bad_model);
    CHECK(bad_model.error().message.find("model file is malformed") != std::string::npos);
}
