#include "progress_view.hpp"

#include <cmath>
#include <cstdio>

namespace synapse_cli {
namespace {

namespace ps = synapse::pipeline_service;

std::string percent(double fraction) {
    return std::to_string(static_cast<int>(std::lround(fraction * 100))) + "%";
}

std::string bar(double fraction, int width) {
    const int filled = static_cast<int>(std::lround(fraction * width));
    std::string out = "[";
    for (int i = 0; i < width; ++i) out += i < filled ? "#" : "-";
    return out + "]";
}

/// "convert  running  40%  (train 4/10)".
std::string describe(const ps::action_progress& a) {
    std::string text = a.name + "  " + std::string(ps::to_string(a.status));
    if (a.status == ps::action_status::running) text += "  " + percent(a.progress);
    if (a.progress_step && !a.progress_step->empty())
        text += "  (" + *a.progress_step + (a.message ? " " + *a.message : std::string()) + ")";
    else if (a.message && a.status == ps::action_status::running)
        text += "  (" + *a.message + ")";
    if (a.error) text += "  " + *a.error;
    return text;
}

}  // namespace

void progress_view::show(const ps::pipeline_progress& p) {
    const auto& actions = p.actions();
    const std::string status(ps::to_string(p.status));
    if (terminal_) {
        if (drawn_ > 0) out_ << "\x1b[" << drawn_ << "F";  // back to the block's first line
        out_ << "\x1b[2Krun " << p.run_id << "  " << status << "  " << percent(p.overall_progress())
             << "\n";
        for (std::size_t i = 0; i < actions.size(); ++i) {
            const auto& a = actions[i];
            out_ << "\x1b[2K  " << bar(a.progress, 20) << " " << (i + 1) << "/" << actions.size()
                 << " " << describe(a) << "\n";
        }
        if (p.error && p.is_terminal()) out_ << "\x1b[2K  error: " << *p.error << "\n";
        drawn_ = 1 + actions.size() + (p.error && p.is_terminal() ? 1 : 0);
        out_.flush();
        return;
    }
    if (status != last_status_) {
        out_ << "run " << p.run_id << " " << status << (p.error ? ": " + *p.error : "") << "\n";
        last_status_ = status;
    }
    last_lines_.resize(actions.size());
    for (std::size_t i = 0; i < actions.size(); ++i) {
        std::string line = "[";
        line.append(std::to_string(i + 1)).append("/").append(std::to_string(actions.size()));
        line.append("] ").append(describe(actions[i]));
        if (line != last_lines_[i]) {
            out_ << line << "\n";
            last_lines_[i] = line;
        }
    }
    out_.flush();
}

}  // namespace synapse_cli
