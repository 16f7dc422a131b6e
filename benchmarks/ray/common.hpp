// Shared by the Ray benchmark clients: the dashboard options, CPU and wall clocks, peak RSS and
// a tiny --key value argument parser. Each client prints one JSON object on stdout.
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <string>
#include <string_view>

#include <synapse/ray/dashboard.hpp>
#include <synapse/transport/httplib_transport.hpp>

namespace bench_ray {

/// The dashboard named by RAY_DASHBOARD_URL (scripts/ray-cluster run exports it); the token
/// comes from RAY_AUTH_TOKEN(_PATH) or ~/.ray/auth_token as usual.
inline synapse::transport_options dashboard() {
    const char* url = std::getenv("RAY_DASHBOARD_URL");
    if (url == nullptr || *url == '\0') {
        std::fprintf(stderr,
                     "error: RAY_DASHBOARD_URL is not set (run under scripts/ray-cluster run)\n");
        std::exit(2);
    }
    synapse::transport_options o = synapse::dashboard_transport_options(url);
    o.read_timeout = std::chrono::minutes(5);
    return o;
}

/// CPU time of the whole process (user + system), as Python's time.process_time().
inline double cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

inline double wall_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

/// The system clock, to compare with Ray's start_time and end_time (unix milliseconds).
inline double unix_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

/// ru_maxrss of this process, KiB.
inline long max_rss_kib() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

[[noreturn]] inline void die(std::string_view what) {
    std::fprintf(stderr, "error: %.*s\n", static_cast<int>(what.size()), what.data());
    std::exit(1);
}

/// `--key value` pairs; `get` dies naming a missing required key.
class args {
  public:
    args(int argc, char** argv) {
        for (int i = 1; i + 1 < argc; i += 2) {
            std::string_view k = argv[i];
            if (!k.starts_with("--")) die("expected --key value, got " + std::string(k));
            values_[std::string(k.substr(2))] = argv[i + 1];
        }
        if (argc % 2 == 0) die("expected --key value pairs");
    }
    std::string get(const std::string& key) const {
        auto it = values_.find(key);
        if (it == values_.end()) die("missing --" + key);
        return it->second;
    }
    bool has(const std::string& key) const { return values_.contains(key); }
    long get_int(const std::string& key, long fallback) const {
        auto it = values_.find(key);
        return it == values_.end() ? fallback : std::stol(it->second);
    }

  private:
    std::map<std::string, std::string> values_;
};

}  // namespace bench_ray
