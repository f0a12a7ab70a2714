#include "synthtab/core/same_file.hpp"

#include <sys/stat.h>

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

}  // namespace synthtab
