#include "synthtab/models/cart.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

// A categorical column c in {-1, 1}, then x uniform, then y = c * x^2 (a dependence that a
// correlation-based model cannot express but trees can).
Matrix draw(int64_t rows, uint64_t seed) {
  Rng rng(seed);
  Matrix m(rows, 3);
  for (int64_t r = 0; r < rows; ++r) {
    const float c = rng.uniform() < 0.3 ? -1.0f : 1.0f;
    const auto x = static_cast<float>(2 * rng.uniform() - 1);
    m(r, 0) = c;
    m(r, 1) = x;
    m(r, 2) = c * x * x;
  }
  return m;
}

const std::vector<ModelColumn> kLayout = {{ModelColumnKind::Categorical, 2, "c"},
                                          {ModelColumnKind::Continuous, 0, "x"},
                                          {ModelColumnKind::Continuous, 0, "y"}};

TEST(Cart, KeepsNonLinearDependenceAndCategoryShares) {
  CartSynthesizer model;
  model.fit(draw(2000, 1), kLayout, {});
  const Matrix s = model.sample(0, 5000, 2);
  int negatives = 0;
  double error = 0.0;
  for (int64_t r = 0; r < s.rows; ++r) {
    ASSERT_TRUE(s(r, 0) == -1.0f || s(r, 0) == 1.0f);  // only training codes
    negatives += s(r, 0) < 0;
    error += std::abs(s(r, 2) - s(r, 0) * s(r, 1) * s(r, 1));
  }
  EXPECT_NEAR(negatives / 5000.0, 0.3, 0.03);
  // Mean absolute deviation from y = c x^2: small next to the spread of y (about 0.4).
  EXPECT_LT(error / 5000.0, 0.08);
}

TEST(Cart, DeterministicShardableAndRefitsIdenticallyOnLoad) {
  CartSynthesizer model;
  model.fit(draw(300, 3), kLayout, {});
  const Matrix whole = model.sample(0, 500, 4);
  const Matrix part = model.sample(200, 100, 4);
  for (int64_t r = 0; r < 100; ++r)
    for (int c = 0; c < 3; ++c) ASSERT_EQ(whole(200 + r, c), part(r, c));
  ArchiveWriter writer;
  model.save(writer, "model/");
  CartSynthesizer loaded;
  loaded.load(ArchiveReader::parse(writer.serialize(), "m.synthtab"), "model/");
  EXPECT_EQ(loaded.sample(0, 500, 4).data, whole.data);
  EXPECT_NE(model.sample(0, 500, 5).data, whole.data);
}

TEST(Cart, WithoutSmoothingDrawsRealValuesAndKeepsTheSettingOnLoad) {
  const Matrix real = draw(300, 6);
  FitOptions options;
  options.parameters.set("smoothing", "none");
  CartSynthesizer model;
  model.fit(real, kLayout, options);
  const Matrix s = model.sample(0, 400, 7);
  for (int c = 1; c < 3; ++c) {
    std::vector<float> values;
    for (int64_t r = 0; r < real.rows; ++r) values.push_back(real(r, c));
    std::sort(values.begin(), values.end());
    for (int64_t r = 0; r < s.rows; ++r)
      ASSERT_TRUE(std::binary_search(values.begin(), values.end(), s(r, c))) << "column " << c << " row " << r;
  }
  // The smoothed model's continuous values are (almost surely) not training values.
  CartSynthesizer smoothed;
  smoothed.fit(real, kLayout, {});
  EXPECT_NE(smoothed.sample(0, 400, 7).data, s.data);
  ArchiveWriter writer;
  model.save(writer, "model/");
  CartSynthesizer loaded;
  loaded.load(ArchiveReader::parse(writer.serialize(), "m.synthtab"), "model/");
  EXPECT_EQ(loaded.sample(0, 400, 7).data, s.data);
}

// Large tables: the trees grow on a random subset, and every row is a donor of its leaf. With
// smoothing off, the drawn y values are training values; 20,000 draws from 3,000 rows reach far
// more than the 1,000 rows the trees grew on. The model file keeps the subset's size, so a
// loaded model draws the same rows.
TEST(Cart, GrowsOnASubsetOfALargeTableAndDrawsFromEveryRow) {
  const Matrix real = draw(3000, 8);
  FitOptions options;
  options.parameters.set("smoothing", "none");
  CartSynthesizer model(1000);
  const FitReport report = model.fit(real, kLayout, options);
  EXPECT_EQ(report.settings.at("trees"), "grown on a random 1000 of the 3000 rows; every row is a donor");
  const Matrix s = model.sample(0, 20000, 9);
  std::vector<float> ys;
  for (int64_t r = 0; r < real.rows; ++r) ys.push_back(real(r, 2));
  std::sort(ys.begin(), ys.end());
  std::vector<float> drawn;
  double error = 0.0;
  for (int64_t r = 0; r < s.rows; ++r) {
    ASSERT_TRUE(std::binary_search(ys.begin(), ys.end(), s(r, 2))) << "row " << r;
    drawn.push_back(s(r, 2));
    error += std::abs(s(r, 2) - s(r, 0) * s(r, 1) * s(r, 1));
  }
  std::sort(drawn.begin(), drawn.end());
  EXPECT_GT(std::unique(drawn.begin(), drawn.end()) - drawn.begin(), 2000);
  EXPECT_LT(error / static_cast<double>(s.rows), 0.08);  // the dependence kept, as on all rows
  ArchiveWriter writer;
  model.save(writer, "model/");
  CartSynthesizer loaded;  // the default limit: the file's subset size decides
  loaded.load(ArchiveReader::parse(writer.serialize(), "m.synthtab"), "model/");
  EXPECT_EQ(loaded.sample(0, 500, 9).data, model.sample(0, 500, 9).data);
}

TEST(Cart, RegisteredAndRefusesBadState) {
  auto model = ModelRegistry::instance().create("cart");
  ArchiveWriter writer;
  writer.put("model/cart",
             R"({"rows": 3, "cols": 2, "data": [1, 2], "categorical": [0, 0], "min_leaf": 5, "seed": 1})");
  try {
    model->load(ArchiveReader::parse(writer.serialize(), "m.synthtab"), "model/");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
  }
}

}  // namespace
}  // namespace synthtab
