#pragma once
// Runs f, expects a synthtab::Error of `kind`, and returns its message for further checks.
#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "synthtab/core/error.hpp"

namespace synthtab::testing {

inline std::string error_of(const std::function<void()>& f, ErrorKind kind) {
  try {
    f();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

}  // namespace synthtab::testing
