// Test helper: the real `synapse service` binary on a free loopback port with a temporary
// database; started, waited for (/health answers 200), and stopped (SIGTERM, then SIGKILL) when
// the test ends, also when it fails.
#pragma once

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <httplib.h>
#include <synapse/core/json.hpp>

#include "../common/temp_dir.hpp"

namespace test_support {

using clock = std::chrono::steady_clock;

/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
template <class F>
bool eventually(F condition, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = clock::now() + timeout;
    while (clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return condition();
}

class service_process {
  public:
    /// Starts `synapse service --host 127.0.0.1 --port 0 --db <db> <extra...>`.
    explicit service_process(std::filesystem::path db, std::vector<std::string> extra = {},
                             std::string shell_prefix = {})
        : db_(std::move(db)), extra_(std::move(extra)), shell_prefix_(std::move(shell_prefix)) {
        start();
    }
    ~service_process() { stop(); }
    service_process(const service_process&) = delete;
    service_process& operator=(const service_process&) = delete;

    void start() {
        int fds[2];
        if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
        log_ = db_.string() + ".service-log";
        std::vector<std::string> argv = {SYNAPSE_CLI, "service",   "--host",
                                         "127.0.0.1", "--port",    std::to_string(port_),
                                         "--db",      db_.string()};
        argv.insert(argv.end(), extra_.begin(), extra_.end());
        if (!shell_prefix_.empty()) {
            std::string cmd = shell_prefix_ + " exec";
            for (const auto& a : argv) cmd += " '" + a + "'";
            argv = {"/bin/sh", "-c", cmd};
        }
        pid_ = fork();
        if (pid_ == 0) {
            dup2(fds[1], 1);
            int err = open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (err >= 0) dup2(err, 2);
            close(fds[0]);
            close(fds[1]);
            std::vector<char*> args;
            for (auto& a : argv) args.push_back(a.data());
            args.push_back(nullptr);
            execv(args[0], args.data());
            _exit(127);
        }
        close(fds[1]);
        out_ = fds[0];
        // The first stdout line names the port: "synapse service listening on http://H:P ...".
        std::string line;
        const auto deadline = clock::now() + std::chrono::seconds(30);
        while (line.find('\n') == std::string::npos) {
            auto left =
                std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
            pollfd p{out_, POLLIN, 0};
            if (left.count() <= 0 || poll(&p, 1, static_cast<int>(left.count())) <= 0)
                throw std::runtime_error("synapse service did not start: " + log());
            char buf[256];
            auto n = read(out_, buf, sizeof buf);
            if (n <= 0) throw std::runtime_error("synapse service exited: " + log());
            line.append(buf, static_cast<std::size_t>(n));
        }
        auto at = line.find("http://127.0.0.1:");
        if (at == std::string::npos) throw std::runtime_error("unexpected first line: " + line);
        port_ = std::stoi(line.substr(at + 17));
        if (!eventually([&] {
                httplib::Client c("127.0.0.1", port_);
                auto r = c.Get("/health");
                return r && r->status == 200;
            }))
            throw std::runtime_error("/health did not answer: " + log());
    }

    /// SIGTERM (or `sig`), and the exit status (SIGKILL after 10 s without exit: then -1).
    int stop(int sig = SIGTERM) {
        if (pid_ <= 0) return 0;
        ::kill(pid_, sig);
        int status = 0;
        const bool exited = eventually([&] { return waitpid(pid_, &status, WNOHANG) == pid_; },
                                       std::chrono::seconds(10));
        if (!exited) {
            ::kill(pid_, SIGKILL);
            waitpid(pid_, &status, 0);
        }
        finish();
        return exited && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    /// kill -9: the process gets no chance to flush or close anything.
    void kill9() {
        if (pid_ <= 0) return;
        ::kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
        finish();
    }

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    pid_t pid() const { return pid_; }
    std::string log() const {
        std::ifstream in(log_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

  private:
    void finish() {
        pid_ = -1;
        if (out_ >= 0) close(out_);
        out_ = -1;
    }
    std::filesystem::path db_;
    std::vector<std::string> extra_;
    std::string shell_prefix_;
    std::string log_;
    pid_t pid_ = -1;
    int out_ = -1;
    int port_ = 0;
};

/// A JSON HTTP client for one service.
class api {
  public:
    explicit api(int port, std::string token = {}) : c_("127.0.0.1", port) {
        c_.set_read_timeout(10, 0);
        if (!token.empty()) headers_.emplace("Authorization", "Bearer " + token);
    }
    struct reply {
        int status = 0;
        synapse::json body;
        std::string text;
    };
    reply get(const std::string& path) { return wrap(c_.Get(path.c_str(), headers_)); }
    reply del(const std::string& path) { return wrap(c_.Delete(path.c_str(), headers_)); }
    reply post(const std::string& path, const synapse::json& body) {
        return send("POST", path, body.dump());
    }
    reply put(const std::string& path, const synapse::json& body) {
        return send("PUT", path, body.dump());
    }
    reply patch(const std::string& path, const synapse::json& body) {
        return send("PATCH", path, body.dump());
    }
    reply send(const std::string& method, const std::string& path, const std::string& text) {
        if (method == "POST")
            return wrap(c_.Post(path.c_str(), headers_, text, "application/json"));
        if (method == "PUT") return wrap(c_.Put(path.c_str(), headers_, text, "application/json"));
        return wrap(c_.Patch(path.c_str(), headers_, text, "application/json"));
    }
    httplib::Client& raw() { return c_; }

  private:
    reply wrap(const httplib::Result& r) {
        reply out;
        if (!r) return out;
        out.status = r->status;
        out.text = r->body;
        if (!r->body.empty()) out.body = synapse::json::parse(r->body, nullptr, false);
        return out;
    }
    httplib::Client c_;
    httplib::Headers headers_;
};

}  // namespace test_support
