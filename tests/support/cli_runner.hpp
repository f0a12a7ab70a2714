#pragma once
// Runs a command through /bin/sh with no input, its stdout and stderr captured in files in `dir`
// (stdout.txt, stderr.txt), and reports its exit code (128 + N when signal N ended it).
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/test_paths.hpp"

namespace synthtab::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline CommandResult run_shell(const std::string& command, const std::filesystem::path& dir) {
  const auto out = dir / "stdout.txt";
  const auto err = dir / "stderr.txt";
  const std::string full = command + " >'" + out.string() + "' 2>'" + err.string() + "' </dev/null";
  const int status = std::system(full.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_text(out);
  result.err = read_text(err);
  return result;
}

// `synthtab ARGS` (the CLI this build made).
inline CommandResult run_cli(const std::string& args, const std::filesystem::path& dir) {
  std::string command = SYNTHTAB_CLI;  // appended: see data_path (test_paths.hpp)
  command.append(" ").append(args);
  return run_shell(command, dir);
}

}  // namespace synthtab::testing
