#include "synthtab/models/mrf.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "support/model_contract.hpp"
#include "support/model_space.hpp"
#include "support/section_tamper.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

using testing::categorical;
using testing::code;

// Three categorical columns with a three-way dependence (c follows a + b), which a pairwise model
// can only approximate: a (3 states) uniform; b = a w.p. 0.6 else uniform (2 states: a mod 2);
// c (4 states) = (a + b) mod 4 w.p. 0.7 else uniform.
Matrix three_way(int64_t rows, uint64_t seed) {
  Rng rng(seed);
  Matrix m(rows, 3);
  for (int64_t r = 0; r < rows; ++r) {
    const int a = static_cast<int>(rng.below(3));
    const int b = rng.uniform() < 0.6 ? a % 2 : static_cast<int>(rng.below(2));
    const int c = rng.uniform() < 0.7 ? (a + b) % 4 : static_cast<int>(rng.below(4));
    m(r, 0) = code(a, 3), m(r, 1) = code(b, 2), m(r, 2) = code(c, 4);
  }
  return m;
}
const std::vector<ModelColumn> kThreeColumns = {categorical(3, "a"), categorical(2, "b"), categorical(4, "c")};

// The state of each cell of column c, from the model's value lists (cells: last column fastest).
int state_in_cell(const MrfSynthesizer& model, int64_t cell, size_t c) {
  int64_t stride = 1;
  for (size_t u = c + 1; u < model.nodes().size(); ++u) stride *= model.nodes()[u].states();
  return static_cast<int>(cell / stride % model.nodes()[c].states());
}

int state_of_value(const MrfSynthesizer::Node& node, float v) {
  return static_cast<int>(std::lower_bound(node.values.begin(), node.values.end(), v) - node.values.begin());
}

TEST(Mrf, KeepRuleAndBins) {
  EXPECT_TRUE(MrfRules::keeps_values(20, 60));
  EXPECT_FALSE(MrfRules::keeps_values(21, 1000));  // too many values
  EXPECT_FALSE(MrfRules::keeps_values(16, 16));    // a continuous column of a small table
  EXPECT_EQ(MrfRules::bins_for(6), 2);
  EXPECT_EQ(MrfRules::bins_for(54), 10);
  EXPECT_DOUBLE_EQ(MrfRules::independence_share(19), 0.05);
}

TEST(Mrf, OneAndTwoWayTablesAreTheTargets) {
  const Matrix real = three_way(600, 3);
  MrfSynthesizer model;
  model.fit(real, kThreeColumns, {});
  ASSERT_LT(model.max_error(), MrfRules::kTolerance);
  // Targets computed here from the rows: (1 - lambda) x the two-way frequencies + lambda x the
  // product of the one-way frequencies.
  const double lambda = MrfRules::independence_share(real.rows);
  const auto& joint = model.joint();
  ASSERT_EQ(static_cast<int64_t>(joint.size()), 3 * 2 * 4);
  for (size_t a = 0; a < 3; ++a)
    for (size_t b = a + 1; b < 3; ++b) {
      const int sa = static_cast<int>(model.nodes()[a].states()), sb = static_cast<int>(model.nodes()[b].states());
      std::vector<double> count(static_cast<size_t>(sa * sb), 0.0), ma(static_cast<size_t>(sa), 0.0),
          mb(static_cast<size_t>(sb), 0.0);
      for (int64_t r = 0; r < real.rows; ++r) {
        const int x = state_of_value(model.nodes()[a], real(r, static_cast<int64_t>(a)));
        const int y = state_of_value(model.nodes()[b], real(r, static_cast<int64_t>(b)));
        count[static_cast<size_t>(x * sb + y)] += 1.0 / static_cast<double>(real.rows);
        ma[static_cast<size_t>(x)] += 1.0 / static_cast<double>(real.rows);
        mb[static_cast<size_t>(y)] += 1.0 / static_cast<double>(real.rows);
      }
      std::vector<double> fitted(count.size(), 0.0);
      for (int64_t cell = 0; cell < static_cast<int64_t>(joint.size()); ++cell)
        fitted[static_cast<size_t>(state_in_cell(model, cell, a) * sb + state_in_cell(model, cell, b))] +=
            joint[static_cast<size_t>(cell)];
      for (int x = 0; x < sa; ++x)
        for (int y = 0; y < sb; ++y) {
          const double target = (1 - lambda) * count[static_cast<size_t>(x * sb + y)] +
                                lambda * ma[static_cast<size_t>(x)] * mb[static_cast<size_t>(y)];
          EXPECT_NEAR(fitted[static_cast<size_t>(x * sb + y)], target, 1e-5)
              << a << "," << b << " at " << x << "," << y;
        }
    }
}

TEST(Mrf, TheFitIsPairwiseLogLinear) {
  // Maximum entropy under two-way tables: log p has no three-way interaction, so every 2 x 2 x 2
  // sub-cube's log odds ratio of odds ratios is 0 (the data's own three-way dependence is not).
  const Matrix real = three_way(2000, 5);
  MrfSynthesizer model;
  model.fit(real, kThreeColumns, {});
  const auto& joint = model.joint();
  auto p = [&](int a, int b, int c) { return joint[static_cast<size_t>((a * 2 + b) * 4 + c)]; };
  int checked = 0;
  for (int a0 = 0; a0 < 3; ++a0)
    for (int a1 = a0 + 1; a1 < 3; ++a1)
      for (int c0 = 0; c0 < 4; ++c0)
        for (int c1 = c0 + 1; c1 < 4; ++c1) {
          const double ratio = std::log(p(a0, 0, c0) * p(a1, 1, c0) * p(a0, 1, c1) * p(a1, 0, c1) /
                                        (p(a1, 0, c0) * p(a0, 1, c0) * p(a1, 1, c1) * p(a0, 0, c1)));
          EXPECT_NEAR(ratio, 0.0, 1e-6);
          ++checked;
        }
  EXPECT_EQ(checked, 18);
}

TEST(Mrf, SamplesFollowTheJointTable) {
  const Matrix real = three_way(400, 11);
  MrfSynthesizer model;
  model.fit(real, kThreeColumns, {});
  const Matrix s = model.sample(0, 40000, 2);
  std::vector<double> freq(model.joint().size(), 0.0);
  for (int64_t r = 0; r < s.rows; ++r) {
    const int a = state_of_value(model.nodes()[0], s(r, 0)), b = state_of_value(model.nodes()[1], s(r, 1)),
              c = state_of_value(model.nodes()[2], s(r, 2));
    freq[static_cast<size_t>((a * 2 + b) * 4 + c)] += 1.0 / static_cast<double>(s.rows);
  }
  double tv = 0.0;
  for (size_t i = 0; i < freq.size(); ++i) tv += 0.5 * std::abs(freq[i] - model.joint()[i]);
  EXPECT_LT(tv, 0.02);
}

TEST(Mrf, NeverDrawsARowThatIsUniqueInTraining) {
  // 30 rows of three factors: some rows repeat, the others are unique.
  Matrix real(30, 3);
  Rng rng(4);
  for (int64_t r = 0; r < 30; ++r)
    real(r, 0) = code(static_cast<int>(rng.below(3)), 3), real(r, 1) = code(static_cast<int>(rng.below(2)), 2),
            real(r, 2) = code(static_cast<int>(rng.below(4)), 4);
  std::map<std::vector<float>, int> counts;
  for (int64_t r = 0; r < 30; ++r) ++counts[{real(r, 0), real(r, 1), real(r, 2)}];
  int unique = 0;
  for (const auto& [row, n] : counts) unique += n == 1;
  ASSERT_GE(unique, 3);
  MrfSynthesizer model;
  model.fit(real, kThreeColumns, {});
  EXPECT_EQ(static_cast<int>(model.structural_zeros().size()), unique);
  const Matrix s = model.sample(0, 5000, 8);
  int repeated_drawn = 0;
  for (int64_t r = 0; r < s.rows; ++r) {
    const auto it = counts.find({s(r, 0), s(r, 1), s(r, 2)});
    ASSERT_TRUE(it == counts.end() || it->second > 1) << "row " << r << " copies a unique training row";
    repeated_drawn += it != counts.end();
  }
  EXPECT_GT(repeated_drawn, 0);  // repeated rows are the distribution, and may be drawn
}

TEST(Mrf, ContinuousColumnsAreBinnedWithinTheirRange) {
  Rng rng(6);
  Matrix real(300, 2);
  for (int64_t r = 0; r < 300; ++r) {
    const int g = static_cast<int>(rng.below(2));
    real(r, 0) = code(g, 2);
    real(r, 1) = static_cast<float>(g * 3.0 + rng.normal());
  }
  MrfSynthesizer model;
  model.fit(real, {categorical(2, "g"), {ModelColumnKind::Continuous, 0, "v"}}, {});
  ASSERT_TRUE(model.nodes()[1].binned);
  EXPECT_EQ(model.nodes()[1].states(), 10);
  EXPECT_EQ(model.nodes()[1].partner, 0);
  float lo = real(0, 1), hi = real(0, 1);
  for (int64_t r = 0; r < 300; ++r) lo = std::min(lo, real(r, 1)), hi = std::max(hi, real(r, 1));
  const Matrix s = model.sample(0, 4000, 3);
  double mean_by_group[2] = {0, 0}, n_by_group[2] = {0, 0};
  for (int64_t r = 0; r < s.rows; ++r) {
    ASSERT_GE(s(r, 1), lo);
    ASSERT_LE(s(r, 1), hi);
    const int g = s(r, 0) > 0 ? 1 : 0;
    mean_by_group[g] += s(r, 1), n_by_group[g] += 1;
  }
  EXPECT_NEAR(mean_by_group[1] / n_by_group[1] - mean_by_group[0] / n_by_group[0], 3.0, 0.4);
}

TEST(Mrf, WideTablesAreRefusedWithAReason) {
  Rng rng(1);
  Matrix wide(200, 12);
  std::vector<ModelColumn> layout;
  for (int64_t c = 0; c < 12; ++c) {
    std::string name = "c";  // (not "c" + to_string: g++ 12 warns falsely, -Wrestrict)
    name += std::to_string(c);
    layout.push_back(categorical(12, name));
  }
  for (int64_t r = 0; r < 200; ++r)
    for (int64_t c = 0; c < 12; ++c) wide(r, c) = code(static_cast<int>(rng.below(12)), 12);
  MrfSynthesizer model;
  try {
    model.fit(wide, layout, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find("too large for a full table"), std::string::npos) << e.what();
  }
}

TEST(Mrf, DeterministicShardableAndSavesAndLoads) {
  Rng rng(9);
  Matrix real(80, 3);
  for (int64_t r = 0; r < 80; ++r)
    real(r, 0) = code(static_cast<int>(rng.below(3)), 3), real(r, 1) = static_cast<float>(rng.normal()),
            real(r, 2) = static_cast<float>(rng.below(4));
  const std::vector<ModelColumn> layout = {
      categorical(3, "g"), {ModelColumnKind::Continuous, 0, "x"}, {ModelColumnKind::Continuous, 0, "count"}};
  testing::expect_model_contract<MrfSynthesizer>(real, layout);
}

TEST(Mrf, TinyTables) {
  // One row is not a table to learn from (the Synthesizer contract): refused, as by every model.
  EXPECT_THROW(MrfSynthesizer().fit(Matrix(1, 1), {categorical(2, "g")}, {}), Error);
  for (int rows : {2, 6}) {
    Matrix m(rows, 3);
    for (int r = 0; r < rows; ++r) {
      m(r, 0) = code(r % 2, 2);
      m(r, 1) = static_cast<float>(-1.0 + 2.0 * r / std::max(rows - 1, 1));
      m(r, 2) = code(r % 3, 3);
    }
    MrfSynthesizer model;
    model.fit(m, {categorical(2, "g"), {ModelColumnKind::Continuous, 0, "v"}, categorical(3, "h")}, {});
    const Matrix s = model.sample(0, 200, 1);
    for (float v : s.data) ASSERT_TRUE(std::isfinite(v));
  }
  Matrix one(4, 1);
  for (int r = 0; r < 4; ++r) one(r, 0) = code(r % 2, 2);
  MrfSynthesizer model;
  model.fit(one, {categorical(2, "g")}, {});
  EXPECT_EQ(model.sample(0, 10, 1).rows, 10);
}

TEST(Mrf, RegisteredAndRefusesBadState) {
  auto created = ModelRegistry::instance().create("mrf");
  EXPECT_EQ(created->name(), "mrf");
  Matrix m(12, 3);
  for (int r = 0; r < 12; ++r)
    m(r, 0) = code(r % 2, 2), m(r, 1) = code(r / 6, 2), m(r, 2) = static_cast<float>(r * 0.37);
  MrfSynthesizer fitted;
  fitted.fit(m, {categorical(2, "x"), categorical(2, "y"), {ModelColumnKind::Continuous, 0, "z"}}, {});
  ASSERT_TRUE(fitted.nodes()[2].binned);
  testing::SectionTamper tamper(fitted, "mrf");
  auto refused = [&](const std::function<void(nlohmann::json&)>& damage) { return tamper.refused(damage); };
  EXPECT_FALSE(refused([](nlohmann::json&) {}));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["version"] = 2; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["columns"] = 4; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["names"] = {"x"}; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][0]["values"] = {1.0, -1.0}; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][0]["bins"] = {{-1.0}, {1.0}}; }));  // both kinds
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][2]["partner"] = 2; }));             // itself
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][2]["partner_states"][0][0] = 7; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][2]["partner_states"][0].push_back(0); }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["potentials"][0]["log_table"][0] = 1e300; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["potentials"][3]["log_table"].push_back(1.0); }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { std::swap(s["potentials"][3], s["potentials"][4]); }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["potentials"].erase(5); }));
  EXPECT_TRUE(refused([](nlohmann::json& s) {
    // Every cell a structural zero: nothing left to draw.
    nlohmann::json all = nlohmann::json::array();
    for (int cell = 0; cell < 2 * 2 * static_cast<int>(s["nodes"][2]["bins"].size()); ++cell) all.push_back(cell);
    s["zeros"] = all;
  }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["zeros"] = {3, 1}; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["zeros"] = {1000000}; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) {
    // A joint table far larger than a fit makes (3000 x 3000 x bins cells), refused before any
    // table is built.
    std::vector<double> many(3000);
    for (size_t i = 0; i < many.size(); ++i) many[i] = static_cast<double>(i);
    s["nodes"][0]["values"] = many;
    s["nodes"][1]["values"] = many;
  }));
  EXPECT_NE(tamper.last_message.find("larger than"), std::string::npos) << tamper.last_message;
  EXPECT_TRUE(refused([](nlohmann::json& s) { s.erase("seed"); }));
}

}  // namespace
}  // namespace synthtab
