#include "synthtab/eval/topology.hpp"
#include "support/errors.hpp"
#include "support/point_clouds.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"

namespace synthtab::eval {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

nlohmann::json topology_oracle() { return testing::read_oracle("topology_oracle.json"); }

std::vector<Bar> bars(const nlohmann::json& list) {
  std::vector<Bar> out;
  for (const auto& b : list) out.push_back({b.at(0).get<double>(), b.at(1).is_null() ? kInf : b.at(1).get<double>()});
  return out;
}

// Sorted by (birth, death), bars of length <= 1e-9 dropped (either side may keep or drop a bar
// whose length is a rounding error).
std::vector<Bar> canonical(std::vector<Bar> v) {
  std::erase_if(v, [](const Bar& b) { return b.death - b.birth <= 1e-9; });
  std::sort(v.begin(), v.end(),
            [](const Bar& x, const Bar& y) { return x.birth < y.birth || (x.birth == y.birth && x.death < y.death); });
  return v;
}

void expect_same_diagram(const std::vector<Bar>& got, const std::vector<Bar>& want, const std::string& what) {
  const auto a = canonical(got), b = canonical(want);
  ASSERT_EQ(a.size(), b.size()) << what;
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_NEAR(a[i].birth, b[i].birth, 1e-6) << what << " bar " << i;
    if (std::isinf(b[i].death))
      EXPECT_TRUE(std::isinf(a[i].death)) << what << " bar " << i;
    else
      EXPECT_NEAR(a[i].death, b[i].death, 1e-6) << what << " bar " << i;
  }
}

RowMatrix circle(int n, double radius) {
  RowMatrix m(n, 2);
  for (int i = 0; i < n; ++i) {
    m(i, 0) = radius * std::cos(2.0 * M_PI * i / n);
    m(i, 1) = radius * std::sin(2.0 * M_PI * i / n);
  }
  return m;
}

using testing::gaussian;

std::vector<double> lifetimes(const std::vector<Bar>& v) {
  std::vector<double> out;
  for (const auto& b : v)
    if (std::isfinite(b.death)) out.push_back(b.death - b.birth);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Topology, DiagramsEqualGudhiAndRipser) {
  const auto data = topology_oracle();
  for (const auto& cloud : data.at("clouds")) {
    const std::string name = cloud.at("name");
    const auto d = rips_persistence(testing::matrix_from_json(cloud.at("points")));
    expect_same_diagram(d.h0, bars(cloud.at("h0")), name + " H0");
    expect_same_diagram(d.h1, bars(cloud.at("h1")), name + " H1");
    // Exactly one essential class, reported in H0 with death = +inf; none in H1.
    EXPECT_EQ(std::count_if(d.h0.begin(), d.h0.end(), [](const Bar& b) { return std::isinf(b.death); }), 1);
    EXPECT_TRUE(std::none_of(d.h1.begin(), d.h1.end(), [](const Bar& b) { return std::isinf(b.death); }));
  }
}

TEST(Topology, NoisyCircleHasOneLongLoop) {
  const auto data = topology_oracle();
  for (const auto& cloud : data.at("clouds")) {
    if (cloud.at("name") != "circle") continue;
    const auto d = rips_persistence(testing::matrix_from_json(cloud.at("points")));
    const auto ref = bars(cloud.at("h1"));
    const auto long_bar = [](const Bar& b) { return b.death - b.birth > 0.5; };
    ASSERT_EQ(std::count_if(d.h1.begin(), d.h1.end(), long_bar), 1);
    const Bar got = *std::find_if(d.h1.begin(), d.h1.end(), long_bar);
    const Bar want = *std::find_if(ref.begin(), ref.end(), long_bar);
    EXPECT_NEAR(got.birth, want.birth, 1e-6);
    EXPECT_NEAR(got.death, want.death, 1e-6);
    // Radius 1: born when the widest gap between neighbours closes (60 random angles: well
    // under 0.7), dies near the side of an inscribed equilateral triangle, sqrt(3).
    EXPECT_LT(got.birth, 0.7);
    EXPECT_NEAR(got.death, std::sqrt(3.0), 0.15);
  }
}

TEST(Topology, EvenlySpacedCircleMatchesTheory) {
  // n evenly spaced points on a circle: the Rips complex is a circle while edges span fewer than
  // n/3 steps (Adamaszek & Adams 2017), so H1 = one bar [chord(1), chord(34)) for n = 100.
  const int n = 100;
  const auto d = rips_persistence(circle(n, 2.0));
  const auto chord = [](int k) { return 2.0 * 2.0 * std::sin(M_PI * k / n); };
  std::vector<Bar> loops;
  for (const auto& b : d.h1)
    if (b.death - b.birth > 1e-6) loops.push_back(b);
  ASSERT_EQ(loops.size(), 1u);
  EXPECT_NEAR(loops[0].birth, chord(1), 1e-9);
  EXPECT_NEAR(loops[0].death, chord(34), 1e-9);
  // H0: every point joins at the shortest chord.
  EXPECT_EQ(d.h0.size(), static_cast<size_t>(n));
  for (size_t i = 0; i + 1 < d.h0.size(); ++i) EXPECT_NEAR(d.h0[i].death, chord(1), 1e-9);
}

TEST(Topology, SeparatedClustersGiveKMinusOneLargeDeaths) {
  const auto data = topology_oracle();
  for (const auto& cloud : data.at("clouds")) {
    if (cloud.at("name") != "clusters") continue;
    const auto life = lifetimes(rips_persistence(testing::matrix_from_json(cloud.at("points"))).h0);
    ASSERT_GE(life.size(), 3u);
    EXPECT_GT(life[life.size() - 1], 5.0);
    EXPECT_GT(life[life.size() - 2], 5.0);
    EXPECT_LT(life[life.size() - 3], 3.0);
  }
  // 4 tight clusters at the corners of a square of side 20.
  RowMatrix x = gaussian(80, 2, 7) * 0.5;
  for (int64_t i = 0; i < 80; ++i) {
    x(i, 0) += 20.0 * static_cast<double>(i % 2);
    x(i, 1) += 20.0 * static_cast<double>((i / 2) % 2);
  }
  const auto life = lifetimes(rips_persistence(x).h0);
  EXPECT_EQ(std::count_if(life.begin(), life.end(), [](double l) { return l > 10.0; }), 3);
}

TEST(Topology, ThresholdLeavesClassesAlive) {
  RowMatrix x(4, 1);
  x << 0.0, 1.0, 10.0, 11.0;
  RipsOptions options;
  options.threshold = 5.0;
  const auto d = rips_persistence(x, options);
  ASSERT_EQ(d.h0.size(), 4u);
  EXPECT_EQ(std::count_if(d.h0.begin(), d.h0.end(), [](const Bar& b) { return std::isinf(b.death); }), 2);
  EXPECT_DOUBLE_EQ(d.threshold, 5.0);
  // Without it: one essential class and the gap 9 as a finite death.
  const auto full = rips_persistence(x);
  ASSERT_EQ(full.h0.size(), 4u);
  EXPECT_DOUBLE_EQ(full.h0[2].death, 9.0);
  EXPECT_TRUE(std::isinf(full.h0[3].death));
}

TEST(Topology, SameResultForAnyThreadCount) {
  const RowMatrix x = gaussian(300, 5, 11);
  RipsOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const auto a = rips_persistence(x, one), b = rips_persistence(x, two);
  ASSERT_EQ(a.h0.size(), b.h0.size());
  ASSERT_EQ(a.h1.size(), b.h1.size());
  for (size_t i = 0; i < a.h1.size(); ++i) {
    EXPECT_EQ(a.h1[i].birth, b.h1[i].birth);
    EXPECT_EQ(a.h1[i].death, b.h1[i].death);
  }
}

TEST(Topology, BottleneckEqualsGudhiAndHandValues) {
  const auto data = topology_oracle();
  for (const auto& c : data.at("bottleneck")) {
    const auto a = bars(c.at("a")), b = bars(c.at("b"));
    const double want = c.at("gudhi").get<double>();
    EXPECT_NEAR(bottleneck_distance(a, b), want, 1e-9) << c.dump();
    EXPECT_NEAR(bottleneck_distance(b, a), want, 1e-9) << c.dump();
    if (c.contains("hand")) {
      EXPECT_NEAR(bottleneck_distance(a, b), c.at("hand").get<double>(), 1e-12);
    }
    EXPECT_EQ(bottleneck_distance(a, a), 0.0);
  }
}

TEST(Topology, BottleneckOfComputedDiagrams) {
  const RowMatrix x = gaussian(200, 3, 5), y = gaussian(200, 3, 6);
  const auto dx = rips_persistence(x), dy = rips_persistence(y);
  EXPECT_EQ(bottleneck_distance(dx.h0, dx.h0), 0.0);
  EXPECT_EQ(bottleneck_distance(dx.h1, dx.h1), 0.0);
  const double h1 = bottleneck_distance(dx.h1, dy.h1);
  EXPECT_GT(h1, 0.0);
  EXPECT_EQ(h1, bottleneck_distance(dy.h1, dx.h1));
  // Never more than sending everything to the diagonal.
  double bound = 0.0;
  for (const auto* d : {&dx.h1, &dy.h1})
    for (const auto& b : *d) bound = std::max(bound, (b.death - b.birth) / 2.0);
  EXPECT_LE(h1, bound);
  // Essential classes: same count -> matched by birth; different counts -> infinite.
  const std::vector<Bar> e1{{0.0, kInf}, {0.0, 1.0}}, e2{{0.0, kInf}}, e3{{0.0, kInf}, {0.0, kInf}};
  EXPECT_DOUBLE_EQ(bottleneck_distance(e1, e2), 0.5);
  EXPECT_TRUE(std::isinf(bottleneck_distance(e2, e3)));
}

TEST(Topology, EntropyEqualsDirectComputation) {
  const auto data = topology_oracle();
  for (const auto& cloud : data.at("clouds")) {
    const auto d = rips_persistence(testing::matrix_from_json(cloud.at("points")));
    EXPECT_NEAR(persistent_entropy(d.h0), cloud.at("entropy_h0").get<double>(), 1e-9);
    EXPECT_NEAR(persistent_entropy(d.h1), cloud.at("entropy_h1").get<double>(), 1e-9);
  }
  // By hand: lengths 1, 1, 2 -> p = 1/4, 1/4, 1/2 -> E = (3/2) log 2; infinite bars ignored.
  const std::vector<Bar> v{{0.0, 1.0}, {1.0, 2.0}, {0.0, 2.0}, {0.0, kInf}};
  EXPECT_NEAR(persistent_entropy(v), 1.5 * std::log(2.0), 1e-15);
  EXPECT_EQ(persistent_entropy(std::vector<Bar>{}), 0.0);
}

TEST(Topology, CompareSamplesLikeWithLike) {
  const RowMatrix real = gaussian(19, 4, 1), synthetic = gaussian(2000, 4, 2);
  TopologyOptions options;
  const auto c = compare_topology(real, synthetic, options);
  EXPECT_EQ(c.points, 19);
  EXPECT_EQ(c.real.points, 19);
  EXPECT_EQ(c.synthetic.points, 19);
  EXPECT_EQ(c.real_rows, 19);
  EXPECT_EQ(c.synthetic_rows, 2000);
  EXPECT_NE(c.sampling.find("19 random rows of 2000"), std::string::npos) << c.sampling;
  EXPECT_EQ(c.h0.real_bars, 18);
  EXPECT_EQ(c.h0.synthetic_bars, 18);
  EXPECT_EQ(c.h0.real_essential, 1);
  ASSERT_TRUE(c.h0.lifetimes_mann_whitney.has_value());
  EXPECT_GE(c.h0.lifetimes_mann_whitney->pvalue, 0.0);
  EXPECT_NEAR(c.h0.bottleneck, bottleneck_distance(c.real.h0, c.synthetic.h0), 0.0);
  EXPECT_NEAR(c.h1.real_entropy, persistent_entropy(c.real.h1), 0.0);
  // Large tables are capped at max_points, both sides.
  TopologyOptions capped;
  capped.max_points = 300;
  const auto big = compare_topology(gaussian(1500, 3, 3), gaussian(5000, 3, 4), capped);
  EXPECT_EQ(big.points, 300);
  EXPECT_EQ(big.real.points, 300);
  EXPECT_EQ(big.synthetic.points, 300);
  // Seeded: the same call gives the same answer.
  const auto again = compare_topology(real, synthetic, options);
  EXPECT_EQ(again.h1.bottleneck, c.h1.bottleneck);
  const auto j = to_json(c);
  EXPECT_TRUE(j.at("real_diagrams").at("h0").back().at(1).is_null());
  EXPECT_EQ(j.at("points"), 19);
}

TEST(Topology, BadInputIsAnInputError) {
  const auto expect_input_error = [](const RowMatrix& x, const std::string& words) {
    const std::string message = testing::error_of([&] { rips_persistence(x); }, ErrorKind::Input);
    EXPECT_NE(message.find(words), std::string::npos) << message;
  };
  expect_input_error(RowMatrix::Ones(1, 3), "at least 2 rows");
  RowMatrix nan = gaussian(5, 2, 1);
  nan(3, 1) = std::nan("");
  expect_input_error(nan, "row 4, feature #2 is NaN");
  RowMatrix inf = gaussian(5, 2, 1);
  inf(0, 0) = kInf;
  expect_input_error(inf, "infinite");
  expect_input_error(RowMatrix::Constant(6, 2, 3.5), "every column is constant");
}

}  // namespace
}  // namespace synthtab::eval
