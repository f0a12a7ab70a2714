#include "synthtab/models/bayesnet.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
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

// A known network over 4-state columns: a -> b, (a, b) -> c, c -> d, and e independent (3 states).
//   a uniform; b = a w.p. 0.7 else uniform; c = (a + b) mod 4 w.p. 0.8 else uniform;
//   d = c w.p. 0.7 else uniform.
Matrix chain(int64_t rows, uint64_t seed) {
  Rng rng(seed);
  Matrix m(rows, 5);
  for (int64_t r = 0; r < rows; ++r) {
    const int a = static_cast<int>(rng.below(4));
    const int b = rng.uniform() < 0.7 ? a : static_cast<int>(rng.below(4));
    const int c = rng.uniform() < 0.8 ? (a + b) % 4 : static_cast<int>(rng.below(4));
    const int d = rng.uniform() < 0.7 ? c : static_cast<int>(rng.below(4));
    const int e = static_cast<int>(rng.below(3));
    m(r, 0) = code(a, 4), m(r, 1) = code(b, 4), m(r, 2) = code(c, 4), m(r, 3) = code(d, 4), m(r, 4) = code(e, 3);
  }
  return m;
}
const std::vector<ModelColumn> kChainLayout = {categorical(4, "a"), categorical(4, "b"), categorical(4, "c"),
                                               categorical(4, "d"), categorical(3, "e")};

std::set<std::pair<int, int>> edges(const BayesNetSynthesizer& model) {
  std::set<std::pair<int, int>> out;
  for (size_t c = 0; c < model.nodes().size(); ++c)
    for (int32_t p : model.nodes()[c].parents)
      out.insert({std::min<int>(p, static_cast<int>(c)), std::max<int>(p, static_cast<int>(c))});
  return out;
}

TEST(BayesNet, MutualInformationMatchesScikitLearn) {
  // tests/data/gen_bayesnet_oracle.py: sklearn.metrics.mutual_info_score.
  std::ifstream file(std::string(SYNTHTAB_TEST_DATA) + "/bayesnet_oracle.json");
  ASSERT_TRUE(file.good());
  const auto oracle = nlohmann::json::parse(file);
  ASSERT_GE(oracle.at("cases").size(), 9u);
  for (const auto& c : oracle.at("cases")) {
    const auto a = c.at("a").get<std::vector<int32_t>>();
    const auto b = c.at("b").get<std::vector<int32_t>>();
    const double expected = c.at("mi").get<double>();
    EXPECT_NEAR(mutual_information(a, b), expected, 1e-12 + 1e-12 * expected) << c.at("name");
    EXPECT_NEAR(mutual_information(b, a), expected, 1e-12 + 1e-12 * expected) << c.at("name");
  }
  EXPECT_EQ(mutual_information(std::vector<int32_t>{}, std::vector<int32_t>{}), 0.0);
}

TEST(BayesNet, RulesForBinsAndParents) {
  EXPECT_EQ(BayesNetRules::bins_for(6), 2);
  EXPECT_EQ(BayesNetRules::bins_for(21), 4);
  EXPECT_EQ(BayesNetRules::bins_for(54), 10);
  EXPECT_EQ(BayesNetRules::bins_for(100000), 10);
  EXPECT_EQ(BayesNetRules::max_parents(49, 5), 1);
  EXPECT_EQ(BayesNetRules::max_parents(50, 5), 2);
  EXPECT_EQ(BayesNetRules::max_parents(1000, 101), 1);
  EXPECT_EQ(BayesNetRules::max_parents(1000, 1), 0);
}

TEST(BayesNet, GreedyStructureFindsTheTrueDependencies) {
  const Matrix real = chain(4000, 1);
  BayesNetSynthesizer model;
  const FitReport report = model.fit(real, kChainLayout, {});
  const std::string structure = report.settings.at("structure");
  EXPECT_EQ(model.max_parents(), 2);
  // Directions are not identifiable from the joint distribution; the edges are. The true DAG's
  // moral graph: a-b, a-c, b-c, c-d. All of them are found.
  const auto found = edges(model);
  for (const auto& edge : std::set<std::pair<int, int>>{{0, 1}, {0, 2}, {1, 2}, {2, 3}})
    EXPECT_TRUE(found.count(edge)) << edge.first << "-" << edge.second << " missing from " << structure;
  // d hangs on c; the one of a, b, c placed last has the other two as parents.
  const auto& d_parents = model.nodes()[3].parents;
  EXPECT_TRUE(!d_parents.empty() && d_parents[0] == 2) << structure;
  std::vector<int> position(5);
  for (size_t i = 0; i < model.order().size(); ++i)
    position[static_cast<size_t>(model.order()[i])] = static_cast<int>(i);
  int last = 0;
  for (int c : {1, 2})
    if (position[static_cast<size_t>(c)] > position[static_cast<size_t>(last)]) last = c;
  auto parents = model.nodes()[static_cast<size_t>(last)].parents;
  std::sort(parents.begin(), parents.end());
  std::vector<int32_t> others;
  for (int32_t c : {0, 1, 2})
    if (c != last) others.push_back(c);
  EXPECT_EQ(parents, others) << structure;
  // Every parent is drawn before its child.
  for (size_t c = 0; c < 5; ++c)
    for (int32_t p : model.nodes()[c].parents) EXPECT_LT(position[static_cast<size_t>(p)], position[c]);
  // The score only removes the MI's chance level, so an independent column may pick up a parent
  // by chance (here e <- d, c); it then draws almost no dependence: in 20,000 synthetic rows
  // the MI of e with any other column stays at the chance level of the real rows.
  const Matrix s = model.sample(0, 20000, 11);
  auto labels = [&](const Matrix& m, int64_t c) {
    std::vector<int32_t> out;
    for (int64_t r = 0; r < m.rows; ++r) out.push_back(model.state_of(c, m(r, c)));
    return out;
  };
  for (int64_t c = 0; c < 4; ++c) {
    EXPECT_LT(mutual_information(labels(s, 4), labels(s, c)), 0.005) << "e and column " << c << ": " << structure;
    EXPECT_LT(mutual_information(labels(real, 4), labels(real, c)), 0.005);
  }
  EXPECT_GT(mutual_information(labels(s, 3), labels(s, 2)), 0.3);
  EXPECT_NE(structure.find("d <- c"), std::string::npos) << structure;
  EXPECT_EQ(report.settings.at("max_parents"), "2");
}

TEST(BayesNet, TablesAreCountedFrequenciesWithThePseudoCount) {
  // 8 rows, x and y binary: x = 0 0 0 0 1 1 1 1, y = 0 0 0 1 1 1 1 1. Under 50 rows: 1 parent.
  // MI(x; y) = 3/8 ln 2 + 1/8 ln 0.4 + 1/2 ln 1.6 = 0.380 nats > penalty 1 x 1 / 8, so y gets
  // x as parent (x comes first: equal total MI, the first column wins).
  Matrix m(8, 2);
  const int x[8] = {0, 0, 0, 0, 1, 1, 1, 1}, y[8] = {0, 0, 0, 1, 1, 1, 1, 1};
  for (int r = 0; r < 8; ++r) m(r, 0) = code(x[r], 2), m(r, 1) = code(y[r], 2);
  BayesNetSynthesizer model;
  model.fit(m, {categorical(2, "x"), categorical(2, "y")}, {});
  ASSERT_EQ(model.order(), (std::vector<int32_t>{0, 1}));
  ASSERT_TRUE(model.nodes()[0].parents.empty());
  ASSERT_EQ(model.nodes()[1].parents, std::vector<int32_t>{0});
  EXPECT_EQ(model.structure(), "x; y <- x");
  const double a = 0.5;  // pseudo-count per parent combination
  // P(x) = (n(x) + a / 2) / (8 + a)
  const auto& px = model.nodes()[0].cpt;
  ASSERT_EQ(px.size(), 2u);
  EXPECT_NEAR(px[0], (4 + a / 2) / (8 + a), 1e-15);
  EXPECT_NEAR(px[1], (4 + a / 2) / (8 + a), 1e-15);
  // P(y | x) = (n(x, y) + a * P(y)) / (n(x) + a), P(y) = (n(y) + a / 2) / (8 + a)
  const double py0 = (3 + a / 2) / (8 + a), py1 = (5 + a / 2) / (8 + a);
  const auto& pyx = model.nodes()[1].cpt;
  ASSERT_EQ(pyx.size(), 4u);
  EXPECT_NEAR(pyx[0], (3 + a * py0) / (4 + a), 1e-15);  // 0.709150...
  EXPECT_NEAR(pyx[1], (1 + a * py1) / (4 + a), 1e-15);
  EXPECT_NEAR(pyx[2], (0 + a * py0) / (4 + a), 1e-15);  // never seen: the marginal's share
  EXPECT_NEAR(pyx[3], (4 + a * py1) / (4 + a), 1e-15);
  EXPECT_NEAR(pyx[0], 0.709150326797, 1e-9);
  EXPECT_NEAR(pyx[2], 0.042483660131, 1e-9);
}

TEST(BayesNet, UnseenParentCombinationFallsBackToTheSingleParentTable) {
  // 90 rows: (x, y) in {(0,0), (0,1), (1,0)} 30 times each, z = x or y. (1, 1) never occurs.
  Matrix m(90, 3);
  for (int r = 0; r < 90; ++r) {
    const int x = r / 30 == 2, y = r / 30 == 1;
    m(r, 0) = code(x, 2), m(r, 1) = code(y, 2), m(r, 2) = code(x | y, 2);
  }
  BayesNetSynthesizer model;
  model.fit(m, {categorical(2, "x"), categorical(2, "y"), categorical(2, "z")}, {});
  int with_two = 0;
  for (size_t c = 0; c < 3; ++c) {
    const auto& node = model.nodes()[c];
    if (node.parents.size() != 2) continue;
    ++with_two;
    const auto p0 = static_cast<size_t>(node.parents[0]), p1 = static_cast<size_t>(node.parents[1]);
    // Count by hand: the marginal, the table given p0, then the table given (p0, p1).
    const double a = 0.5;
    double n[2] = {0, 0}, n0[2][2] = {}, n01[2][2][2] = {}, k0[2] = {}, k01[2][2] = {};
    for (int r = 0; r < 90; ++r) {
      const int v = m(r, static_cast<int64_t>(c)) > 0, s0 = m(r, static_cast<int64_t>(p0)) > 0,
                s1 = m(r, static_cast<int64_t>(p1)) > 0;
      n[v] += 1, n0[s0][v] += 1, k0[s0] += 1, n01[s0][s1][v] += 1, k01[s0][s1] += 1;
    }
    for (int s0 = 0; s0 < 2; ++s0)
      for (int s1 = 0; s1 < 2; ++s1)
        for (int v = 0; v < 2; ++v) {
          auto marginal = [&](int w) { return (n[w] + a / 2) / (90 + a); };
          auto one = [&](int w) { return (n0[s0][w] + a * marginal(w)) / (k0[s0] + a); };
          const double expected = (n01[s0][s1][v] + a * one(v)) / (k01[s0][s1] + a);
          EXPECT_NEAR(node.cpt[static_cast<size_t>((s0 * 2 + s1) * 2 + v)], expected, 1e-14);
          if (k01[s0][s1] == 0) {
            EXPECT_NEAR(expected, one(v), 1e-15);  // the unseen combination
          }
        }
  }
  EXPECT_EQ(with_two, 1) << model.structure();
}

TEST(BayesNet, SampledMarginalsAndDependenceFollowTheRealOnes) {
  const Matrix real = chain(3000, 2);
  BayesNetSynthesizer model;
  model.fit(real, kChainLayout, {});
  const Matrix s = model.sample(0, 20000, 3);
  auto shares = [](const Matrix& m, int64_t c) {
    std::map<float, double> out;
    for (int64_t r = 0; r < m.rows; ++r) out[m(r, c)] += 1.0 / static_cast<double>(m.rows);
    return out;
  };
  for (int64_t c = 0; c < 5; ++c) {
    const auto want = shares(real, c), got = shares(s, c);
    ASSERT_EQ(want.size(), got.size()) << "column " << c;  // only training values
    for (const auto& [value, share] : want) EXPECT_NEAR(got.at(value), share, 0.02) << "column " << c;
  }
  // P(d == c) and P(b == a) as in the real rows.
  auto agree = [](const Matrix& m, int64_t i, int64_t j) {
    double k = 0;
    for (int64_t r = 0; r < m.rows; ++r) k += m(r, i) == m(r, j);
    return k / static_cast<double>(m.rows);
  };
  EXPECT_NEAR(agree(s, 2, 3), agree(real, 2, 3), 0.03);
  EXPECT_NEAR(agree(s, 0, 1), agree(real, 0, 1), 0.03);
}

TEST(BayesNet, CountsKeepTheirValuesAndContinuousColumnsAreBinned) {
  // A count with 15 distinct values, and a continuous column depending on it.
  Rng rng(5);
  Matrix m(400, 2);
  for (int r = 0; r < 400; ++r) {
    const int count = static_cast<int>(rng.below(15));
    m(r, 0) = static_cast<float>(count / 7.0 - 1.0);
    m(r, 1) = static_cast<float>(std::clamp(count / 14.0 - 0.5 + 0.2 * rng.normal(), -1.0, 1.0));
  }
  BayesNetSynthesizer model;
  model.fit(m, {{ModelColumnKind::Continuous, 0, "count"}, {ModelColumnKind::Continuous, 0, "x"}}, {});
  EXPECT_FALSE(model.nodes()[0].binned);
  EXPECT_EQ(model.nodes()[0].values.size(), 15u);
  ASSERT_TRUE(model.nodes()[1].binned);
  EXPECT_EQ(model.nodes()[1].bins.size(), 10u);  // min(10, 400 / 5)
  for (const auto& bin : model.nodes()[1].bins) EXPECT_NEAR(static_cast<double>(bin.size()), 40.0, 1.0);
  EXPECT_EQ(edges(model), (std::set<std::pair<int, int>>{{0, 1}}));
  float low = 1, high = -1;
  double real_mean = 0;
  for (int r = 0; r < 400; ++r)
    low = std::min(low, m(r, 1)), high = std::max(high, m(r, 1)), real_mean += m(r, 1) / 400.0;
  const Matrix s = model.sample(0, 10000, 6);
  double mean = 0;
  for (int64_t r = 0; r < s.rows; ++r) {
    ASSERT_TRUE(std::binary_search(model.nodes()[0].values.begin(), model.nodes()[0].values.end(), s(r, 0)));
    ASSERT_GE(s(r, 1), low);
    ASSERT_LE(s(r, 1), high);
    mean += s(r, 1) / 10000.0;
  }
  EXPECT_NEAR(mean, real_mean, 0.03);
  // The dependence survives: the mean of x for small and large counts.
  double small = 0, large = 0, n_small = 0, n_large = 0;
  for (int64_t r = 0; r < s.rows; ++r) {
    if (s(r, 0) < -0.5) small += s(r, 1), n_small += 1;
    if (s(r, 0) > 0.5) large += s(r, 1), n_large += 1;
  }
  EXPECT_GT(large / n_large - small / n_small, 0.6);
}

TEST(BayesNet, DeterministicShardableAndSavesAndLoads) {
  const Matrix real = chain(500, 7);
  testing::expect_model_contract<BayesNetSynthesizer>(real, kChainLayout);
  // The structure survives the file.
  BayesNetSynthesizer model, loaded;
  model.fit(real, kChainLayout, {});
  ArchiveWriter writer;
  model.save(writer, "model/");
  loaded.load(ArchiveReader::parse(writer.serialize(), "m.synthtab"), "model/");
  EXPECT_EQ(loaded.structure(), model.structure());
}

TEST(BayesNet, TinyTables) {
  // One row is not a table to learn from (the Synthesizer contract): refused, as by every model.
  EXPECT_THROW(BayesNetSynthesizer().fit(Matrix(1, 1), {categorical(2, "g")}, {}), Error);
  for (int rows : {2, 6}) {
    Matrix m(rows, 3);
    for (int r = 0; r < rows; ++r) {
      m(r, 0) = code(r % 2, 2);
      m(r, 1) = static_cast<float>(-1.0 + 2.0 * r / std::max(rows - 1, 1));  // all distinct
      m(r, 2) = code(r % 3, 3);
    }
    BayesNetSynthesizer model;
    const FitReport report =
        model.fit(m, {categorical(2, "g"), {ModelColumnKind::Continuous, 0, "v"}, categorical(3, "h")}, {});
    EXPECT_LE(model.max_parents(), 1);
    const Matrix s = model.sample(0, 200, 1);
    for (int64_t r = 0; r < s.rows; ++r)
      for (int64_t c = 0; c < 3; ++c) {
        bool found = false;
        for (int64_t t = 0; t < rows; ++t) found = found || m(t, c) == s(r, c);
        ASSERT_TRUE(found) << rows << " rows, column " << c << ": kept values only";
      }
    ArchiveWriter writer;
    model.save(writer, "model/");
    BayesNetSynthesizer loaded;
    loaded.load(ArchiveReader::parse(writer.serialize(), "m.synthtab"), "model/");
    EXPECT_EQ(loaded.sample(0, 200, 1).data, s.data) << report.settings.at("structure");
  }
  // One column.
  Matrix one(4, 1);
  for (int r = 0; r < 4; ++r) one(r, 0) = code(r % 2, 2);
  BayesNetSynthesizer model;
  model.fit(one, {categorical(2, "g")}, {});
  EXPECT_EQ(model.sample(0, 10, 1).rows, 10);
}

TEST(BayesNet, RegisteredAndRefusesBadState) {
  auto model = ModelRegistry::instance().create("bayesnet");
  EXPECT_EQ(model->name(), "bayesnet");
  BayesNetSynthesizer fitted;
  Matrix m(8, 2);
  for (int r = 0; r < 8; ++r) m(r, 0) = code(r % 2, 2), m(r, 1) = code(r / 4, 2);
  fitted.fit(m, {categorical(2, "x"), categorical(2, "y")}, {});
  testing::SectionTamper tamper(fitted, "bayesnet");
  auto refused = [&](const std::function<void(nlohmann::json&)>& damage) { return tamper.refused(damage); };
  EXPECT_FALSE(refused([](nlohmann::json&) {}));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["version"] = 2; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["columns"] = 3; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["order"] = {0, 0}; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["order"] = {1, 2}; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][0]["cpt"][0] = 0.9; }));  // no longer sums to 1
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][0]["cpt"][0] = -0.1; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][0]["cpt"].push_back(0.0); }));  // wrong size
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][1]["values"] = {1.0, -1.0}; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][1]["values"] = nlohmann::json::array(); }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][1]["bins"] = {{-1.0}, {1.0}}; }));  // both kinds
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][0]["parents"] = {0}; }));           // itself
  EXPECT_TRUE(refused([](nlohmann::json& s) {
    // A parent drawn after its child.
    s["nodes"][0]["parents"] = {1};
    s["nodes"][1]["parents"] = nlohmann::json::array();
  }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["nodes"][0]["parents"] = {1, 1, 1}; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s["names"] = {"x"}; }));
  EXPECT_TRUE(refused([](nlohmann::json& s) { s.erase("seed"); }));
  EXPECT_TRUE(refused([](nlohmann::json& s) {
    s["nodes"][1] = {{"bins", {{0.5}, {-0.5}}}, {"parents", s["nodes"][1]["parents"]}, {"cpt", s["nodes"][1]["cpt"]}};
  }));
}

}  // namespace
}  // namespace synthtab
