// Missing values end to end: kept by preparation, learned through indicator columns, written
// back as empty cells at the real rate and with the real co-missingness.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/engine/option_values.hpp"
#include "synthtab/engine/synthesis.hpp"

namespace synthtab {
namespace {

using testing::scratch_dir;

// 1,500 rows: x, y numeric, c categorical; y and c are both empty in rows with a low latent
// value (co-missing, more often when x is low), and y alone is empty in 5 % more rows.
std::string write_gappy_csv(const std::filesystem::path& dir) {
  const auto path = (dir / "gaps.csv").string();
  std::ofstream out(path);
  out << "x,y,c\n";
  Rng rng(17);
  for (int r = 0; r < 1500; ++r) {
    const double x = rng.normal();
    const double y = 0.8 * x + 0.6 * rng.normal();
    const bool both = 0.6 * x + 0.8 * rng.normal() < -1.0;
    const bool y_alone = rng.uniform() < 0.05;
    const char* c = rng.uniform() < 0.5 ? "red" : x > 0 ? "blue" : "green";
    out << x << ',';
    if (!both && !y_alone) out << y;
    out << ',';
    if (!both) out << c;
    out << '\n';
  }
  return path;
}

struct Gaps {
  double y = 0, c = 0, both = 0;
};
Gaps gaps(const Table& table) {
  Gaps g;
  const Column& y = table.columns[static_cast<size_t>(table.find("y"))];
  const Column& c = table.columns[static_cast<size_t>(table.find("c"))];
  for (int64_t r = 0; r < table.rows(); ++r) {
    g.y += y.is_missing(r), g.c += c.is_missing(r), g.both += y.is_missing(r) && c.is_missing(r);
  }
  const auto n = static_cast<double>(table.rows());
  g.y /= n, g.c /= n, g.both /= n;
  return g;
}

TEST(MissingValues, CopulaAndCartGenerateThemAtTheRealRateAndPattern) {
  const auto dir = scratch_dir("missing-values");
  const std::string path = write_gappy_csv(dir);
  for (const std::string model_name : {"copula", "cart"}) {
    SCOPED_TRACE(model_name);
    SynthesisOptions options;
    options.model = model_name;
    options.fit.threads = 1;
    const PreparedInput input = prepare_csv(path, options);
    ASSERT_EQ(input.prepared.table.rows(), 1500);  // no row dropped, no gap filled
    const Gaps real = gaps(input.prepared.table);
    ASSERT_GT(real.both, 0.1);
    const FittedModel model = FittedModel::fit_prepared(input, options);
    EXPECT_EQ(model.pipeline().width(), 5);  // x, y, y's indicator, c, c's indicator
    const Table synthetic = model.sample(0, 20000, sampling_seed(3));
    const Gaps fake = gaps(synthetic);
    EXPECT_NEAR(fake.y, real.y, 0.02);
    EXPECT_NEAR(fake.c, real.c, 0.02);
    EXPECT_NEAR(fake.both, real.both, 0.02);
    // Written as empty cells, and read back as missing.
    const auto out = (dir / (model_name + ".csv")).string();
    model.write_sample_csv(out, 2000, sampling_seed(3));
    const PreparedInput again = prepare_csv(out, options);
    EXPECT_NEAR(gaps(again.prepared.table).both, real.both, 0.03);
    // The indicators survive save and load.
    model.save((dir / "m.synthtab").string());
    const FittedModel loaded = FittedModel::load((dir / "m.synthtab").string());
    const auto a = loaded.sample(0, 500, 1).columns[1].values, b = model.sample(0, 500, 1).columns[1].values;
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(std::isnan(a[i]), std::isnan(b[i]));
      if (!std::isnan(a[i])) {
        EXPECT_EQ(a[i], b[i]);
      }
    }
  }
}

TEST(MissingValues, FillKeepsTheSeedsRulesAndWganKeepsThemByDefault) {
  const auto dir = scratch_dir("missing-fill");
  const std::string path = write_gappy_csv(dir);
  SynthesisOptions options;
  options.model = "copula";
  options.missing = MissingValues::Fill;
  const PreparedInput filled = prepare_csv(path, options);
  EXPECT_LT(filled.prepared.table.rows(), 1500);  // rows with a categorical gap are dropped
  EXPECT_EQ(gaps(filled.prepared.table).y, 0.0);
  options.missing = MissingValues::Auto;
  options.model = "wgan";  // the seed's model keeps the seed's preparation
  EXPECT_EQ(prepare_csv(path, options).prepared.table.rows(), filled.prepared.table.rows());
  EXPECT_EQ(parse_missing_values("model"), MissingValues::Model);
  try {
    parse_missing_values("drop");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
  }
}

TEST(MissingValues, ARowWithEveryCellEmptyIsNotACopy) {
  const auto dir = scratch_dir("missing-empty-rows");
  const auto path = (dir / "empty.csv").string();
  {
    std::ofstream out(path);
    out << "a,b\n";
    Rng rng(2);
    for (int r = 0; r < 400; ++r) {
      if (r % 5 == 0)
        out << ",\n";  // 20 % of rows are empty
      else
        out << rng.normal() << ',' << rng.normal() << '\n';
    }
  }
  SynthesisOptions options;
  options.model = "copula";
  const FittedModel model = FittedModel::fit_csv(path, options);
  SampleStats stats;
  const Table synthetic = model.sample(0, 5000, 1, &stats);
  int64_t empty = 0;
  for (int64_t r = 0; r < synthetic.rows(); ++r)
    empty += synthetic.columns[0].is_missing(r) && synthetic.columns[1].is_missing(r);
  EXPECT_NEAR(static_cast<double>(empty) / 5000.0, 0.2, 0.02);
  EXPECT_EQ(stats.unavoidable, 0);
}

}  // namespace
}  // namespace synthtab
