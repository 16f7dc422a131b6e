// Test helper: saves the Ray token variables (RAY_AUTH_TOKEN, RAY_AUTH_TOKEN_PATH, HOME) and any
// variable a test sets or unsets through it, and restores them all when the test ends.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

namespace test_support {

class env_guard {
  public:
    env_guard() {
        for (const char* name : {"RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH", "HOME"}) save(name);
    }
    env_guard(const env_guard&) = delete;
    env_guard& operator=(const env_guard&) = delete;
    ~env_guard() {
        for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
            if (it->value)
                setenv(it->name.c_str(), it->value->c_str(), 1);
            else
                unsetenv(it->name.c_str());
        }
    }
    void set(const char* name, const std::string& value) {
        save(name);
        setenv(name, value.c_str(), 1);
    }
    void unset(const char* name) {
        save(name);
        unsetenv(name);
    }

  private:
    struct saved_var {
        std::string name;
        std::optional<std::string> value;
    };

    void save(const char* name) {
        if (std::any_of(saved_.begin(), saved_.end(),
                        [&](const auto& v) { return v.name == name; }))
            return;
        const char* value = std::getenv(name);
        saved_.push_back({name, value ? std::optional<std::string>(value) : std::nullopt});
    }

    std::vector<saved_var> saved_;
};

}  // namespace test_support
