// The standard transformer: (x - mean) / sd for ctgan and tvae, inverse clipped and rounded.
#include "synthtab/transform/standard_transformer.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "synthtab/core/error.hpp"
#include "transform/column_builders.hpp"

namespace synthtab {
namespace {

using testing::numeric_column;

TEST(StandardTransformer, StandardisesAndInverts) {
  const Column column = numeric_column("price", ColumnType::Float, {1.25, 2.5, NAN, 4.75, 9.0});
  StandardTransformer t;
  t.fit(column);
  // mean and population sd of the present values: 4.375 and sqrt(9.4140625) = 3.068235...
  EXPECT_DOUBLE_EQ(t.mean(), 4.375);
  EXPECT_NEAR(t.scale(),
              std::sqrt(((1.25 - 4.375) * (1.25 - 4.375) + (2.5 - 4.375) * (2.5 - 4.375) +
                         (4.75 - 4.375) * (4.75 - 4.375) + (9.0 - 4.375) * (9.0 - 4.375)) /
                        4),
              1e-12);
  Matrix m(5, 1);
  t.transform(column, m, 0);
  EXPECT_NEAR(m(0, 0), (1.25 - 4.375) / t.scale(), 1e-6);
  EXPECT_TRUE(std::isnan(m(2, 0)));
  Rng rng(1);
  const Column back = t.inverse(m, 0, rng);
  EXPECT_DOUBLE_EQ(back.values[0], 1.25);  // two decimals, as typed
  EXPECT_DOUBLE_EQ(back.values[3], 4.75);
  EXPECT_TRUE(std::isnan(back.values[2]));

  // Outside the fitted range: clipped to it.
  Matrix far(2, 1);
  far(0, 0) = 100.0f;
  far(1, 0) = -100.0f;
  const Column clipped = t.inverse(far, 0, rng);
  EXPECT_EQ(clipped.values[0], 9.0);
  EXPECT_EQ(clipped.values[1], 1.25);
}

TEST(StandardTransformer, IntegersComeBackWhole) {
  const Column column = numeric_column("n", ColumnType::Integer, {1, 5, 9, 20});
  StandardTransformer t;
  t.fit(column);
  Matrix m(1, 1);
  m(0, 0) = 0.123f;
  Rng rng(1);
  const double v = t.inverse(m, 0, rng).values[0];
  EXPECT_EQ(v, std::round(v));
}

TEST(StandardTransformer, SaveLoadAndBadState) {
  const Column column = numeric_column("x", ColumnType::Float, {1.5, 2.0, 7.25});
  StandardTransformer t;
  t.fit(column);
  StandardTransformer u;
  u.load(t.save());
  EXPECT_EQ(u.save(), t.save());
  auto state = nlohmann::json::parse(t.save());
  state["scale"] = -1.0;
  EXPECT_THROW(u.load(state.dump()), Error);
  state = nlohmann::json::parse(t.save());
  state["low"] = 100.0;
  EXPECT_THROW(u.load(state.dump()), Error);
  state = nlohmann::json::parse(t.save());
  state.erase("decimals");
  EXPECT_THROW(u.load(state.dump()), Error);
  EXPECT_THROW(t.fit(numeric_column("e", ColumnType::Float, {NAN})), Error);
  EXPECT_THROW(t.fit(numeric_column("i", ColumnType::Float, {1.0, INFINITY})), Error);
}

// Found by the model-file fuzzer: a rounding unit of 1e-320 on values near 2 made value / unit
// infinite, and every drawn value with it. Refused at load; units that fit still load.
TEST(StandardTransformer, LoadRefusesARoundingUnitTooSmallForTheRange) {
  StandardTransformer t;
  t.fit(numeric_column("d", ColumnType::Integer, {2, 3, 5}));
  auto state = nlohmann::json::parse(t.save());
  state["resolution"] = 1e-320;
  StandardTransformer u;
  try {
    u.load(state.dump());
    ADD_FAILURE() << "accepted " << state.dump();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
    EXPECT_NE(std::string(e.what()).find("rounding unit too small for its range"), std::string::npos) << e.what();
  }
  state["resolution"] = 1e-300;  // 5 / 1e-300 is finite: rounds to itself
  u.load(state.dump());
  Rng rng(1);
  Matrix in(1, 1);
  in(0, 0) = 0.0f;
  EXPECT_TRUE(std::isfinite(u.inverse(in, 0, rng).values[0]));
}

}  // namespace
}  // namespace synthtab
