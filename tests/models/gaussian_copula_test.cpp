#include "synthtab/models/gaussian_copula.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

// Column 0: x = exp(z1) (skewed), column 1: y = z1 * rho + z2 * sqrt(1 - rho^2) (normal),
// column 2: a categorical code in {-1, 0, 1} with shares .5/.3/.2, independent of the rest.
Matrix draw(int64_t rows, double rho, uint64_t seed) {
  Rng rng(seed);
  Matrix m(rows, 3);
  for (int64_t r = 0; r < rows; ++r) {
    const double z1 = rng.normal(), z2 = rng.normal();
    m(r, 0) = static_cast<float>(std::exp(z1) / 10.0 - 1.0);
    m(r, 1) = static_cast<float>(std::tanh(0.5 * (rho * z1 + std::sqrt(1 - rho * rho) * z2)));
    const double u = rng.uniform();
    m(r, 2) = u < 0.5 ? -1.0f : u < 0.8 ? 0.0f : 1.0f;
  }
  return m;
}

std::vector<ModelColumn> layout() {
  return {{ModelColumnKind::Continuous, 0, "x"}, {ModelColumnKind::Continuous, 0, "y"},
          {ModelColumnKind::Categorical, 3, "c"}};
}

// Spearman's rank correlation of two columns (independent of the model's own normal scores).
double spearman(const Matrix& m, int a, int b) {
  auto ranks = [&](int c) {
    std::vector<std::pair<float, int64_t>> v(static_cast<size_t>(m.rows));
    for (int64_t r = 0; r < m.rows; ++r) v[static_cast<size_t>(r)] = {m(r, c), r};
    std::sort(v.begin(), v.end());
    std::vector<double> rank(static_cast<size_t>(m.rows));
    for (size_t i = 0; i < v.size(); ++i) rank[static_cast<size_t>(v[i].second)] = static_cast<double>(i);
    return rank;
  };
  const auto ra = ranks(a), rb = ranks(b);
  const double n = static_cast<double>(m.rows), mean = (n - 1) / 2;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < ra.size(); ++i) {
    sab += (ra[i] - mean) * (rb[i] - mean);
    saa += (ra[i] - mean) * (ra[i] - mean);
    sbb += (rb[i] - mean) * (rb[i] - mean);
  }
  return sab / std::sqrt(saa * sbb);
}

TEST(GaussianCopula, KeepsRankCorrelationMarginsAndCategoryShares) {
  const Matrix real = draw(3000, 0.8, 1);
  GaussianCopula model;
  model.fit(real, layout(), {});
  const Matrix synthetic = model.sample(0, 20000, 7);
  EXPECT_NEAR(spearman(synthetic, 0, 1), spearman(real, 0, 1), 0.03);
  EXPECT_NEAR(spearman(synthetic, 0, 2), 0.0, 0.03);
  std::map<float, int> counts;
  float lo = 1e9f, hi = -1e9f;
  for (int64_t r = 0; r < real.rows; ++r) lo = std::min(lo, real(r, 0)), hi = std::max(hi, real(r, 0));
  for (int64_t r = 0; r < synthetic.rows; ++r) {
    ++counts[synthetic(r, 2)];
    EXPECT_GE(synthetic(r, 0), lo);
    EXPECT_LE(synthetic(r, 0), hi);
  }
  ASSERT_EQ(counts.size(), 3u);  // only the training codes
  EXPECT_NEAR(counts[-1.0f] / 20000.0, 0.5, 0.02);
  EXPECT_NEAR(counts[0.0f] / 20000.0, 0.3, 0.02);
  EXPECT_NEAR(counts[1.0f] / 20000.0, 0.2, 0.02);
  // The skewed margin: the synthetic median is near the real one.
  std::vector<float> a, b;
  for (int64_t r = 0; r < real.rows; ++r) a.push_back(real(r, 0));
  for (int64_t r = 0; r < synthetic.rows; ++r) b.push_back(synthetic(r, 0));
  std::nth_element(a.begin(), a.begin() + a.size() / 2, a.end());
  std::nth_element(b.begin(), b.begin() + b.size() / 2, b.end());
  EXPECT_NEAR(b[b.size() / 2], a[a.size() / 2], 0.01);
}

TEST(GaussianCopula, RowsDependOnlyOnSeedAndIndexAndSurviveSaveLoad) {
  GaussianCopula model;
  model.fit(draw(200, 0.5, 2), layout(), {});
  const Matrix whole = model.sample(0, 1000, 3);
  const Matrix tail = model.sample(600, 400, 3);
  for (int64_t r = 0; r < 400; ++r)
    for (int c = 0; c < 3; ++c) ASSERT_EQ(whole(600 + r, c), tail(r, c));
  EXPECT_NE(model.sample(0, 10, 4).data, model.sample(0, 10, 3).data);
  ArchiveWriter writer;
  model.save(writer, "model/");
  const ArchiveReader reader = ArchiveReader::parse(writer.serialize(), "m.synthtab");
  GaussianCopula loaded;
  loaded.load(reader, "model/");
  EXPECT_EQ(loaded.sample(0, 1000, 3).data, whole.data);
}

TEST(GaussianCopula, RegisteredWithoutTheLibTorchPluginAndRefusesBadState) {
  auto model = ModelRegistry::instance().create("copula");
  EXPECT_EQ(model->name(), "copula");
  ArchiveWriter writer;
  writer.put("model/copula", "{\"columns\": 2, \"sorted\": [[1.0]], \"discrete\": [0], \"correlation\": [], \"cholesky\": []}");
  const ArchiveReader reader = ArchiveReader::parse(writer.serialize(), "m.synthtab");
  try {
    model->load(reader, "model/");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
  }
}

}  // namespace
}  // namespace synthtab
