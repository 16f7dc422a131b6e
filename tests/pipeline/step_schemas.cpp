// The schemas of a pipeline's Python steps, read by a real Python (the project's virtualenv) and
// kept in a cache until a module file they were read from changes.
#include <synapse/pipeline/step_schemas.hpp>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "../common/temp_dir.hpp"

namespace {

void write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
}

std::string module_with(const std::string& field) {
    return "from pydantic import BaseModel\n\nclass Params(BaseModel):\n    " + field +
           ": str\n\nclass Act:\n    params_model = Params\n";
}

/// How many times the counting Python wrapper ran.
std::size_t runs_of(const std::filesystem::path& count) {
    std::ifstream in(count);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) ++n;
    return n;
}

/// Sets an environment variable for one test and puts the old value back.
struct scoped_env {
    std::string name;
    std::optional<std::string> old;
    scoped_env(std::string n, const std::string& value) : name(std::move(n)) {
        if (const char* v = std::getenv(name.c_str())) old = v;
        ::setenv(name.c_str(), value.c_str(), 1);
    }
    ~scoped_env() {
        if (old)
            ::setenv(name.c_str(), old->c_str(), 1);
        else
            ::unsetenv(name.c_str());
    }
};

}  // namespace

TEST_CASE("Python steps' schemas are read once, and again only after their module changed",
          "[step_schemas]") {
    test_support::temp_dir dir;
    scoped_env cache("XDG_CACHE_HOME", (dir / "cache").string());
    const auto plugin = dir / "plugin";
    std::filesystem::create_directories(plugin);
    write_text(plugin / "acts.py", module_with("train_path"));
    const auto count = dir / "count";
    const auto python = dir / "python";
    write_text(python, "#!/bin/sh\necho ran >> '" + count.string() + "'\nexec '" +
                           std::string(SYNAPSE_VENV_PYTHON) + "' \"$@\"\n");
    std::filesystem::permissions(python, std::filesystem::perms::owner_all);
    synapse::plugin_config config;
    config.directory = plugin;
    synapse::pipeline_definition definition;
    definition.actions = {synapse::python_step("acts.Act")};

    auto required = [&] {
        auto schemas = synapse::step_schemas(config, definition, python.string());
        REQUIRE(schemas);
        REQUIRE(schemas->size() == 1);
        return (*schemas)[0].params_schema["required"];
    };
    CHECK(required() == synapse::json{"train_path"});
    CHECK(required() == synapse::json{"train_path"});
    CHECK(runs_of(count) == 1);  // the second answer came from the cache

    write_text(plugin / "acts.py", module_with("dataset_path_that_is_longer"));
    CHECK(required() == synapse::json{"dataset_path_that_is_longer"});
    CHECK(runs_of(count) == 2);

    // A cache entry that is not what it should be is read afresh, never trusted.
    for (const auto& e : std::filesystem::directory_iterator(dir / "cache" / "synapse" / "schemas"))
        write_text(e.path(), "{\"key\": \"not this one\", \"schemas\": []}");
    CHECK(required() == synapse::json{"dataset_path_that_is_longer"});
    CHECK(runs_of(count) == 3);
}
