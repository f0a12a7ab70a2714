#include "synthtab/core/same_file.hpp"

#include <sys/stat.h>

#include <filesystem>
#include <optional>

#include "synthtab/core/error.hpp"

namespace synthtab {

bool same_file(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return false;
  struct stat sa {};
  struct stat sb {};
  // stat follows symlinks, so a link to the input is the input.
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

bool is_standard_output(const std::string& output) {
  if (output == "-") return true;
  struct stat path_info {};
  struct stat out_info {};
  if (::stat(output.c_str(), &path_info) != 0 || ::fstat(1, &out_info) != 0) return false;
  return path_info.st_dev == out_info.st_dev && path_info.st_ino == out_info.st_ino;
}

void check_not_input(const std::string& output, const char* option, const std::string& input, const char* role) {
  if (!same_file(output, input)) return;
  throw usage_error(std::string(option) + " '" + output + "' is the " + role + " '" + input +
                    "'; writing it would destroy the " + role + ": choose another output path");
}

bool same_path(const std::string& a, const std::string& b) {
  // Absolute first: weakly_canonical keeps a relative path whose first part does not exist
  // relative, but makes "./" + the same path absolute.
  const auto full = [](const std::string& path) -> std::optional<std::filesystem::path> {
    std::error_code error;
    const auto absolute = std::filesystem::absolute(path, error);
    if (error) return std::nullopt;
    auto canonical = std::filesystem::weakly_canonical(absolute, error);
    if (error) return std::nullopt;
    return canonical;
  };
  const auto full_a = full(a);
  const auto full_b = full(b);
  return a == b || (full_a && full_b && *full_a == *full_b);
}

std::string file_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

}  // namespace synthtab
