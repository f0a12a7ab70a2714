#include "synthtab/core/error.hpp"

namespace synthtab {

std::string located_message(const std::string& file, int64_t line, int64_t column, const std::string& message) {
  std::string out = file;
  if (line > 0) {
    out.append(":").append(std::to_string(line));
    if (column > 0) out.append(":").append(std::to_string(column));
  }
  if (!out.empty()) out += ": ";
  return out + message;
}

std::string in_quotes(std::string_view text) {
  std::string out(1, '"');
  out.append(text).push_back('"');
  return out;
}

}  // namespace synthtab
