#include "table.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace synapse_cli {
namespace {

/// Display width of UTF-8 text (code points; ids and states are ASCII).
std::size_t width_of(const std::string& s) {
    std::size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
}

const char* colour_of(const std::string& state) {
    static const std::vector<std::string> good = {"ALIVE", "RUNNING", "FINISHED", "SUCCEEDED",
                                                  "HEALTHY"};
    static const std::vector<std::string> bad = {"DEAD", "FAILED", "DEPLOY_FAILED", "UNHEALTHY",
                                                 "STOPPED"};
    if (std::find(good.begin(), good.end(), state) != good.end()) return "\x1b[32m";
    if (std::find(bad.begin(), bad.end(), state) != bad.end()) return "\x1b[31m";
    return "\x1b[33m";
}

}  // namespace

void text_table::print(std::ostream& out, std::size_t terminal_width, bool colour) const {
    const std::size_t n = columns_.size();
    std::vector<std::size_t> widths(n);
    for (std::size_t i = 0; i < n; ++i) widths[i] = width_of(columns_[i].title);
    for (const auto& row : rows_)
        for (std::size_t i = 0; i < n && i < row.size(); ++i)
            widths[i] = std::max(widths[i], width_of(row[i]));
    std::size_t total = 0;
    for (auto w : widths) total += w + 2;
    // Too wide for the terminal: ids keep their first 12 characters (enough to tell apart).
    std::vector<std::size_t> shown = widths;
    if (terminal_width > 0 && total > terminal_width)
        for (std::size_t i = 0; i < n; ++i)
            if (columns_[i].id && shown[i] > 12) shown[i] = 12;
    auto cell = [&](const std::string& text, std::size_t i, bool header) {
        std::string s = text;
        if (width_of(s) > shown[i]) s = s.substr(0, shown[i]);
        const std::size_t pad = shown[i] - width_of(s);
        const bool paint = colour && !header && columns_[i].state && !s.empty();
        if (paint) out << colour_of(s);
        out << s;
        if (paint) out << "\x1b[0m";
        if (i + 1 < n) out << std::string(pad + 2, ' ');
    };
    for (std::size_t i = 0; i < n; ++i) cell(columns_[i].title, i, true);
    out << '\n';
    for (const auto& row : rows_) {
        for (std::size_t i = 0; i < n; ++i) cell(i < row.size() ? row[i] : std::string(), i, false);
        out << '\n';
    }
    out.flush();
}

std::size_t stdout_terminal_width() {
    if (!::isatty(1)) return 0;
    winsize ws{};
    if (::ioctl(1, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

bool use_colour() {
    const char* no = std::getenv("NO_COLOR");
    return ::isatty(1) && !(no && *no);
}

}  // namespace synapse_cli
