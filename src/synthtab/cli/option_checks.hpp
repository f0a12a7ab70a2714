#pragma once
// Readable checks for option values, and one-line messages for every command-line error.
//
// CLI11's own validators print their bounds in full (`[1 - 1.79769e+308]`, 300 digits for a
// double's maximum) and its errors span two lines without our "synthtab: error:" prefix. These
// validators parse the text themselves, so a value that is no number, overflows, or is out of
// range all end in one message: `--epochs: expected a whole number >= 1, got '0'`.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace synthtab::cli {

// A whole number in [lo, hi]; `hi` = the type's maximum is shown as ">= lo".
CLI::Validator whole_number(int64_t lo, int64_t hi = std::numeric_limits<int64_t>::max());
// A non-negative whole number that fits 64 unsigned bits (seeds).
CLI::Validator unsigned_number();
// A finite number; `lo_open` / `hi_open` exclude the bound. hi = +infinity means no upper bound.
CLI::Validator real_number(double lo, bool lo_open, double hi = std::numeric_limits<double>::infinity(),
                           bool hi_open = false);

// The one line (without "synthtab: error: ") for a CLI11 parse error; `app` is searched for the
// option an error names so that "-n" and "--rows" both show.
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error);

// `text` made safe for one terminal line: control characters (a newline from a damaged file
// name or model section) and bytes that are not valid UTF-8 are shown as \xNN.
std::string printable(std::string_view text);

}  // namespace synthtab::cli
