// tune_process changes the process only as asked, and keeps a user's own OpenMP setting.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "synthtab/core/process_tuning.hpp"

namespace synthtab {
namespace {

std::string wait_policy() {
  const char* value = std::getenv("OMP_WAIT_POLICY");
  return value == nullptr ? "(unset)" : value;
}

TEST(ProcessTuning, SetsPassiveOpenMpOnlyWhenAskedAndKeepsAUsersValue) {
  const std::string before = wait_policy();
  unsetenv("OMP_WAIT_POLICY");
  tune_process({.passive_openmp = false, .keep_freed_memory = false});
  EXPECT_EQ(wait_policy(), "(unset)");
  tune_process({.passive_openmp = true, .keep_freed_memory = false});
  EXPECT_EQ(wait_policy(), "PASSIVE");
  setenv("OMP_WAIT_POLICY", "ACTIVE", 1);
  tune_process();
  EXPECT_EQ(wait_policy(), "ACTIVE");
  if (before == "(unset)")
    unsetenv("OMP_WAIT_POLICY");
  else
    setenv("OMP_WAIT_POLICY", before.c_str(), 1);
}

}  // namespace
}  // namespace synthtab
