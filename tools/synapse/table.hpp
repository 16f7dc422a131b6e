// Aligned text tables for `synapse ray ...`: column widths from the content, ids shortened only
// when a terminal is too narrow for them, and colour for states only on a terminal without
// NO_COLOR.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

namespace synapse_cli {

struct table_column {
    std::string title;
    bool id = false;     ///< may be shortened to fit a narrow terminal
    bool state = false;  ///< coloured by its value on a terminal
};

class text_table {
  public:
    explicit text_table(std::vector<table_column> columns) : columns_(std::move(columns)) {}

    void add(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }
    std::size_t size() const noexcept { return rows_.size(); }

    /// Writes the table; `terminal_width` 0 means not a terminal (no shortening, no colour).
    void print(std::ostream& out, std::size_t terminal_width, bool colour) const;

  private:
    std::vector<table_column> columns_;
    std::vector<std::vector<std::string>> rows_;
};

/// The width of the terminal stdout is, or 0 when stdout is not a terminal.
std::size_t stdout_terminal_width();

/// Whether to colour: stdout is a terminal and NO_COLOR is not set.
bool use_colour();

}  // namespace synapse_cli
