#pragma once
// Two tables compared column by column: names, types, categories, codes and values. Float
// values within a relative tolerance; 0 asks for the same bits (a NaN equals a NaN).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "synthtab/table/table.hpp"

namespace synthtab::testing {

inline bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0 || (std::isnan(a) && std::isnan(b));
}

inline void expect_same_table(const Table& actual, const Table& expected, double float_tolerance = 0.0) {
  ASSERT_EQ(actual.cols(), expected.cols());
  for (size_t i = 0; i < expected.columns.size(); ++i) {
    const Column& a = actual.columns[i];
    const Column& e = expected.columns[i];
    SCOPED_TRACE(e.name);
    EXPECT_EQ(a.name, e.name);
    EXPECT_EQ(a.type, e.type);
    EXPECT_EQ(a.categories, e.categories);
    EXPECT_EQ(a.datetime_format, e.datetime_format);
    EXPECT_EQ(a.codes, e.codes);
    ASSERT_EQ(a.values.size(), e.values.size());
    for (size_t r = 0; r < e.values.size(); ++r) {
      if (float_tolerance > 0.0 && e.type == ColumnType::Float)
        EXPECT_NEAR(a.values[r], e.values[r], float_tolerance * std::abs(e.values[r]));
      else
        ASSERT_TRUE(same_bits(a.values[r], e.values[r])) << "row " << r << ": " << a.values[r] << " vs " << e.values[r];
    }
  }
}

}  // namespace synthtab::testing
