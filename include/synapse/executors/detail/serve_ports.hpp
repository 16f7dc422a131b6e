// The replicas' direct ports a warm Ray executor knows (serve_host.hpp): one transport per
// replica, used by one call at a time.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "synapse/core/expected.hpp"
#include "synapse/core/json.hpp"

namespace synapse::detail {

template <class T>
class replica_ports {
  public:
    /// Makes a transport to a port's URL.
    using factory = std::function<expected<T>(std::string_view base_url)>;

    /// An idle port (its URL and transport, to give back), waiting for one while `replicas`
    /// ports are known and all busy; none while fewer are known (the caller goes through the
    /// proxy, whose answers name more).
    std::optional<std::pair<std::string, T>> take(std::size_t replicas) {
        std::unique_lock lock(mutex_);
        for (;;) {
            for (auto& [url, idle] : ports_)
                if (idle) {
                    std::pair<std::string, T> out(url, std::move(*idle));
                    idle.reset();
                    return out;
                }
            if (ports_.size() < replicas) return std::nullopt;
            freed_.wait(lock);
        }
    }

    void give_back(const std::string& url, T transport) {
        {
            std::lock_guard lock(mutex_);
            ports_[url] = std::move(transport);
        }
        freed_.notify_one();
    }

    /// A port that refused a connection or broke during a call: its replica is gone.
    void forget(const std::string& url) {
        {
            std::lock_guard lock(mutex_);
            ports_.erase(url);
        }
        freed_.notify_all();
    }

    /// Keeps the port an answer names ("replica": {"direct": URL}), if it is new.
    void learn(const json& answer, const factory& make) {
        const auto replica = answer.find("replica");
        if (replica == answer.end() || !replica->is_object()) return;
        const auto url = replica->find("direct");
        if (url == replica->end() || !url->is_string()) return;
        const std::string address = url->template get<std::string>();
        {
            std::lock_guard lock(mutex_);
            if (ports_.contains(address)) return;
        }
        if (auto transport = make(address)) give_back(address, std::move(*transport));
    }

    /// Forgets every port (the application was deployed anew).
    void clear() {
        {
            std::lock_guard lock(mutex_);
            ports_.clear();
        }
        freed_.notify_all();
    }

  private:
    std::mutex mutex_;
    std::condition_variable freed_;
    std::map<std::string, std::optional<T>> ports_;  ///< empty while a call uses it
};

}  // namespace synapse::detail
