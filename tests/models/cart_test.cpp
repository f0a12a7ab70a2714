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
  options.smoothing = Smoothing::None;
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

TEST(Cart, RegisteredAndRefusesBadState) {
  auto model = ModelRegistry::instance().create("cart");
  ArchiveWriter writer;
  writer.put("model/cart", R"({"rows": 3, "cols": 2, "data": [1, 2], "categorical": [0, 0], "min_leaf": 5, "seed": 1})");
  try {
    model->load(ArchiveReader::parse(writer.serialize(), "m.synthtab"), "model/");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
  }
}

}  // namespace
}  // namespace synthtab
