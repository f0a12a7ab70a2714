// Linked into every test executable: the tests run in a process tuned as the CLI's is
// (core/process_tuning.hpp). The suite shares two cores with compilers and other suites, where
// LibTorch's spinning OpenMP threads made a 2-thread fit 10x slower.
#include "synthtab/core/process_tuning.hpp"

namespace {
const bool tuned = [] {
  synthtab::tune_process();
  return true;
}();
}  // namespace
