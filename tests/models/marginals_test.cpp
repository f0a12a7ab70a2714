// marginals: each table column drawn on its own from its training values; a value and its
// missing-value indicator together.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "support/errors.hpp"
#include "support/model_contract.hpp"
#include "synthtab/core/archive.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

std::unique_ptr<Synthesizer> make_marginals() { return ModelRegistry::instance().create("marginals"); }

ModelColumn continuous(const std::string& source) { return {ModelColumnKind::Continuous, 0, source}; }
ModelColumn indicator(const std::string& source) { return {ModelColumnKind::Categorical, 2, source, true}; }

double correlation(const Matrix& m, int64_t a, int64_t b) {
  double ma = 0, mb = 0;
  for (int64_t r = 0; r < m.rows; ++r) ma += m(r, a), mb += m(r, b);
  ma /= static_cast<double>(m.rows), mb /= static_cast<double>(m.rows);
  double sab = 0, saa = 0, sbb = 0;
  for (int64_t r = 0; r < m.rows; ++r) {
    const double da = m(r, a) - ma, db = m(r, b) - mb;
    sab += da * db, saa += da * da, sbb += db * db;
  }
  return sab / std::sqrt(saa * sbb);
}

TEST(Marginals, RegisteredWithItsTraits) {
  const ModelTraits traits = ModelRegistry::instance().traits("marginals");
  EXPECT_FALSE(traits.needs_torch);
  EXPECT_TRUE(traits.models_missing);
  EXPECT_FALSE(traits.description.empty());
  EXPECT_EQ(make_marginals()->name(), "marginals");
}

TEST(Marginals, DeterministicShardableAndSavesAndLoads) {
  Rng rng(3);
  Matrix real(60, 3);
  for (int64_t r = 0; r < 60; ++r)
    real(r, 0) = static_cast<float>(rng.normal()), real(r, 1) = rng.below(5) == 0 ? 1.0f : -1.0f,
            real(r, 2) = static_cast<float>(rng.uniform());
  testing::expect_model_contract_of(make_marginals, real, {continuous("x"), indicator("x"), continuous("y")});
}

// Two columns equal in every training row: each keeps its distribution, their relation is gone.
TEST(Marginals, KeepsEachColumnsDistributionAndNoRelationship) {
  Matrix real(400, 2);
  for (int64_t r = 0; r < 400; ++r) real(r, 0) = real(r, 1) = static_cast<float>(r % 4);  // 0..3, 100 each
  const auto model = make_marginals();
  model->fit(real, {continuous("a"), continuous("b")}, {});
  const Matrix drawn = model->sample(0, 20000, 5);
  for (int64_t c = 0; c < 2; ++c) {
    std::map<float, int> counts;
    for (int64_t r = 0; r < drawn.rows; ++r) ++counts[drawn(r, c)];
    ASSERT_EQ(counts.size(), 4u) << "only training values are drawn";
    for (const auto& [value, count] : counts) EXPECT_NEAR(count / 20000.0, 0.25, 0.015) << value;
  }
  EXPECT_NEAR(correlation(drawn, 0, 1), 0.0, 0.03);  // the training correlation is 1
}

// A value and its missing-value indicator come from one training row: a missing cell's filler
// value never meets a "present" flag from another row.
TEST(Marginals, AValueAndItsMissingIndicatorAreDrawnTogether) {
  Matrix real(50, 3);
  std::set<std::pair<float, float>> pairs;
  for (int64_t r = 0; r < 50; ++r) {
    real(r, 0) = static_cast<float>(r);
    real(r, 1) = r % 3 == 0 ? 1.0f : -1.0f;
    real(r, 2) = static_cast<float>(r % 7);
    pairs.insert({real(r, 0), real(r, 1)});
  }
  const auto model = make_marginals();
  model->fit(real, {continuous("x"), indicator("x"), continuous("z")}, {});
  const Matrix drawn = model->sample(0, 2000, 8);
  for (int64_t r = 0; r < drawn.rows; ++r) ASSERT_EQ(pairs.count({drawn(r, 0), drawn(r, 1)}), 1u) << "row " << r;
  // ...while the other column is drawn on its own: x and z meet in pairs no training row holds.
  int unseen = 0;
  for (int64_t r = 0; r < drawn.rows; ++r) unseen += static_cast<int>(drawn(r, 0)) % 7 != static_cast<int>(drawn(r, 2));
  EXPECT_GT(unseen, 1000);
}

TEST(Marginals, RefusesTooFewRowsAndDamagedState) {
  const auto model = make_marginals();
  testing::error_of([&] { model->fit(Matrix(1, 1), {continuous("x")}, {}); }, ErrorKind::Input);
  Matrix real(4, 2);
  for (int64_t r = 0; r < 4; ++r) real(r, 0) = static_cast<float>(r), real(r, 1) = -1.0f;
  model->fit(real, {continuous("x"), indicator("x")}, {});
  ArchiveWriter good;
  model->save(good, "m/");
  const std::string state = ArchiveReader::parse(good.serialize(), "good").get("m/marginals");
  const auto load = [](const std::string& text) {
    ArchiveWriter w;
    w.put("m/marginals", text);
    const std::string bytes = w.serialize();
    make_marginals()->load(ArchiveReader::parse(bytes, "bad.synthtab"), "m/");
  };
  load(state);  // the original loads
  const auto damaged = [&](const std::string& from, const std::string& to) {
    std::string text = state;
    const size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return testing::error_of([&] { load(text); }, ErrorKind::ModelFile);
  };
  EXPECT_NE(damaged("\"groups\":[0,0]", "\"groups\":[0,2]").find("'groups'"), std::string::npos);
  EXPECT_NE(damaged("\"groups\":[0,0]", "\"groups\":[1,1]").find("'groups'"), std::string::npos);
  EXPECT_NE(damaged("\"rows\":4", "\"rows\":5").find("bad.synthtab"), std::string::npos);
  EXPECT_NE(damaged("\"version\":1", "\"version\":2").find("version"), std::string::npos);
  EXPECT_NE(damaged("\"cols\":2", "\"cols\":0").find("'cols'"), std::string::npos);
}

// Through the whole pipeline: a table with a category and a column with gaps.
TEST(Marginals, GeneratesATableWithCategoriesAndMissingCells) {
  Column city, spend;
  city.name = "city", city.type = ColumnType::Categorical, city.categories = {"Oslo", "Rome", "Lima"};
  spend.name = "spend", spend.type = ColumnType::Float;
  for (int r = 0; r < 40; ++r) {
    city.codes.push_back(r % 3);
    spend.values.push_back(r % 4 == 0 ? std::nan("") : 10.0 * r);
  }
  Table table;
  table.columns = {city, spend};
  SynthesisOptions options;
  options.model = "marginals";
  const FittedModel model = FittedModel::fit_table(table, options);
  const Table drawn = model.sample(0, 400, 4);
  ASSERT_EQ(drawn.rows(), 400);
  int missing = 0;
  for (double v : drawn.columns[1].values) missing += std::isnan(v);
  EXPECT_NEAR(missing / 400.0, 0.25, 0.07);
  for (int32_t code : drawn.columns[0].codes) EXPECT_TRUE(code >= 0 && code < 3);
}

}  // namespace
}  // namespace synthtab
