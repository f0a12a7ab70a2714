#pragma once
// The seed's preparation rules ("SmartBrain"), each action recorded in plain words.
#include <string>
#include <vector>

#include "synthtab/prepare/schema.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab {

struct PreparationLog {
  std::vector<std::string> actions;  // one sentence each, in the order they were taken
  void add(std::string action) { actions.push_back(std::move(action)); }
};

struct CleanOptions {
  double max_missing_share = 0.35;   // drop columns with a larger share of missing values
  bool fill_numeric = true;          // fill numeric gaps with mean or median (lower KL divergence)
  bool drop_incomplete_rows = true;  // then drop rows that still have a missing value
  bool expand_datetimes = false;     // datetime -> ISO year, ISO week, ISO weekday (the seed's rule)
  // Keep missing values for the model to learn (it generates them at the real rate and
  // pattern): no fill, no dropped rows, and only columns with no value at all are dropped.
  // Overrides the three rules above about missing values.
  bool keep_missing = false;
};

struct Prepared {
  Table table;  // ready for transform/
  PreparationLog log;
};

// The seed's choice of fill value for a numeric column with gaps (NaN): the mean or the median,
// whichever gives the lower KL divergence as nbsynthetic computes it: the sum over i < n
// (n = observed count) of scipy.special.kl_div(filled[i], observed[i]), infinite terms counted
// as 0. A tie goes to the median. `whole` rounds both candidates first (halves away from zero),
// so an integer column is judged by the value it would actually receive.
struct FillChoice {
  bool use_mean = false;
  double fill = 0.0;
  double kl_mean = 0.0;
  double kl_median = 0.0;
  double mean = 0.0;  // the candidates (rounded when `whole`)
  double median = 0.0;
};
FillChoice choose_fill(const std::vector<double>& values, bool whole = false);

// Applies the rules to `table` (already typed by to_table) and returns the result; throws
// Error(Input) when nothing usable is left (no columns, or no rows).
Prepared clean(Table table, const Schema& schema, const CleanOptions& options, const std::string& source);

}  // namespace synthtab
