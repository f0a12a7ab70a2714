#include "synthtab/transform/constant_transformer.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "synthtab/core/error.hpp"
#include "transform/column_builders.hpp"

namespace synthtab {
namespace {

using testing::categorical_column;
using testing::numeric_column;

TEST(ConstantTransformer, NumericColumnsComeBackAsTheirValue) {
  const Column column = numeric_column("year", ColumnType::Integer, {2021, kMissingValue, 2021});
  ConstantTransformer transformer;
  transformer.fit(column);
  EXPECT_EQ(transformer.width(), 0);
  Matrix none(4, 0);
  Rng rng(1);
  const Column back = transformer.inverse(none, 0, rng);
  EXPECT_EQ(back.name, "year");
  EXPECT_EQ(back.type, ColumnType::Integer);
  EXPECT_EQ(back.values, (std::vector<double>{2021, 2021, 2021, 2021}));

  ConstantTransformer loaded;
  loaded.load(transformer.save());
  EXPECT_EQ(loaded.inverse(none, 0, rng).values, back.values);
}

TEST(ConstantTransformer, CategoricalColumnsComeBackAsTheirCategory) {
  Column column = categorical_column("country", {"NO", "SE"});
  column.codes = {1, 1, 1};
  ConstantTransformer transformer;
  transformer.fit(column);
  Matrix none(2, 0);
  Rng rng(1);
  const Column back = transformer.inverse(none, 0, rng);
  EXPECT_EQ(back.codes, (std::vector<int32_t>{1, 1}));
  EXPECT_EQ(back.categories, column.categories);

  ConstantTransformer loaded;
  loaded.load(transformer.save());
  EXPECT_EQ(loaded.inverse(none, 0, rng).codes, back.codes);

  nlohmann::json bad = nlohmann::json::parse(transformer.save());
  bad["code"] = 2;
  EXPECT_THROW(loaded.load(bad.dump()), Error);
}

TEST(ConstantTransformer, RefusesColumnsThatAreNotConstant) {
  ConstantTransformer transformer;
  EXPECT_THROW(transformer.fit(numeric_column("x", ColumnType::Float, {1.0, 1.5})), Error);
  EXPECT_THROW(transformer.fit(categorical_column("c", {"a", "b"})), Error);
  EXPECT_THROW(transformer.fit(numeric_column("x", ColumnType::Float, {kMissingValue})), Error);
}

TEST(ConstantTransformer, TransformRefusesMissingValues) {
  ConstantTransformer transformer;
  const Column column = numeric_column("x", ColumnType::Float, {4.5, kMissingValue});
  transformer.fit(column);
  Matrix out(2, 0);
  EXPECT_THROW(transformer.transform(column, out, 0), Error);
  const Column complete = numeric_column("x", ColumnType::Float, {4.5, 4.5});
  EXPECT_NO_THROW(transformer.transform(complete, out, 0));
}

}  // namespace
}  // namespace synthtab
