// Pairwise relationships (Pearson r, correlation ratio, bias-corrected Cramér's V) against the pandas/SciPy reference
// of tests/data/gen_relationships_oracle.py, and the strongest/worst selection.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include <fmt/format.h>

#include "support/point_clouds.hpp"
#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/eval/evaluate.hpp"
#include "synthtab/eval/relationships.hpp"
#include "transform/column_builders.hpp"

namespace synthtab::eval {
namespace {

using nlohmann::json;

Table side_table(const json& c, const std::string& side) {
  const std::set<std::string> categorical = c.at("categorical").get<std::set<std::string>>();
  Table table;
  for (const auto& name : c.at("columns").get<std::vector<std::string>>()) {
    Column column;
    column.name = name;
    const json& cells = c.at(side).at(name);
    if (categorical.count(name)) {
      column.type = ColumnType::Categorical;
      std::map<std::string, int32_t> codes;
      for (const auto& v : cells) {
        if (v.is_null()) {
          column.codes.push_back(kMissingCode);
          continue;
        }
        auto [it, added] = codes.emplace(v.get<std::string>(), static_cast<int32_t>(column.categories.size()));
        if (added) column.categories.push_back(it->first);
        column.codes.push_back(it->second);
      }
    } else {
      column.type = name == "t" ? ColumnType::Datetime : ColumnType::Float;
      for (const auto& v : cells) column.values.push_back(v.is_null() ? kMissingValue : v.get<double>());
    }
    table.columns.push_back(std::move(column));
  }
  return table;
}

json relationships_oracle() { return testing::read_oracle("relationships_oracle.json"); }

TEST(Relationships, EqualSciPyPearsonEtaAndCorrectedCramersV) {
  const json data = relationships_oracle();
  ASSERT_EQ(data.at("cases").size(), 3u);
  for (const auto& c : data.at("cases")) {
    const RelationshipReport report = relationships(side_table(c, "real"), side_table(c, "synthetic"));
    const json& want = c.at("expected");
    ASSERT_EQ(report.pairs.size(), want.at("pairs").size());
    for (size_t k = 0; k < report.pairs.size(); ++k) {
      const PairRelationship& got = report.pairs[k];
      const json& w = want.at("pairs")[k];
      SCOPED_TRACE(got.column_a + " / " + got.column_b);
      EXPECT_EQ(got.column_a, w.at("a").get<std::string>());
      EXPECT_EQ(got.column_b, w.at("b").get<std::string>());
      EXPECT_EQ(got.measure, w.at("measure").get<std::string>());
      EXPECT_NEAR(got.real, w.at("real").get<double>(), 1e-12);
      EXPECT_NEAR(got.synthetic, w.at("synthetic").get<double>(), 1e-12);
      EXPECT_NEAR(got.change, w.at("change").get<double>(), 1e-12);
    }
    EXPECT_NEAR(report.max_change, want.at("max_change").get<double>(), 1e-12);
    EXPECT_NEAR(report.strongest_max_change, want.at("strongest_max_change").get<double>(), 1e-12);
    EXPECT_EQ(strongest_count(report.pairs), want.at("strongest").get<size_t>());
    ASSERT_TRUE(report.worst.has_value());
    EXPECT_EQ(report.worst->column_a, want.at("worst")[0].get<std::string>());
    EXPECT_EQ(report.worst->column_b, want.at("worst")[1].get<std::string>());
    // The constant columns ("const", "lone") take part in no pair.
    for (const auto& p : report.pairs)
      for (const auto& name : {p.column_a, p.column_b}) EXPECT_TRUE(name != "const" && name != "lone");
  }
}

TEST(Relationships, SyntheticColumnsAreMatchedByName) {
  const json c = relationships_oracle().at("cases")[1];
  const Table real = side_table(c, "real");
  Table shuffled = side_table(c, "synthetic");
  std::reverse(shuffled.columns.begin(), shuffled.columns.end());
  const RelationshipReport a = relationships(real, side_table(c, "synthetic")), b = relationships(real, shuffled);
  ASSERT_EQ(a.pairs.size(), b.pairs.size());
  for (size_t k = 0; k < a.pairs.size(); ++k) EXPECT_EQ(a.pairs[k].synthetic, b.pairs[k].synthetic);
  Table missing_column = side_table(c, "synthetic");
  missing_column.columns.pop_back();
  EXPECT_THROW(relationships(real, missing_column), Error);
}

PairRelationship pair(const char* a, const char* b, double real, double synthetic) {
  return {a, b, "Pearson", real, synthetic, std::abs(real - synthetic)};
}

TEST(Relationships, StrongestAreThoseAtLeastHalfOrTheThreeStrongest) {
  RelationshipReport report;
  // Sorted by |real|: four strong pairs, then a weak one with the largest change of all.
  report.pairs = {pair("a", "b", 0.9, 0.85), pair("a", "c", -0.8, -0.5), pair("b", "c", 0.7, 0.6),
                  pair("a", "d", 0.5, 0.45), pair("b", "d", 0.1, -0.8)};
  summarise_relationships(report);
  EXPECT_EQ(strongest_count(report.pairs), 4u);
  EXPECT_NEAR(report.max_change, 0.9, 1e-15);
  EXPECT_NEAR(report.strongest_max_change, 0.3, 1e-15);
  ASSERT_TRUE(report.worst);
  EXPECT_EQ(report.worst->column_b, "c");
  EXPECT_EQ(report.worst->column_a, "a");

  // One strong pair: the three strongest are looked at, so the third's change counts.
  report.pairs = {pair("a", "b", 0.6, 0.6), pair("a", "c", 0.3, 0.25), pair("b", "c", 0.2, 0.6),
                  pair("a", "d", 0.1, 0.9)};
  summarise_relationships(report);
  EXPECT_EQ(strongest_count(report.pairs), 3u);
  EXPECT_NEAR(report.strongest_max_change, 0.4, 1e-15);
  EXPECT_EQ(report.worst->column_a, "b");
  EXPECT_NEAR(report.max_change, 0.8, 1e-15);

  // Equal changes: the stronger pair (first) is the worst.
  report.pairs = {pair("a", "b", 0.9, 0.7), pair("a", "c", 0.8, 0.6)};
  summarise_relationships(report);
  EXPECT_EQ(strongest_count(report.pairs), 2u);
  EXPECT_EQ(report.worst->column_b, "b");

  report.pairs.clear();
  summarise_relationships(report);
  EXPECT_EQ(report.max_change, 0.0);
  EXPECT_EQ(report.strongest_max_change, 0.0);
  EXPECT_FALSE(report.worst);
}

Column numeric(const std::string& name, std::vector<double> values) {
  return testing::numeric_column(name, ColumnType::Float, std::move(values));
}

TEST(Relationships, SkipsTooFewCompleteRowsAndSortsByStrength) {
  const double nan = kMissingValue;
  Table real, synthetic;
  real.columns = {numeric("a", {1, 2, 3, 4, 5}), numeric("b", {2, 1, 4, 3, 5}), numeric("c", {nan, nan, 1, 2, nan}),
                  numeric("d", {5, 4, 3, 2, 1})};
  synthetic.columns = {numeric("a", {1, 2, 3, 4, 5}), numeric("b", {1, 2, 3, 4, 5}), numeric("c", {1, 2, 3, 4, 5}),
                       numeric("d", {1, 2, 3, 4, 6})};
  const RelationshipReport report = relationships(real, synthetic);
  // c has 2 complete real rows: no pair with c. a-d is -1 (strongest), a-b = b-d in size: column order.
  ASSERT_EQ(report.pairs.size(), 3u);
  EXPECT_EQ(report.pairs[0].column_a + report.pairs[0].column_b, "ad");
  EXPECT_NEAR(report.pairs[0].real, -1.0, 1e-15);
  EXPECT_EQ(report.pairs[1].column_a + report.pairs[1].column_b, "ab");
  EXPECT_EQ(report.pairs[2].column_a + report.pairs[2].column_b, "bd");
  EXPECT_NEAR(report.pairs[1].real, 0.8, 1e-12);
  EXPECT_NEAR(report.pairs[2].real, -0.8, 1e-12);
  EXPECT_GT(report.pairs[0].change, 1.9);  // the sign flipped
  EXPECT_EQ(report.worst->column_a + report.worst->column_b, "ad");
}

TEST(Relationships, WideTablesUseTheFirstHundredColumnsAndStayFast) {
  constexpr int64_t kRows = 4000;
  Table real, synthetic;
  uint64_t state = 1;
  auto next = [&] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(state >> 11) / 9007199254740992.0;
  };
  for (int c = 0; c < 120; ++c) {
    for (Table* t : {&real, &synthetic}) {
      if (c % 4 == 3) {
        Column column;
        column.name = fmt::format("c{}", c);
        column.type = ColumnType::Categorical;
        column.categories = {"p", "q", "r", "s"};
        for (int64_t r = 0; r < kRows; ++r) column.codes.push_back(static_cast<int32_t>(next() * 4));
        t->columns.push_back(std::move(column));
      } else {
        std::vector<double> values;
        for (int64_t r = 0; r < kRows; ++r) values.push_back(next() < 0.02 ? kMissingValue : next());
        t->columns.push_back(numeric(fmt::format("c{}", c), std::move(values)));
      }
    }
  }
  const auto start = std::chrono::steady_clock::now();
  const RelationshipReport report = relationships(real, synthetic);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(report.pairs.size(), 100u * 99u / 2u);
  for (const auto& p : report.pairs) {
    EXPECT_LT(std::stoi(p.column_a.substr(1)), 100);
    EXPECT_LT(std::stoi(p.column_b.substr(1)), 100);
  }
  // About 0.1 s in Release; generous for sanitizer builds on a shared machine.
  EXPECT_LT(seconds, 20.0);
}

TEST(Relationships, EvaluateWritesThemToTheJsonAndTheSummary) {
  const json c = relationships_oracle().at("cases")[0];
  EvaluateOptions options;
  options.permutations = 0;
  const Evaluation e = evaluate(side_table(c, "real"), side_table(c, "synthetic"), options);
  const json j = to_json(e).at("relationships");
  const json& want = c.at("expected");
  ASSERT_EQ(j.at("pairs").size(), want.at("pairs").size());
  EXPECT_EQ(j.at("pairs")[0].at("columns"), json({"x", "t"}));
  EXPECT_EQ(j.at("pairs")[0].at("measure"), "Pearson");
  EXPECT_NEAR(j.at("max_change").get<double>(), want.at("max_change").get<double>(), 1e-12);
  EXPECT_NEAR(j.at("strongest_max_change").get<double>(), want.at("strongest_max_change").get<double>(), 1e-12);
  EXPECT_EQ(j.at("worst").at("columns"), want.at("worst"));
  EXPECT_NE(format_text(e).find("Worst-kept strong relationship"), std::string::npos);
  // A single column: no pair, worst is null.
  Table one = side_table(c, "real");
  one.columns.resize(1);
  Table one_synthetic = side_table(c, "synthetic");
  one_synthetic.columns.resize(1);
  const json none = to_json(evaluate(one, one_synthetic, options)).at("relationships");
  EXPECT_TRUE(none.at("pairs").empty());
  EXPECT_TRUE(none.at("worst").is_null());
  EXPECT_EQ(none.at("max_change").get<double>(), 0.0);
}

}  // namespace
}  // namespace synthtab::eval
