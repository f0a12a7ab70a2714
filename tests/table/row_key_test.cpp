// row_hash streams FNV-1a over the bytes of row_key: the fingerprints stored in model files
// must stay the same as when the key was built first.
#include "synthtab/table/row_key.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "synthtab/core/hash.hpp"

namespace synthtab {
namespace {

TEST(RowKey, HashIsFnvOfTheKeyForEveryKindOfCell) {
  Table table;
  Column label{"label", ColumnType::Categorical, {}, {0, 1, kMissingCode, 1}, {"a", "bc"}, ""};
  Column number{"x", ColumnType::Float, {1.5, -0.0, std::nan(""), 0.0}, {}, {}, ""};
  Column when{"when", ColumnType::Datetime, {86400, 0, -std::numeric_limits<double>::quiet_NaN(), 1e18}, {}, {}, "%Y"};
  table.columns = {label, number, when};
  for (int64_t r = 0; r < 4; ++r) EXPECT_EQ(row_hash(table, r), fnv1a64(row_key(table, r))) << r;
  // -0 and +0 are one value; every NaN is one missing value.
  Table zeros;
  zeros.columns = {Column{"z", ColumnType::Float, {0.0, -0.0, std::nan(""), -std::nan("")}, {}, {}, ""}};
  EXPECT_EQ(row_hash(zeros, 0), row_hash(zeros, 1));
  EXPECT_EQ(row_hash(zeros, 2), row_hash(zeros, 3));
  EXPECT_NE(row_hash(zeros, 0), row_hash(zeros, 2));
  // A known value: the empty table row is the FNV offset basis.
  EXPECT_EQ(row_hash(Table{}, 0), 0xcbf29ce484222325ULL);
}

}  // namespace
}  // namespace synthtab
