// How `synapse pipeline watch` (and `pipeline run`) shows a run: a bar per action redrawn in
// place on a terminal, one line per change otherwise.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include <synapse/pipeline/models.hpp>

namespace synapse_cli {

class progress_view {
  public:
    progress_view(std::ostream& out, bool terminal) : out_(out), terminal_(terminal) {}

    /// Shows the run's new state.
    void show(const synapse::pipeline_service::pipeline_progress& p);

  private:
    std::ostream& out_;
    bool terminal_;
    std::size_t drawn_ = 0;                // lines drawn last time (terminal)
    std::vector<std::string> last_lines_;  // per action, what was printed (plain lines)
    std::string last_status_;
};

}  // namespace synapse_cli
