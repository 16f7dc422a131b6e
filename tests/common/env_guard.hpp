// Test helper: saves the Ray token variables (RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH, HOME), lets a
// test set or unset them, and restores them when the test ends.
#pragma once

#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace test_support {

class env_guard {
  public:
    env_guard() {
        for (const char* name : {"RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH", "HOME"}) {
            const char* value = std::getenv(name);
            saved_.push_back({name, value ? std::optional<std::string>(value) : std::nullopt});
        }
    }
    env_guard(const env_guard&) = delete;
    env_guard& operator=(const env_guard&) = delete;
    ~env_guard() {
        for (const auto& [name, value] : saved_) {
            if (value) {
                setenv(name.c_str(), value->c_str(), 1);
            } else {
                unsetenv(name.c_str());
            }
        }
    }
    void set(const char* name, const std::string& value) { setenv(name, value.c_str(), 1); }
    void unset(const char* name) { unsetenv(name); }

  private:
    struct saved_var {
        std::string name;
        std::optional<std::string> value;
    };
    std::vector<saved_var> saved_;
};

}  // namespace test_support
