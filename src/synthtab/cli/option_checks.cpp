#include "synthtab/cli/option_checks.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

namespace synthtab::cli {
namespace {

// Shortest text that reads back as `x` (0.99, 1e-06), never 300 digits.
std::string shown(double x) { return fmt::format("{}", x); }

// Bounds at or above 2^31 - 1 only guard the type: shown as ">= lo".
bool unbounded(int64_t hi) { return hi >= std::numeric_limits<int32_t>::max(); }

std::string range_text(int64_t lo, int64_t hi) {
  if (unbounded(hi)) return fmt::format(">= {}", lo);
  return fmt::format("from {} to {}", lo, hi);
}

std::string range_text(double lo, bool lo_open, double hi, bool hi_open) {
  if (std::isinf(hi)) return fmt::format("{} {}", lo_open ? ">" : ">=", shown(lo));
  if (!lo_open && !hi_open) return fmt::format("from {} to {}", shown(lo), shown(hi));
  return fmt::format("{} {} and {} {}", lo_open ? ">" : ">=", shown(lo), hi_open ? "<" : "<=", shown(hi));
}

// Options are the name a user typed, joined: "-n/--rows".
std::string option_names(const CLI::App& app, const std::string& name) {
  for (const CLI::App* command : app.get_subcommands({})) {
    const std::string found = option_names(*command, name);
    if (found != name) return found;
  }
  for (const CLI::Option* option : app.get_options()) {
    if (option->get_name() != name || option->get_positional()) continue;
    std::string all = option->get_name(false, true);
    for (auto& c : all)
      if (c == ',') c = '/';
    return all;
  }
  return name;
}

std::string lower_first(std::string text) {
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') text[0] = static_cast<char>(text[0] - 'A' + 'a');
  return text;
}

}  // namespace

CLI::Validator whole_number(int64_t lo, int64_t hi) {
  const std::string wanted = "expected a whole number " + range_text(lo, hi);
  return CLI::Validator(
      [lo, hi, wanted](std::string& text) -> std::string {
        int64_t value = 0;
        const char* end = text.data() + text.size();
        const char* start = text.data() + (!text.empty() && text[0] == '+' ? 1 : 0);
        const auto [ptr, ec] = std::from_chars(start, end, value);
        if (ec == std::errc::result_out_of_range || (ec == std::errc() && ptr == end && value > hi && unbounded(hi)))
          return fmt::format("{}, got '{}' (too large)", wanted, text);
        if (ec != std::errc() || ptr != end || text.empty()) return fmt::format("{}, got '{}'", wanted, text);
        if (value < lo || value > hi) return fmt::format("{}, got '{}'", wanted, text);
        return "";
      },
      "INT " + range_text(lo, hi));
}

CLI::Validator unsigned_number() {
  const std::string wanted = "expected a whole number from 0 to 18446744073709551615";
  return CLI::Validator(
      [wanted](std::string& text) -> std::string {
        uint64_t value = 0;
        const char* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (ec != std::errc() || ptr != end || text.empty()) return fmt::format("{}, got '{}'", wanted, text);
        return "";
      },
      "UINT");
}

CLI::Validator real_number(double lo, bool lo_open, double hi, bool hi_open) {
  const std::string wanted = "expected a number " + range_text(lo, lo_open, hi, hi_open);
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        // strtod accepts what CLI11's conversion accepts (1e-3, .5); "nan"/"inf" are refused below.
        errno = 0;
        char* end = nullptr;
        const double value = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(value) || errno == ERANGE)
          return fmt::format("{}, got '{}'", wanted, text);
        const bool low = lo_open ? !(value > lo) : !(value >= lo);
        const bool high = hi_open ? !(value < hi) : !(value <= hi);
        if (low || high) return fmt::format("{}, got '{}'", wanted, text);
        return "";
      },
      "NUMBER " + range_text(lo, lo_open, hi, hi_open));
}

std::string parse_error_message(const CLI::App& app, const CLI::ParseError& error) {
  // CLI11 sets get_name() to the command's name for some errors: tell them apart by type.
  const std::string message = error.what();
  const auto colon = message.find(": ");
  const std::string option = colon == std::string::npos ? "" : message.substr(0, colon);
  const std::string rest = colon == std::string::npos ? message : message.substr(colon + 2);
  if (dynamic_cast<const CLI::ValidationError*>(&error) != nullptr && colon != std::string::npos)
    return option_names(app, option) + ": " + rest;
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&error) != nullptr && colon != std::string::npos) {
    // "--epochs: 1 required INT missing": the option was given without its value.
    if (rest.find("missing") != std::string::npos) return option_names(app, option) + ": expects a value";
    // "--model: At Most 1 required but received 2": the option was given twice.
    if (const auto at = rest.find("received "); rest.rfind("At Most 1", 0) == 0 && at != std::string::npos)
      return option_names(app, option) + ": expects one value, got " + rest.substr(at + 9) +
             " (is the option given twice?)";
    return option_names(app, option) + ": " + rest;
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&error) != nullptr) {
    const std::string command = error.get_name() == "ExtrasError" ? "" : " " + error.get_name();
    return lower_first(message) + " (see synthtab" + command + " --help)";
  }
  if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr) {
    if (message.rfind("A subcommand", 0) == 0) return "a command is required (see synthtab --help)";
    // "--output is required" / "input is required"
    const auto space = message.find(' ');
    if (space == std::string::npos) return lower_first(message);
    return option_names(app, message.substr(0, space)) + message.substr(space) + " (see --help)";
  }
  return lower_first(message);
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  auto escape = [&](unsigned char byte) { out += fmt::format("\\x{:02X}", byte); };
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x20 || byte == 0x7F) {
      escape(byte);
      ++i;
      continue;
    }
    // Length of a well-formed UTF-8 sequence starting here, or 0.
    size_t length = byte < 0x80 ? 1 : (byte >> 5) == 0x6 ? 2 : (byte >> 4) == 0xE ? 3 : (byte >> 3) == 0x1E ? 4 : 0;
    if (length == 2 && byte < 0xC2) length = 0;  // overlong
    if (length > 1 && i + length <= text.size()) {
      for (size_t k = 1; k < length; ++k)
        if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) length = 0;
    } else if (length > 1) {
      length = 0;
    }
    if (length == 0) {
      escape(byte);
      ++i;
      continue;
    }
    out.append(text.substr(i, length));
    i += length;
  }
  return out;
}

}  // namespace synthtab::cli
