#include "synthtab/transform/categorical_transformer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "synthtab/core/error.hpp"
#include "transform/column_builders.hpp"

namespace synthtab {
namespace {

using testing::categorical_column;

TEST(CategoricalTransformer, ScalesCodesLikeMinMaxOfLabelCodes) {
  // sklearn: MinMaxScaler((-1, 1)).fit_transform([[0], [1], [2], [3]]) = -1, -1/3, 1/3, 1.
  const Column column = categorical_column("channel", {"tv", "radio", "web", "tv", "print"});
  CategoricalTransformer transformer;
  transformer.fit(column);
  EXPECT_EQ(transformer.fitted_categories(), 4);
  Matrix out(column.size(), 1);
  transformer.transform(column, out, 0);
  const float third = static_cast<float>(1.0 / 3.0);
  EXPECT_EQ(out(0, 0), -1.0f);
  EXPECT_FLOAT_EQ(out(1, 0), -third);
  EXPECT_FLOAT_EQ(out(2, 0), third);
  EXPECT_EQ(out(3, 0), -1.0f);
  EXPECT_EQ(out(4, 0), 1.0f);
  const ModelColumn described = transformer.describe(0);
  EXPECT_EQ(described.kind, ModelColumnKind::Categorical);
  EXPECT_EQ(described.categories, 4);
  EXPECT_EQ(described.source, "channel");
}

TEST(CategoricalTransformer, RoundTripsExactly) {
  const Column column = categorical_column("city", {"Oslo", "Lima", "Pune", "Lima", "Oslo", "Kiev", "Pune", "Oslo"});
  CategoricalTransformer transformer;
  transformer.fit(column);
  Matrix out(column.size(), 1);
  transformer.transform(column, out, 0);
  Rng rng(1);
  const Column back = transformer.inverse(out, 0, rng);
  EXPECT_EQ(back.codes, column.codes);
  EXPECT_EQ(back.categories, column.categories);
  EXPECT_EQ(back.name, "city");
  EXPECT_EQ(back.type, ColumnType::Categorical);
}

TEST(CategoricalTransformer, InverseBinsToTheNearestCodeAndClips) {
  const Column column = categorical_column("c", {"a", "b", "c"});  // positions -1, 0, 1
  CategoricalTransformer transformer;
  transformer.fit(column);
  Matrix in(7, 1);
  const float values[] = {-7.0f, -0.6f, -0.4f, 0.3f, 0.6f, 1.5f, 1e30f};
  for (int i = 0; i < 7; ++i) in(i, 0) = values[i];
  Rng rng(1);
  EXPECT_EQ(transformer.inverse(in, 0, rng).codes, (std::vector<int32_t>{0, 0, 1, 1, 2, 2, 2}));
  in(0, 0) = std::nanf("");
  EXPECT_EQ(transformer.inverse(in, 0, rng).codes[0], kMissingCode);
}

// Found by the model-file fuzzer: one category spans nothing, and an infinite model value times
// that span was NaN, converted to an index.
TEST(CategoricalTransformer, OneCategoryTakesEveryFiniteOrInfiniteValue) {
  const Column column = categorical_column("c", {"only", "only"});
  CategoricalTransformer transformer;
  transformer.fit(column);
  Matrix in(4, 1);
  const float values[] = {INFINITY, -INFINITY, 0.5f, -3.0f};
  for (int i = 0; i < 4; ++i) in(i, 0) = values[i];
  Rng rng(1);
  EXPECT_EQ(transformer.inverse(in, 0, rng).codes, (std::vector<int32_t>{0, 0, 0, 0}));
}

TEST(CategoricalTransformer, OnlyCategoriesSeenInFitGetACode) {
  // "gone" is listed (e.g. its rows were dropped by the preparation) but never appears.
  Column column = categorical_column("c", {"x", "gone", "y", "z"});
  column.codes = {0, 2, 3, 2, 0};
  CategoricalTransformer transformer;
  transformer.fit(column);
  EXPECT_EQ(transformer.fitted_categories(), 3);
  Matrix out(column.size(), 1);
  transformer.transform(column, out, 0);
  EXPECT_EQ(out(0, 0), -1.0f);
  EXPECT_EQ(out(1, 0), 0.0f);
  EXPECT_EQ(out(2, 0), 1.0f);
  Rng rng(1);
  const Column back = transformer.inverse(out, 0, rng);
  EXPECT_EQ(back.codes, column.codes);
  EXPECT_EQ(back.categories, column.categories);

  Column unseen = column;
  unseen.codes = {1};
  Matrix one(1, 1);
  EXPECT_THROW(transformer.transform(unseen, one, 0), Error);
}

TEST(CategoricalTransformer, MatchesCategoriesByLabelWhenTheOrderDiffers) {
  CategoricalTransformer transformer;
  transformer.fit(categorical_column("c", {"a", "b", "c"}));
  const Column reordered = categorical_column("c", {"c", "a", "b"});
  Matrix out(3, 1);
  transformer.transform(reordered, out, 0);
  EXPECT_EQ(out(0, 0), 1.0f);
  EXPECT_EQ(out(1, 0), -1.0f);
  EXPECT_EQ(out(2, 0), 0.0f);
  const Column other = categorical_column("c", {"d"});
  Matrix one(1, 1);
  try {
    transformer.transform(other, one, 0);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find("'d'"), std::string::npos) << e.what();
  }
}

TEST(CategoricalTransformer, MissingValuesAreIgnoredByFitAndRefusedByTransform) {
  const Column column = categorical_column("c", {"a", "", "b"});
  CategoricalTransformer transformer;
  transformer.fit(column);
  EXPECT_EQ(transformer.fitted_categories(), 2);
  Matrix out(3, 1);
  EXPECT_THROW(transformer.transform(column, out, 0), Error);
  EXPECT_THROW(transformer.fit(categorical_column("c", {"", ""})), Error);
}

TEST(CategoricalTransformer, SaveLoadRoundTripsAndRefusesMalformedState) {
  const Column column = categorical_column("c", {"q", "r", "s", "r"});
  CategoricalTransformer fitted;
  fitted.fit(column);
  CategoricalTransformer loaded;
  loaded.load(fitted.save());
  Matrix in(5, 1);
  for (int i = 0; i < 5; ++i) in(i, 0) = -1.0f + 0.45f * static_cast<float>(i);
  Rng rng(1);
  EXPECT_EQ(loaded.inverse(in, 0, rng).codes, fitted.inverse(in, 0, rng).codes);
  EXPECT_EQ(loaded.inverse(in, 0, rng).categories, column.categories);

  const nlohmann::json good = nlohmann::json::parse(fitted.save());
  std::vector<nlohmann::json> bad(5, good);
  bad[0]["codes"] = {0, 3};
  bad[1]["codes"] = {1, 0};
  bad[2]["codes"] = nlohmann::json::array();
  bad[3]["column"]["categories"] = {"q", "q", "s"};
  bad[4]["column"]["type"] = "float";
  for (const auto& state : bad) {
    CategoricalTransformer t;
    try {
      t.load(state.dump());
      ADD_FAILURE() << "accepted " << state.dump();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
    }
  }
}

}  // namespace
}  // namespace synthtab
