// Which working_dir packages this process has uploaded already.
#pragma once

#include <mutex>
#include <set>
#include <string>

namespace synapse {

/// Which packages this process already uploaded (by name, i.e. by content hash), so an
/// unchanged plugin is not uploaded twice. Thread-safe.
class package_cache {
  public:
    bool uploaded(const std::string& name) const {
        std::lock_guard lock(mutex_);
        return names_.contains(name);
    }
    void mark_uploaded(std::string name) {
        std::lock_guard lock(mutex_);
        names_.insert(std::move(name));
    }
    /// Forgets a package, e.g. after the server lost it (a 404 on the pinning GET).
    void forget(const std::string& name) {
        std::lock_guard lock(mutex_);
        names_.erase(name);
    }

  private:
    mutable std::mutex mutex_;
    std::set<std::string> names_;
};

}  // namespace synapse
