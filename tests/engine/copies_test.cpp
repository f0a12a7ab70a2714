// The copy rule: synthetic rows may equal training rows as often as unseen real rows do, never
// a training row that is unique, and the decision is the same in every shard.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "support/test_paths.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/engine/option_values.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/eval/privacy.hpp"

namespace synthtab {
namespace {

std::string row_text(const Table& table, int64_t r) {
  std::string key;
  for (const auto& column : table.columns)
    key += (column.is_categorical()
                ? (column.is_missing(r) ? std::string("?")
                                        : column.categories[static_cast<size_t>(column.codes[static_cast<size_t>(r)])])
                : std::to_string(column.values[static_cast<size_t>(r)])) +
           "|";
  return key;
}

// A count and a 3-level factor, 72 rows: many rows repeat, as in R's InsectSprays.
struct DiscreteTable {
  PreparedInput input;
  std::map<std::string, int> multiplicity;
  Table unique_rows;
};

DiscreteTable discrete_table(SynthesisOptions& options) {
  const auto dir = testing::scratch_dir("copies_holdout");
  Rng rng(5);
  std::string text = "count,spray\n";
  for (int i = 0; i < 72; ++i) {
    const uint64_t spray = rng.below(3);
    text += std::to_string(rng.below(20 + 10 * spray)) + "," + std::string(1, static_cast<char>('A' + spray)) + "\n";
  }
  testing::write_text(dir / "t.csv", text);
  options.model = "copula";
  options.fit.threads = 1;
  DiscreteTable out{prepare_csv((dir / "t.csv").string(), options), {}, {}};
  const Table& real = out.input.prepared.table;
  for (int64_t r = 0; r < real.rows(); ++r) ++out.multiplicity[row_text(real, r)];
  for (int64_t r = 0; r < real.rows(); ++r)
    if (out.multiplicity[row_text(real, r)] == 1) out.unique_rows.append(real.slice(r, 1));
  return out;
}

TEST(Copies, HoldoutRuleKeepsRepeatedRowsAtTheirUnseenRateAndNeverAUniqueOne) {
  SynthesisOptions options;
  const DiscreteTable table = discrete_table(options);
  const Table& real = table.input.prepared.table;
  ASSERT_GT(table.unique_rows.rows(), 0);
  // Leave-one-out: the share of real rows that equal another real row.
  int repeated = 0;
  for (int64_t r = 0; r < real.rows(); ++r) repeated += table.multiplicity.at(row_text(real, r)) > 1;
  ASSERT_GT(repeated, 10);
  ASSERT_LT(repeated, 50);
  FittedModel model = FittedModel::fit_prepared(table.input, options);
  EXPECT_DOUBLE_EQ(model.copy_allowance(), repeated / 72.0);
  EXPECT_EQ(model.copy_policy(), CopyPolicy::Holdout);  // the default

  SampleStats stats;
  const Table synthetic = model.sample(0, 4096, 11, &stats);
  EXPECT_EQ(eval::count_exact_copies(table.unique_rows, synthetic), 0)
      << stats.allowed << " allowed, " << stats.unavoidable << " unavoidable, " << stats.redrawn << " redrawn";
  const int64_t copies = eval::count_exact_copies(real, synthetic);
  EXPECT_GT(copies, 0);  // a discrete table's equal rows are its distribution, not a leak
  EXPECT_LE(static_cast<double>(copies), model.copy_allowance() * 4096.0);
  EXPECT_EQ(stats.allowed + stats.unavoidable, copies);
  // Every prefix of a block keeps the bound, so a run of 2,000 rows does too.
  const Table first = synthetic.slice(0, 2000);
  EXPECT_LE(static_cast<double>(eval::count_exact_copies(real, first)), model.copy_allowance() * 2000.0);
  // Shards decide alike.
  const Table part = model.sample(1500, 700, 11);
  for (int64_t r = 0; r < part.rows(); ++r) ASSERT_EQ(row_text(part, r), row_text(synthetic, 1500 + r)) << r;

  // Allow keeps more copies; never keeps only what cannot be avoided.
  model.set_copy_policy(CopyPolicy::Allow);
  const int64_t allowed = eval::count_exact_copies(real, model.sample(0, 4096, 11));
  EXPECT_GT(allowed, copies);
  model.set_copy_policy(CopyPolicy::Never);
  SampleStats never_stats;
  const int64_t never = eval::count_exact_copies(real, model.sample(0, 4096, 11, &never_stats));
  EXPECT_EQ(never, never_stats.unavoidable);
  EXPECT_LT(never, copies);
}

TEST(Copies, TheAllowanceTravelsInTheModelFile) {
  SynthesisOptions options;
  const DiscreteTable table = discrete_table(options);
  const FittedModel model = FittedModel::fit_prepared(table.input, options);
  const auto path = testing::scratch_dir("copies_file") / "m.synthtab";
  model.save(path.string());
  const FittedModel loaded = FittedModel::load(path.string());
  EXPECT_DOUBLE_EQ(loaded.copy_allowance(), model.copy_allowance());
  const Table a = model.sample(0, 1000, 4), b = loaded.sample(0, 1000, 4);
  for (int64_t r = 0; r < a.rows(); ++r) ASSERT_EQ(row_text(a, r), row_text(b, r)) << r;
}

TEST(Copies, PolicyNamesParse) {
  EXPECT_EQ(parse_copy_policy("holdout"), CopyPolicy::Holdout);
  EXPECT_EQ(parse_copy_policy("never"), CopyPolicy::Never);
  EXPECT_EQ(parse_copy_policy("allow"), CopyPolicy::Allow);
  EXPECT_THROW(parse_copy_policy("sometimes"), Error);
}

}  // namespace
}  // namespace synthtab
