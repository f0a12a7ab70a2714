#include "synthtab/eval/geometry.hpp"
#include "support/errors.hpp"
#include "support/point_clouds.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"

namespace synthtab::eval {
namespace {

nlohmann::json geometry_oracle() { return testing::read_oracle("geometry_oracle.json"); }

using testing::gaussian;

void expect_rel(double got, double want, double rel, const std::string& what) {
  EXPECT_NEAR(got, want, rel * std::max(1.0, std::abs(want))) << what;
}

TEST(Geometry, StatisticsEqualNumpyScipy) {
  const auto data = geometry_oracle();
  for (const auto& c : data.at("cases")) {
    const std::string name = c.at("name");
    const auto r = geometry(testing::matrix_from_json(c.at("x")));
    EXPECT_TRUE(r.exact) << name;
    EXPECT_EQ(r.pairs, r.rows * (r.rows - 1) / 2);
    EXPECT_EQ(r.pairs_method, "exact, all " + std::to_string(r.pairs) + " pairs");
    expect_rel(r.distance_mean, c.at("mean"), 1e-10, name + " mean");
    expect_rel(r.distance_variance, c.at("variance"), 1e-9, name + " variance");
    EXPECT_NEAR(r.dmin, c.at("dmin").get<double>(), 1e-12 * r.dmax) << name;
    expect_rel(r.dmax, c.at("dmax"), 1e-12, name + " dmax");
    expect_rel(r.contrast, c.at("contrast"), 1e-12, name + " contrast");
    EXPECT_EQ(r.zero_distance_pairs, c.at("zero_pairs").get<int64_t>()) << name;
    if (c.at("relative_contrast").is_null()) {
      EXPECT_TRUE(std::isinf(r.relative_contrast)) << name;
      EXPECT_TRUE(to_json(r).at("relative_contrast").is_null());
      ASSERT_FALSE(r.notes.empty());
      EXPECT_NE(r.notes.back().find("Dmin = 0"), std::string::npos) << r.notes.back();
    } else {
      expect_rel(r.relative_contrast, c.at("relative_contrast"), 1e-9, name + " relative contrast");
    }
    expect_rel(r.norm_mean, c.at("norm_mean"), 1e-12, name + " norm mean");
    expect_rel(r.norm_sd, c.at("norm_sd"), 1e-10, name + " norm sd");
    expect_rel(r.norm_relative_variance, c.at("norm_relative_variance"), 1e-10, name + " rv");
    const auto& sv = c.at("singular_values");
    ASSERT_EQ(r.singular_values.size(), sv.size()) << name;
    for (size_t k = 0; k < sv.size(); ++k)
      EXPECT_NEAR(r.singular_values[k], sv.at(k).get<double>(), 1e-10) << name << " s" << k;
    EXPECT_NEAR(r.vcr, c.at("vcr").get<double>(), 1e-12) << name;
    // Default bins: [0, Dmax].
    const auto& dh = c.at("default_histogram");
    GeometryOptions binned;
    binned.histogram_bins = dh.at("bins");
    const auto rb = geometry(testing::matrix_from_json(c.at("x")), binned);
    ASSERT_EQ(rb.histogram.edges.size(), dh.at("edges").size());
    for (size_t k = 0; k < rb.histogram.edges.size(); ++k)
      EXPECT_NEAR(rb.histogram.edges[k], dh.at("edges").at(k).get<double>(), 1e-12 * r.dmax);
    EXPECT_EQ(rb.histogram.counts, dh.at("counts").get<std::vector<int64_t>>()) << name;
    EXPECT_EQ(rb.histogram.outside, 0);
    for (size_t k = 0; k < rb.histogram.density.size(); ++k)
      expect_rel(rb.histogram.density[k], dh.at("density").at(k), 1e-9, name + " density");
  }
}

TEST(Geometry, HistogramWithGivenEdgesEqualsNumpy) {
  const auto data = geometry_oracle();
  for (const auto& c : data.at("cases")) {
    for (const auto& h : c.at("histograms")) {
      GeometryOptions options;
      options.histogram_edges = h.at("edges").get<std::vector<double>>();
      const auto r = geometry(testing::matrix_from_json(c.at("x")), options);
      EXPECT_EQ(r.histogram.edges, options.histogram_edges);
      EXPECT_EQ(r.histogram.counts, h.at("counts").get<std::vector<int64_t>>()) << c.at("name");
      EXPECT_EQ(r.histogram.outside, h.at("outside").get<int64_t>());
      for (size_t k = 0; k < r.histogram.density.size(); ++k)
        expect_rel(r.histogram.density[k], h.at("density").at(k), 1e-9, "density");
    }
  }
}

TEST(Geometry, SampledPairsEstimateTheExactMean) {
  const RowMatrix x = gaussian(3000, 6, 21);
  GeometryOptions exact;
  exact.exact_rows = 5000;
  GeometryOptions sampled;
  sampled.exact_rows = 1000;
  sampled.sampled_pairs = 200'000;
  const auto e = geometry(x, exact), s = geometry(x, sampled);
  EXPECT_TRUE(e.exact);
  EXPECT_FALSE(s.exact);
  EXPECT_EQ(s.pairs, 200'000);
  EXPECT_EQ(s.pairs_method, "sampled: 200000 random pairs");
  EXPECT_NEAR(s.distance_mean, e.distance_mean, 0.02 * e.distance_mean);
  EXPECT_NEAR(s.distance_variance, e.distance_variance, 0.05 * e.distance_variance);
  EXPECT_GE(s.dmin, e.dmin);
  EXPECT_LE(s.dmax, e.dmax);
  int64_t total = s.histogram.outside;
  for (auto k : s.histogram.counts) total += k;
  EXPECT_EQ(total, 200'000);
}

TEST(Geometry, SameResultsForOneAndTwoThreads) {
  const RowMatrix x = gaussian(700, 4, 3);
  for (int64_t exact_rows : {5000, 100}) {
    GeometryOptions one, two;
    one.threads = 1;
    two.threads = 2;
    one.exact_rows = two.exact_rows = exact_rows;
    one.sampled_pairs = two.sampled_pairs = 300'000;
    const auto a = geometry(x, one), b = geometry(x, two);
    EXPECT_EQ(a.distance_mean, b.distance_mean);
    EXPECT_EQ(a.distance_variance, b.distance_variance);
    EXPECT_EQ(a.dmin, b.dmin);
    EXPECT_EQ(a.dmax, b.dmax);
    EXPECT_EQ(a.histogram.counts, b.histogram.counts);
    EXPECT_EQ(a.singular_values, b.singular_values);
    EXPECT_EQ(to_json(a).dump(), to_json(b).dump());
  }
}

TEST(Geometry, SharedBinsCoverEveryCloud) {
  const RowMatrix a = gaussian(100, 3, 1), b = gaussian(150, 3, 2) * 3.0;
  GeometryOptions options;
  options.histogram_bins = 10;
  const auto rs = geometry_shared_bins({&a, &b}, {"real", "synthetic"}, options);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].histogram.edges, rs[1].histogram.edges);
  EXPECT_DOUBLE_EQ(rs[0].histogram.edges.back(), std::max(rs[0].dmax, rs[1].dmax));
  EXPECT_EQ(rs[0].histogram.outside, 0);
  EXPECT_EQ(rs[1].histogram.outside, 0);
}

TEST(Geometry, ConstantColumnIsANoteAllConstantIsAnError) {
  RowMatrix x = gaussian(20, 3, 4);
  x.col(1).setConstant(2.0);
  GeometryOptions options;
  options.feature_names = {"a", "b", "c"};
  const auto r = geometry(x, options);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes.front().find("'b'"), std::string::npos) << r.notes.front();
  try {
    geometry(RowMatrix::Constant(5, 2, 1.0), options, "synthetic");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find("synthetic: every column is constant (zero variance: 'a', 'b')"),
              std::string::npos)
        << e.what();
  }
}

TEST(Geometry, BadInputIsAnInputError) {
  const auto expect_input_error = [](const RowMatrix& x, const std::string& words) {
    const std::string message = testing::error_of([&] { geometry(x, {}, "real"); }, ErrorKind::Input);
    EXPECT_NE(message.find(words), std::string::npos) << message;
  };
  expect_input_error(RowMatrix::Ones(1, 4), "real: needs at least 2 rows");
  RowMatrix nan = gaussian(4, 2, 1);
  nan(2, 0) = std::nan("");
  expect_input_error(nan, "row 3, feature #1 is NaN");
  RowMatrix inf = gaussian(4, 2, 1);
  inf(1, 1) = -std::numeric_limits<double>::infinity();
  expect_input_error(inf, "row 2, feature #2 is infinite");
}

Table mixed_table() {
  Table t;
  Column spend{"spend", ColumnType::Float, {100.0, 250.5, kMissingValue, 180.0}, {}, {}, {}};
  Column month{"month", ColumnType::Integer, {1.0, 12.0, 5.0, 3.0}, {}, {}, {}};
  Column year{"year", ColumnType::Categorical, {}, {0, 1, 1, 2}, {"2020", "2021", "2022"}, {}};
  t.columns = {spend, month, year};
  return t;
}

TEST(Geometry, UniformRandomTableKeepsRealRangesAndCategories) {
  const Table real = mixed_table();
  const Table random = uniform_random_table(real, 3000, 9);
  ASSERT_EQ(random.rows(), 3000);
  ASSERT_EQ(random.cols(), 3);
  std::vector<int64_t> seen(3, 0);
  double lo = 1e300, hi = -1e300;
  for (int64_t i = 0; i < 3000; ++i) {
    const double s = random.columns[0].values[static_cast<size_t>(i)];
    EXPECT_GE(s, 100.0);
    EXPECT_LE(s, 250.5);
    lo = std::min(lo, s);
    hi = std::max(hi, s);
    const double m = random.columns[1].values[static_cast<size_t>(i)];
    EXPECT_EQ(m, std::floor(m));
    EXPECT_GE(m, 1.0);
    EXPECT_LE(m, 12.0);
    seen[static_cast<size_t>(random.columns[2].codes[static_cast<size_t>(i)])]++;
  }
  EXPECT_LT(lo, 101.0);
  EXPECT_GT(hi, 249.5);
  for (auto k : seen) EXPECT_NEAR(static_cast<double>(k), 1000.0, 120.0);
  EXPECT_EQ(random.columns[2].categories, real.columns[2].categories);
  // Seeded, and encodable beside the real table like the synthetic one.
  EXPECT_EQ(uniform_random_table(real, 10, 9).columns[0].values, uniform_random_table(real, 10, 9).columns[0].values);
  const auto space = encode_pair(real, random);
  EXPECT_EQ(space.synthetic.rows(), 3000);
  Table empty = real;
  empty.columns[0].values.assign(4, kMissingValue);
  EXPECT_THROW(uniform_random_table(empty, 5, 1), Error);
}

}  // namespace
}  // namespace synthtab::eval
