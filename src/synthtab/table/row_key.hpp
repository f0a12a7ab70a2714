#pragma once
// A row's identity for "is this synthetic row a copy of a real one?": labels compared as text,
// numbers exactly (after the output's rounding), missing equal to missing.
#include <cstdint>
#include <string>
#include <vector>

#include "synthtab/table/table.hpp"

namespace synthtab {

std::string row_key(const Table& table, int64_t row);
uint64_t row_hash(const Table& table, int64_t row);  // fnv1a64 of row_key: fingerprint version 1

// Row fingerprints, version 2: the same equality as row_key (up to 64-bit collisions), but each
// category label is hashed once per table, not once per row: with 1 MB labels, version 1 made
// `generate -n 50` spend 6 s fingerprinting. Version 1 stays for model files that hold it.
class RowFingerprints {
 public:
  explicit RowFingerprints(const Table& table);
  uint64_t operator()(int64_t row) const;

 private:
  const Table* table_;
  std::vector<std::vector<uint64_t>> label_hashes_;  // per column: per category code (categorical columns)
};
// Every cell missing: such a row tells nothing about anyone, so it never counts as a copy.
bool row_is_empty(const Table& table, int64_t row);
// Which cells of the row are missing, as a fingerprint (0: none is). Redrawn copies keep their
// row's pattern, so that avoiding copies does not move rows into other patterns of missing
// values (where copies are rarer) and change the missing rates.
uint64_t missing_pattern(const Table& table, int64_t row);

}  // namespace synthtab
