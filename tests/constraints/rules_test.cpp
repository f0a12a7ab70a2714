// Business rules: finding them, reading the declared grammar, and keeping them in drawn rows.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "synthtab/constraints/find_rules.hpp"
#include "synthtab/constraints/row_keeping.hpp"
#include "synthtab/constraints/rule_parser.hpp"
#include "synthtab/constraints/rule_set.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/engine/synthesis.hpp"

namespace synthtab {
namespace {

Column numbers(const std::string& name, std::vector<double> values, ColumnType type = ColumnType::Float) {
  Column c;
  c.name = name;
  c.type = type;
  c.values = std::move(values);
  return c;
}

Column labels(const std::string& name, const std::vector<std::string>& values) {
  Column c;
  c.name = name;
  c.type = ColumnType::Categorical;
  for (const auto& v : values) {
    auto it = std::find(c.categories.begin(), c.categories.end(), v);
    if (it == c.categories.end()) {
      c.categories.push_back(v);
      it = c.categories.end() - 1;
    }
    c.codes.push_back(static_cast<int32_t>(it - c.categories.begin()));
  }
  return c;
}

double round2(double x) { return std::nearbyint(x * 100) / 100; }

// Shares a + b + c = 1 (two decimals), an order low <= high, total = x + y, city -> country,
// a price on 0.25 and a column of pure noise, `n` rows.
Table ruled_table(int n, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> a, b, c, low, high, x, y, total, price, noise;
  std::vector<std::string> city, country;
  const char* cities[] = {"Paris", "Lyon", "Berlin", "Munich", "Madrid", "Seville"};
  const char* countries[] = {"France", "France", "Germany", "Germany", "Spain", "Spain"};
  for (int i = 0; i < n; ++i) {
    a.push_back(round2(rng.uniform() * 0.5));
    b.push_back(round2(rng.uniform() * (1 - a.back())));
    c.push_back(round2(1 - a.back() - b.back()));
    low.push_back(round2(10 + 40 * rng.uniform()));
    high.push_back(round2(low.back() + 20 * rng.uniform()));
    x.push_back(std::floor(100 * rng.uniform()));
    y.push_back(std::floor(50 * rng.uniform()));
    total.push_back(x.back() + y.back());
    price.push_back(0.25 * std::floor(4 + 60 * rng.uniform()));
    noise.push_back(rng.normal());
    const auto k = rng.below(6);
    city.push_back(cities[k]);
    country.push_back(countries[k]);
  }
  Table t;
  t.columns = {numbers("a", a),
               numbers("b", b),
               numbers("c", c),
               numbers("low", low),
               numbers("high", high),
               numbers("x", x, ColumnType::Integer),
               numbers("y", y, ColumnType::Integer),
               numbers("total", total, ColumnType::Integer),
               numbers("price", price),
               numbers("noise", noise),
               labels("city", city),
               labels("country", country)};
  return t;
}

bool has_rule(const std::vector<Rule>& rules, const std::string& formula) {
  return std::any_of(rules.begin(), rules.end(), [&](const Rule& r) { return r.formula() == formula; });
}

// Found by the model-file fuzzer: a total of 1e25 whole units left the parts' floors short by
// more than an int64 holds (rounding past 2^53), and that count was converted to an integer.
TEST(ProjectSum, AHugeTotalStillSplitsIntoWholeParts) {
  double a = 3.0, b = 4.0;
  std::vector<double*> parts{&a, &b};
  project_sum(1.93428e25, {1.0, 1.0}, parts);
  EXPECT_TRUE(std::isfinite(a) && std::isfinite(b));
  EXPECT_NEAR(a + b, 1.93428e25, 1e10);
  double c = 1.0, d = 2.0;
  std::vector<double*> small{&c, &d};
  project_sum(10.0, {1.0, 1.0}, small);
  EXPECT_EQ(c + d, 10.0);
  EXPECT_EQ(c, std::round(c));
}

TEST(FindRules, FindsEachKindWithItsEvidence) {
  const std::vector<Rule> rules = find_rules(ruled_table(80, 1));
  EXPECT_TRUE(has_rule(rules, "a + b + c = 1"));
  EXPECT_TRUE(has_rule(rules, "low <= high"));
  EXPECT_TRUE(has_rule(rules, "total = x + y"));
  EXPECT_TRUE(has_rule(rules, "country <- city"));
  EXPECT_TRUE(has_rule(rules, "price on 0.25"));
  for (const Rule& rule : rules) {
    EXPECT_EQ(rule.holds, 80) << rule.describe();
    EXPECT_EQ(rule.checked, 80) << rule.describe();
    // The noise column is in no rule: a rule found in it would be chance.
    EXPECT_EQ(std::count(rule.columns.begin(), rule.columns.end(), "noise"), 0) << rule.describe();
  }
  const auto group = std::find_if(rules.begin(), rules.end(), [](const Rule& r) { return r.kind == RuleKind::SumsTo; });
  ASSERT_NE(group, rules.end());
  EXPECT_EQ(group->describe(), "the columns \"a\", \"b\" and \"c\" sum to 1 in 80 of 80 rows (within 0.015)");
}

TEST(FindRules, UnlinkedColumnsKeepNoRule) {
  // Independent columns with overlapping ranges: an order or a sum among them is chance.
  Rng rng(3);
  Table t;
  for (const char* name : {"p", "q", "r", "s"}) {
    std::vector<double> v;
    for (int i = 0; i < 40; ++i) v.push_back(rng.normal());
    t.columns.push_back(numbers(name, v));
  }
  std::vector<std::string> u, w;
  for (int i = 0; i < 40; ++i) {
    u.push_back(std::string(1, static_cast<char>('a' + rng.below(8))));
    w.push_back(rng.below(2) ? "yes" : "no");
  }
  t.columns.push_back(labels("u", u));
  t.columns.push_back(labels("w", w));
  EXPECT_TRUE(find_rules(t).empty());
}

TEST(FindRules, ASumThatMostRowsKeepIsFoundWithItsExceptions) {
  Table t = ruled_table(40, 5);
  t.columns[2].values[7] += 0.2;  // one row's shares sum to 1.2
  const std::vector<Rule> rules = find_rules(t);
  const auto group = std::find_if(rules.begin(), rules.end(), [](const Rule& r) { return r.kind == RuleKind::SumsTo; });
  ASSERT_NE(group, rules.end());
  EXPECT_EQ(group->holds, 39);
  EXPECT_DOUBLE_EQ(group->exception_rate(), 1.0 / 40);
}

TEST(FindRules, AnInequalityThatOnlyMostRowsKeepIsATendencyNotARule) {
  Table t = ruled_table(80, 9);
  for (int r = 0; r < 8; ++r) std::swap(t.columns[3].values[r], t.columns[4].values[r]);  // 10 % break low <= high
  EXPECT_FALSE(has_rule(find_rules(t), "low <= high"));
}

TEST(RuleParser, ReadsEveryFormAndWritesItBack) {
  const Table t = ruled_table(20, 2);
  for (const std::string text :
       {"a + b + c = 1", "low <= high", "low < high", "total = x + y", "total = x * y", "country <- city",
        "price on 0.25", "price on 0.25 from 0.1", "a >= 0", "a <= 0.5", "0 <= a <= 1"})
    EXPECT_EQ(parse_rule(text, t).formula(), text);
  EXPECT_EQ(parse_rule("high >= low", t).formula(), "low <= high");  // > and >= are read as < and <=
  EXPECT_EQ(parse_rule("`low`<=\"high\"", t).formula(), "low <= high");
}

std::string parse_error(const std::string& text) {
  try {
    parse_rule(text, ruled_table(10, 2));
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    return e.what();
  }
  return "no error";
}

TEST(RuleParser, SaysWhereAndWhatItExpected) {
  EXPECT_EQ(parse_error("low <= "), "rule 'low <= ', at character 8: expected a column name");
  EXPECT_EQ(parse_error("a + b = c"), "rule 'a + b = c', at character 9: expected a number");
  EXPECT_EQ(parse_error("a ! b"), "rule 'a ! b', at character 3: unexpected character '!'");
  EXPECT_EQ(parse_error("`a + b = 1"), "rule '`a + b = 1', at character 1: the name opened with ` is not closed");
  EXPECT_EQ(parse_error("a > 0"), "rule 'a > 0', at character 5: a bound is written with <= or >=");
  EXPECT_EQ(parse_error("total = x + y * a"),
            "rule 'total = x + y * a', at character 15: a rule is a sum or a product, not both");
  EXPECT_NE(parse_error("lo <= high").find("no column named \"lo\""), std::string::npos);
  EXPECT_NE(parse_error("city >= 0").find("needs a numeric column, but \"city\" is categorical"), std::string::npos);
  EXPECT_EQ(parse_error("price on 0"), "rule 'price on 0', at character 10: the step of a grid must be above 0");
}

std::string build_error(const std::vector<std::string>& declared) {
  RuleOptions options;
  options.declared = declared;
  try {
    RuleSet::build(ruled_table(20, 2), options);
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

TEST(RuleSet, RefusesDeclaredRulesThatContradictEachOther) {
  EXPECT_EQ(build_error({"low < high", "high <= low"}),
            "the rules 'low < high' and 'high <= low' contradict each other: no row can keep both");
  EXPECT_EQ(build_error({"a + b = 1", "b + a = 2"}),
            "the rules 'a + b = 1' and 'b + a = 2' contradict each other: the same columns cannot sum to two totals");
  EXPECT_EQ(build_error({"a >= 0.6", "a <= 0.4"}),
            "the rules 'a >= 0.6' and 'a <= 0.4' contradict each other: no value is at least 0.6 and at most 0.4");
  EXPECT_EQ(build_error({"total = x + y", "total = x * y"}),
            "the rules 'total = x + y' and 'total = x * y' contradict each other: \"total\" is computed twice");
  EXPECT_EQ(build_error({"a + b + c = 1", "a >= 0.5", "b >= 0.6", "c >= 0"}),
            "the rule 'a + b + c = 1' contradicts the bounds declared on its columns: they sum to between 1.1 and inf");
  EXPECT_EQ(build_error({"low <= high", "high <= low"}), "no error");  // equal columns keep both
}

TEST(RuleSet, DroppedAndRestatedRulesAreLeftOut) {
  const Table t = ruled_table(60, 4);
  const RuleSet all = RuleSet::build(t, {});
  ASSERT_GE(all.rules().size(), 3u);
  RuleOptions options;
  options.dropped = {1};
  options.declared = {all.rules()[1].formula()};
  const RuleSet some = RuleSet::build(t, options);
  ASSERT_EQ(some.rules().size(), all.rules().size() - 1);
  EXPECT_EQ(some.rules().front().number, 3);  // 1 dropped, 2 restated as declared (listed last)
  EXPECT_TRUE(some.rules().back().declared);
  options.dropped = {99};
  EXPECT_THROW(RuleSet::build(t, options), Error);
}

TEST(RuleSet, APartOfTheRowsLeavesOutTheSameDroppedRules) {
  const Table t = ruled_table(60, 4);
  const RuleSet all = RuleSet::build(t, {});
  ASSERT_GE(all.rules().size(), 3u);
  RuleOptions options;
  options.dropped = {2};
  const RuleOptions part = rule_options_for_part(t, options);
  EXPECT_TRUE(part.dropped.empty());  // numbers found on other rows could name other rules
  ASSERT_EQ(part.left_out.size(), 1u);
  EXPECT_EQ(part.left_out[0].formula(), all.rules()[1].formula());
  // On the first 40 rows the rules are numbered anew; the same rule is still left out.
  std::vector<int64_t> first(40);
  std::iota(first.begin(), first.end(), 0);
  const Table rows = t.take(first);
  const RuleSet kept = RuleSet::build(rows, part);
  EXPECT_FALSE(has_rule(kept.rules(), all.rules()[1].formula()));
  EXPECT_EQ(kept.rules().size() + 1, RuleSet::build(rows, {}).rules().size());
  options.dropped = {99};
  EXPECT_THROW(rule_options_for_part(t, options), Error);
}

TEST(RuleSet, TheModelledTableTurnsBackIntoTheRealRows) {
  // What the model learns (an inequality's difference, a derived column's residual, the sum's
  // distance from its total) restored gives back the real rows exactly.
  const Table real = ruled_table(50, 6);
  RuleOptions options;
  options.declared = {"low <= high"};
  RuleSet rules = RuleSet::build(real, options);
  ASSERT_TRUE(rules.model_differences(real, {rules.rules().size() - 1}));
  Table modelled = rules.to_model(real);
  EXPECT_NE(modelled.column("high").values, real.column("high").values);
  EXPECT_NE(modelled.column("total").values, real.column("total").values);
  const std::vector<char> broken = rules.restore(modelled, 11);
  EXPECT_EQ(std::count(broken.begin(), broken.end(), 1), 0);
  for (size_t c = 0; c < real.columns.size(); ++c) {
    if (real.columns[c].is_categorical()) continue;
    for (size_t r = 0; r < real.columns[c].values.size(); ++r)
      EXPECT_NEAR(modelled.columns[c].values[r], real.columns[c].values[r], 1e-9) << real.columns[c].name;
  }
}

TEST(RuleSet, DrawnRowsKeepEveryRuleOrAreMarkedToDrawAgain) {
  const Table real = ruled_table(60, 8);
  const RuleSet rules = RuleSet::build(real, {});
  // Rows drawn with no regard for the rules: shares that do not sum, totals that do not add up.
  Table drawn = rules.to_model(real);
  Rng rng(4);
  for (auto& column : drawn.columns)
    if (!column.is_categorical() && column.name != "x" && column.name != "y")
      for (double& v : column.values) v += 0.05 * rng.normal();
  for (auto& code : drawn.columns[static_cast<size_t>(drawn.find("country"))].codes)
    code = static_cast<int32_t>(rng.below(3));
  Table restored = drawn;
  const std::vector<char> broken = rules.restore(restored, 5);
  const std::vector<double> kept = rule_adherence(rules.rules(), restored);
  for (size_t i = 0; i < kept.size(); ++i) {
    if (rules.keeping(i) == Keeping::Rejection) continue;  // kept by drawing again: marked instead
    EXPECT_EQ(kept[i], 1.0) << rules.rules()[i].describe();
  }
  for (int64_t r = 0; r < restored.rows(); ++r) {
    bool keeps_all = true;
    for (size_t i = 0; i < rules.rules().size(); ++i)
      keeps_all = keeps_all && BoundRule(rules.rules()[i], restored).holds(restored, r);
    EXPECT_EQ(broken[static_cast<size_t>(r)] != 0, !keeps_all) << "row " << r;
  }
  Table again = drawn;
  rules.restore(again, 5);  // the same rows and seed: the same result
  EXPECT_EQ(again.column("a").values, restored.column("a").values);
}

// Shares a + b + c = 1 where in every third row the whole is in c (a = b = 0: "age unknown").
Table shares_often_whole(int n, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> a, b, c, x;
  for (int i = 0; i < n; ++i) {
    const bool whole = i % 3 == 0;
    a.push_back(whole ? 0.0 : round2(0.05 + 0.3 * rng.uniform()));
    b.push_back(whole ? 0.0 : round2(0.05 + 0.3 * rng.uniform()));
    c.push_back(round2(1 - a.back() - b.back()));
    x.push_back(rng.normal() + (whole ? 1.0 : 0.0));
  }
  Table t;
  t.columns = {numbers("a", a), numbers("b", b), numbers("c", c), numbers("x", x)};
  return t;
}

TEST(RuleSet, PartsAllZeroReachTheModelAsMissingTogether) {
  const Table real = shares_often_whole(90, 3);
  const RuleSet rules = RuleSet::build(real, {});
  ASSERT_TRUE(has_rule(rules.rules(), "a + b + c = 1"));
  EXPECT_NE(rules.save().find("\"missing_parts\":true"), std::string::npos);
  Table modelled = rules.to_model(real);
  for (size_t r = 0; r < 90; ++r) {
    const bool whole = r % 3 == 0;
    EXPECT_EQ(std::isnan(modelled.column("a").values[r]), whole) << r;
    EXPECT_EQ(std::isnan(modelled.column("b").values[r]), whole) << r;
    if (!whole) {
      EXPECT_EQ(modelled.column("a").values[r], real.column("a").values[r]);
    }
  }
  // Restored, the missing parts are 0 again and the rows are the real ones.
  const std::vector<char> broken = rules.restore(modelled, 1);
  EXPECT_EQ(std::count(broken.begin(), broken.end(), 1), 0);
  for (const char* name : {"a", "b", "c"})
    for (size_t r = 0; r < 90; ++r)
      EXPECT_NEAR(modelled.column(name).values[r], real.column(name).values[r], 1e-9) << name << r;
  // A model file keeps the choice.
  const Table layout = real.slice(0, 0);
  EXPECT_EQ(RuleSet::load(rules.save(), {"m.synthtab", "rules"}, layout).save(), rules.save());
  // Turned off (a model whose size grows with every column), the parts stay zeros.
  RuleOptions off;
  off.missing_parts = false;
  const Table plain = RuleSet::build(real, off).to_model(real);
  EXPECT_EQ(plain.column("a").missing_count() + plain.column("b").missing_count(), 0);
  // The copula draws the whole in c as often as the real rows have it, and every row sums to 1.
  SynthesisOptions options;
  options.model = "copula";
  const FittedModel model = FittedModel::fit_table(real, options);
  const Table drawn = model.sample(0, 3000, 5);
  int64_t whole = 0;
  for (size_t r = 0; r < 3000; ++r) whole += drawn.column("a").values[r] == 0 && drawn.column("b").values[r] == 0;
  EXPECT_NEAR(static_cast<double>(whole) / 3000, 1.0 / 3, 0.04);
  const std::vector<double> kept = rule_adherence(model.rules().rules(), drawn);
  for (size_t i = 0; i < kept.size(); ++i) EXPECT_EQ(kept[i], 1.0) << model.rules().rules()[i].describe();
  // The mrf's joint table grows with every column: it is not given the parts as missing.
  options.model = "mrf";
  EXPECT_EQ(FittedModel::fit_table(real, options).rules().save().find("missing_parts"), std::string::npos);
}

TEST(RuleSet, AModelFileKeepsItsRulesAndRefusesBrokenOnes) {
  const Table real = ruled_table(60, 10);
  SynthesisOptions options;
  options.model = "copula";
  const FittedModel model = FittedModel::fit_table(real, options);
  ASSERT_FALSE(model.rules().empty());
  const Table drawn = model.sample(0, 500, 3);
  for (double kept : rule_adherence(model.rules().rules(), drawn)) EXPECT_EQ(kept, 1.0);
  const std::string bytes = model.to_bytes();
  const FittedModel loaded = FittedModel::from_bytes(bytes, "m.synthtab");
  EXPECT_EQ(loaded.rules().save(), model.rules().save());
  EXPECT_EQ(loaded.sample(0, 500, 3).column("high").values, drawn.column("high").values);
  // The same rows whatever the split into calls (shards compute the same blocks).
  Table parts = model.sample(0, 200, 3);
  parts.append(model.sample(200, 300, 3));
  EXPECT_EQ(parts.column("a").values, drawn.column("a").values);
}

TEST(RuleSet, ARulesSectionIsCheckedLikeAnyUntrustedInput) {
  const Table layout = ruled_table(10, 1).slice(0, 0);
  const SectionCheck check{"m.synthtab", "rules"};
  const auto error = [&](const std::string& text) {
    try {
      RuleSet::load(text, check, layout);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string rule =
      R"({"kind":"at_most","columns":["low","high"],"tolerance":0,"units":[0.01,0.01],"declared":true,"number":0,)"
      R"("holds":5,"checked":5,"strict":false,"keeping":"difference"})";
  EXPECT_EQ(error(R"({"version":1,"rules":[)" + rule + "]}"), "no error");
  EXPECT_NE(error(R"({"version":1,"rules":[{"kind":"nonsense"}]})").find("unknown rule kind"), std::string::npos);
  std::string absent = rule;
  absent.replace(absent.find("\"high\""), 6, "\"gone\"");
  EXPECT_NE(error(R"({"version":1,"rules":[)" + absent + "]}").find("does not have"), std::string::npos);
  std::string twice = R"({"version":1,"rules":[)" + rule + "," + rule + "]}";
  EXPECT_NE(error(twice).find("two rules compute the column \"high\""), std::string::npos);
  std::string kept_wrong = rule;
  kept_wrong.replace(kept_wrong.find("difference"), 10, "remainder");
  EXPECT_NE(error(R"({"version":1,"rules":[)" + kept_wrong + "]}").find("cannot be kept by remainder"),
            std::string::npos);
  std::string only_remainder = rule;
  only_remainder.replace(only_remainder.find("\"keeping\""), 0, "\"missing_parts\":true,");
  EXPECT_NE(error(R"({"version":1,"rules":[)" + only_remainder + "]}").find("only a sum kept by its remainder"),
            std::string::npos);
  only_remainder.replace(only_remainder.find("\"missing_parts\":true"), 20, "\"missing_parts\":\"yes\"");
  EXPECT_NE(error(R"({"version":1,"rules":[)" + only_remainder + "]}").find("'missing_parts' is not true or false"),
            std::string::npos);
  std::string holds = rule;
  holds.replace(holds.find("\"holds\":5"), 9, "\"holds\":9");
  EXPECT_NE(error(R"({"version":1,"rules":[)" + holds + "]}").find("'holds'"), std::string::npos);
}

}  // namespace
}  // namespace synthtab
