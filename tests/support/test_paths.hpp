#pragma once
// Paths and helpers shared by the test suites.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

namespace synthtab::testing {

// Appended rather than concatenated: GCC 12 warns falsely (-Warray-bounds) on `string(literal) +
// "..."` once inlined into a large translation unit.
inline std::string data_path(const std::string& name) {
  std::string path = SYNTHTAB_TEST_DATA;
  path.append("/").append(name);
  return path;
}

// A fresh empty directory under the system temp dir, unique to the calling test and process
// (two builds' test runs on one machine must not share it).
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("synthtab-test-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

}  // namespace synthtab::testing
