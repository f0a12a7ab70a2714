#pragma once
// Typed errors. Every error a user can cause carries a kind (so the CLI can map it to a
// documented exit code) and a message that names the file, line and column where it applies.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace synthtab {

enum class ErrorKind : int {
  Usage = 2,      // bad option or argument value
  Input = 3,      // a data file that cannot be read or used
  ModelFile = 4,  // a model file that is truncated, altered, or from another format version
  Output = 5,     // an output that cannot be written
  Resource = 6,   // a limit (memory, size) that the work would exceed
  Interrupted = 130,
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

// Formats "FILE:LINE:COLUMN: MESSAGE" (compiler style); line/column <= 0 are left out.
std::string located_message(const std::string& file, int64_t line, int64_t column, const std::string& message);

// An error in an input data file, pointing at the offending place.
inline Error input_error(const std::string& file, int64_t line, int64_t column, const std::string& message) {
  return Error(ErrorKind::Input, located_message(file, line, column, message));
}

inline Error usage_error(const std::string& message) { return Error(ErrorKind::Usage, message); }

// `text` in double quotes, as messages name columns and values.
std::string in_quotes(std::string_view text);

}  // namespace synthtab
