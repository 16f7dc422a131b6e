// Test helpers for the config.yaml tests: a temporary plugin directory, loading a config.yaml
// text from it, and the checks of a config_invalid error.
#pragma once

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <string_view>
#include <synapse/plugin/config.hpp>

namespace plugin_config_test {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using synapse::errc;

/// A fresh directory under the system temp directory, removed with everything in it.
class temp_dir {
  public:
    temp_dir() {
        std::random_device random;
        const fs::path base = fs::absolute(fs::temp_directory_path()).lexically_normal();
        do {
            path_ = base / ("synapse-config-test-" + std::to_string(random()) + "-" +
                            std::to_string(random()));
        } while (!fs::create_directory(path_));
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    const fs::path& path() const { return path_; }

    fs::path write(const fs::path& name, std::string_view text) const {
        const fs::path file = path_ / name;
        fs::create_directories(file.parent_path());
        std::ofstream out(file, std::ios::binary);
        out << text;
        REQUIRE(out.good());
        return file;
    }

  private:
    fs::path path_;
};

/// Writes `yaml` as config.yaml in `dir` and loads the directory.
inline synapse::expected<synapse::plugin_config> load(const temp_dir& dir, std::string_view yaml) {
    dir.write("config.yaml", yaml);
    return synapse::load_plugin_config(dir.path());
}

/// Asserts a config_invalid error that names `field` and points at `line` of `file`.
inline void check_invalid(const synapse::expected<synapse::plugin_config>& result,
                          const fs::path& file, const std::string& field, int line) {
    REQUIRE_FALSE(result.has_value());
    const synapse::error& e = result.error();
    INFO(synapse::to_string(e));
    CHECK(e.code == errc::config_invalid);
    CHECK_THAT(e.message, Contains(field));
    const std::string at = file.string() + ":" + std::to_string(line);
    CHECK(e.where == at);
    CHECK_THAT(e.message, Contains(at + ":"));
}

/// Loads `yaml` and asserts it fails on `field` at `line`.
inline void check_invalid_yaml(std::string_view yaml, const std::string& field, int line) {
    temp_dir dir;
    INFO(yaml);
    check_invalid(load(dir, yaml), dir.path() / "config.yaml", field, line);
}

inline constexpr std::string_view minimal = "name: Minimal\ncode: minimal\n";

}  // namespace plugin_config_test
