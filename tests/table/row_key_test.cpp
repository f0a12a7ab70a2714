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

TEST(RowKey, FingerprintsVersion2AgreeWithTheKey) {
  // Equal keys, equal fingerprints; other keys, other fingerprints (no collision among these).
  Table table;
  Column label{"label", ColumnType::Categorical, {}, {0, 1, kMissingCode, 1, 0, 0}, {"a", "bc"}, ""};
  Column number{"x", ColumnType::Float, {1.5, -0.0, std::nan(""), 0.0, 1.5, 2.5}, {}, {}, ""};
  table.columns = {label, number};
  const RowFingerprints fingerprint(table);
  for (int64_t a = 0; a < 6; ++a)
    for (int64_t b = 0; b < 6; ++b)
      EXPECT_EQ(fingerprint(a) == fingerprint(b), row_key(table, a) == row_key(table, b)) << a << " " << b;
  // Labels are compared as text: another table whose codes are in another order agrees.
  Table other;
  other.columns = {Column{"label", ColumnType::Categorical, {}, {1, 0}, {"bc", "a"}, ""},
                   Column{"x", ColumnType::Float, {1.5, 0.0}, {}, {}, ""}};
  const RowFingerprints other_fingerprint(other);
  EXPECT_EQ(other_fingerprint(0), fingerprint(0));  // ("a", 1.5)
  EXPECT_EQ(other_fingerprint(1), fingerprint(3));  // ("bc", 0)
  // The same cells in other columns are another row.
  Table swapped;
  swapped.columns = {Column{"p", ColumnType::Categorical, {}, {0}, {"a"}, ""},
                     Column{"q", ColumnType::Categorical, {}, {0}, {"b"}, ""}};
  Table swapped_back;
  swapped_back.columns = {Column{"p", ColumnType::Categorical, {}, {0}, {"b"}, ""},
                          Column{"q", ColumnType::Categorical, {}, {0}, {"a"}, ""}};
  EXPECT_NE(RowFingerprints(swapped)(0), RowFingerprints(swapped_back)(0));
}

}  // namespace
}  // namespace synthtab
