// A Spawner for tests that runs no process: each `run` plays the next scripted child (its output
// lines, then its exit status, a signal, a timeout, or a failure to start) and records the spec
// it was asked to run. Copies share the script, so a test keeps one to inspect.
//
//     synapse::testing::scripted_spawner spawner;
//     spawner.push({.lines = {{false, "hello"}}, .signal = 9});
//     synapse::basic_process_executor<synapse::testing::scripted_spawner> exec({"plugin"}, {},
//     spawner);
#pragma once

#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "synapse/executors/spawner.hpp"

namespace synapse::testing {

class scripted_spawner {
  public:
    using spawner_concept = spawner_tag;

    /// One child: what it prints and how it ends.
    struct child {
        std::vector<std::pair<bool, std::string>> lines{};  ///< (is_stderr, line), in order
        int exit_code = 0;
        std::optional<int> signal{};           ///< ended by this signal (exit code 128 + signal)
        bool timed_out = false;                ///< killed at its timeout
        std::optional<error> start_failure{};  ///< could not be started at all
    };

    scripted_spawner() : state_(std::make_shared<state>()) {}

    /// Adds the next child to play. Without one, `run` plays a child that prints nothing and
    /// exits 0.
    void push(child c) {
        std::lock_guard lock(state_->mutex);
        state_->children.push_back(std::move(c));
    }

    /// The specs `run` was called with, in order.
    std::vector<process_spec> runs() const {
        std::lock_guard lock(state_->mutex);
        return state_->runs;
    }

    [[nodiscard]] expected<process_outcome> run(const process_spec& spec,
                                                const output_handler& on_line) {
        child c;
        {
            std::lock_guard lock(state_->mutex);
            state_->runs.push_back(spec);
            if (!state_->children.empty()) {
                c = std::move(state_->children.front());
                state_->children.pop_front();
            }
        }
        if (c.start_failure) return fail(std::move(*c.start_failure));
        for (const auto& [is_stderr, line] : c.lines) on_line(is_stderr, line);
        process_outcome out;
        out.timed_out = c.timed_out;
        out.signal = c.signal;
        out.exit_code = c.signal ? 128 + *c.signal : c.exit_code;
        return out;
    }

  private:
    struct state {
        mutable std::mutex mutex;
        std::deque<child> children;
        std::vector<process_spec> runs;
    };
    std::shared_ptr<state> state_;
};

static_assert(check_spawner<scripted_spawner>());

}  // namespace synapse::testing
