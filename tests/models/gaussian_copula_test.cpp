#include "synthtab/models/gaussian_copula.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <map>

#include <nlohmann/json.hpp>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/copula_latent.hpp"
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
  return {{ModelColumnKind::Continuous, 0, "x"},
          {ModelColumnKind::Continuous, 0, "y"},
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
  // The sample's own (near-zero) dependence, which the copula learns, discreteness corrected.
  EXPECT_NEAR(spearman(synthetic, 0, 2), spearman(real, 0, 2), 0.03);
  EXPECT_NEAR(spearman(synthetic, 0, 2), 0.0, 0.05);
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
  writer.put("model/copula",
             "{\"columns\": 2, \"sorted\": [[1.0]], \"discrete\": [0], \"correlation\": [], \"cholesky\": []}");
  const ArchiveReader reader = ArchiveReader::parse(writer.serialize(), "m.synthtab");
  try {
    model->load(reader, "model/");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
  }
}

// Three numeric columns x, y, z (y, z correlated with x) and missing-value indicators for y and
// z, as the pipeline lays them out: rows with a low latent m lose both y and z (co-missing);
// y is also missing on its own in 5 % of rows; z is more often missing when x is low (the gaps
// depend on another column's value).
struct MissingData {
  Matrix m;
  std::vector<ModelColumn> layout;
};
MissingData draw_missing(int64_t rows, uint64_t seed) {
  Rng rng(seed);
  MissingData d{Matrix(rows, 5),
                {{ModelColumnKind::Continuous, 0, "x"},
                 {ModelColumnKind::Continuous, 0, "y"},
                 {ModelColumnKind::Categorical, 2, "y", true},
                 {ModelColumnKind::Continuous, 0, "z"},
                 {ModelColumnKind::Categorical, 2, "z", true}}};
  for (int64_t r = 0; r < rows; ++r) {
    const double x = rng.normal(), y = 0.7 * x + 0.7 * rng.normal(), z = -0.5 * x + 0.8 * rng.normal();
    const double latent = 0.6 * x + 0.8 * rng.normal();
    const bool both = latent < -1.0;  // ~16 %, more when x is low
    const bool y_alone = rng.uniform() < 0.05;
    d.m(r, 0) = static_cast<float>(std::tanh(x / 3));
    d.m(r, 1) = static_cast<float>(std::tanh(y / 3));
    d.m(r, 2) = both || y_alone ? 1.0f : -1.0f;
    d.m(r, 3) = static_cast<float>(std::tanh(z / 3));
    d.m(r, 4) = both ? 1.0f : -1.0f;
  }
  return d;
}

struct MissingShares {
  double y = 0, z = 0, both = 0, z_given_low_x = 0;
};
MissingShares missing_shares(const Matrix& m) {
  MissingShares s;
  double low = 0;
  for (int64_t r = 0; r < m.rows; ++r) {
    const bool y = m(r, 2) > 0, z = m(r, 4) > 0;
    s.y += y, s.z += z, s.both += y && z;
    if (m(r, 0) < 0) low += 1, s.z_given_low_x += z;
  }
  const auto n = static_cast<double>(m.rows);
  s.y /= n, s.z /= n, s.both /= n, s.z_given_low_x /= low;
  return s;
}

TEST(GaussianCopula, GeneratesMissingValuesAtTheRealRateAndPattern) {
  const MissingData real = draw_missing(4000, 11);
  GaussianCopula model;
  model.fit(real.m, real.layout, {});
  const Matrix synthetic = model.sample(0, 40000, 5);
  const MissingShares a = missing_shares(real.m), b = missing_shares(synthetic);
  EXPECT_NEAR(b.y, a.y, 0.015);
  EXPECT_NEAR(b.z, a.z, 0.015);
  EXPECT_NEAR(b.both, a.both, 0.02);                    // co-missingness
  EXPECT_NEAR(b.z_given_low_x, a.z_given_low_x, 0.03);  // gaps that depend on x
  // Independent gaps would give both ~ y * z; the real pattern is far from that.
  ASSERT_GT(a.both, 1.5 * a.y * a.z);
  // The value columns are fitted on their present values only: the filler in missing cells
  // does not dilute y's correlation with x.
  std::vector<int64_t> present;
  for (int64_t r = 0; r < real.m.rows; ++r)
    if (real.m(r, 2) < 0) present.push_back(r);
  Matrix observed(static_cast<int64_t>(present.size()), 2);
  for (size_t i = 0; i < present.size(); ++i)
    observed(static_cast<int64_t>(i), 0) = real.m(present[i], 0),
                                      observed(static_cast<int64_t>(i), 1) = real.m(present[i], 1);
  EXPECT_NEAR(spearman(synthetic, 0, 1), spearman(observed, 0, 1), 0.03);
}

// Two continuous columns with a spike at 0 in 40 % of rows each, from one latent normal pair
// (correlation 0.6): both are 0 together in ~26 % of rows. Ties broken at random spread each
// spike's rows over its interval of scores, which hid how often the spikes meet; scored by the
// interval's mean and corrected as a discrete column is, the fit finds the latent correlation and
// draws the spikes together as often as the real rows have them.
TEST(GaussianCopula, SpikesThatMeetInTheRealRowsMeetAsOftenInTheDrawnOnes) {
  Rng rng(31);
  const int64_t rows = 4000;
  Matrix real(rows, 2);
  const double rho = 0.6, spike = normal_quantile(0.4);
  for (int64_t r = 0; r < rows; ++r) {
    const double z1 = rng.normal(), z2 = rho * z1 + std::sqrt(1 - rho * rho) * rng.normal();
    real(r, 0) = z1 < spike ? 0.0f : static_cast<float>(std::exp(z1));
    real(r, 1) = z2 < spike ? 0.0f : static_cast<float>(z2 - spike);
  }
  const std::vector<ModelColumn> columns = {{ModelColumnKind::Continuous, 0, "x"},
                                            {ModelColumnKind::Continuous, 0, "y"}};
  GaussianCopula model;
  model.fit(real, columns, {});
  EXPECT_NEAR(model.correlation()[1], rho, 0.05);
  const auto both_zero = [](const Matrix& m) {
    int64_t count = 0;
    for (int64_t r = 0; r < m.rows; ++r) count += m(r, 0) == 0.0f && m(r, 1) == 0.0f;
    return static_cast<double>(count) / static_cast<double>(m.rows);
  };
  const Matrix drawn = model.sample(0, 20000, 7);
  EXPECT_NEAR(both_zero(drawn), both_zero(real), 0.02);
  // The rest of the joint distribution keeps its rank correlation too.
  EXPECT_NEAR(spearman(drawn, 0, 1), spearman(real, 0, 1), 0.03);
}

// A categorical column whose codes zigzag against a numeric column (the label order of the input
// says nothing): each category's mean of the numeric column is still reproduced, because the
// copula orders categories by their rows' scores before joining them.
TEST(GaussianCopula, OrdersCategoriesSoThatNonMonotoneCodesKeepTheirRelation) {
  Rng rng(8);
  const float codes[4] = {1.0f / 3, -1.0f, 1.0f, -1.0f / 3};  // band k of x gets codes[k]
  Matrix real(4000, 2);
  for (int64_t r = 0; r < real.rows; ++r) {
    const double x = rng.normal();
    const int band = x < -0.7 ? 0 : x < 0 ? 1 : x < 0.7 ? 2 : 3;
    real(r, 0) = static_cast<float>(std::tanh(x / 2));
    real(r, 1) = rng.uniform() < 0.9 ? codes[band] : codes[rng.below(4)];
  }
  const std::vector<ModelColumn> columns = {{ModelColumnKind::Continuous, 0, "x"},
                                            {ModelColumnKind::Categorical, 4, "c"}};
  GaussianCopula model;
  model.fit(real, columns, {});
  const Matrix synthetic = model.sample(0, 20000, 2);
  auto means = [](const Matrix& m) {
    std::map<float, std::pair<double, double>> sums;
    for (int64_t r = 0; r < m.rows; ++r) sums[m(r, 1)].first += m(r, 0), sums[m(r, 1)].second += 1;
    std::map<float, double> out;
    for (const auto& [code, s] : sums) out[code] = s.first / s.second;
    return out;
  };
  const auto a = means(real), b = means(synthetic);
  ASSERT_EQ(b.size(), 4u);
  for (const auto& [code, mean] : a) EXPECT_NEAR(b.at(code), mean, 0.06) << code;
  // Saved and loaded with its categories in that order (grouped, not ascending).
  ArchiveWriter writer;
  model.save(writer, "model/");
  GaussianCopula loaded;
  loaded.load(ArchiveReader::parse(writer.serialize(), "m.synthtab"), "model/");
  EXPECT_EQ(loaded.sample(0, 300, 2).data, model.sample(0, 300, 2).data);
}

// Parametric marginals against SciPy's maximum-likelihood fits (tests/data/gen_copula_oracle.py).
TEST(GaussianCopula, ParametricMarginalsEqualScipyFits) {
  std::ifstream file(std::string(SYNTHTAB_TEST_DATA) + "/copula_oracle.json");
  ASSERT_TRUE(file.good());
  const auto oracle = nlohmann::json::parse(file);
  ASSERT_GE(oracle.at("cases").size(), 6u);
  for (const auto& c : oracle.at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    const auto values = c.at("values").get<std::vector<double>>();
    for (const auto& [family, expected] : c.at("families").items()) {
      SCOPED_TRACE(family);
      const Marginal fitted = fit_marginal_family(values, family);
      EXPECT_EQ(fitted.family, family);
      const auto parameters = expected.at("parameters").get<std::vector<double>>();
      ASSERT_EQ(fitted.parameters.size(), parameters.size());
      // Closed forms agree to rounding; gamma and beta are solved iteratively on both sides.
      const double tolerance = family == "gamma" || family == "beta" ? 1e-5 : 1e-9;
      for (size_t i = 0; i < parameters.size(); ++i)
        EXPECT_NEAR(fitted.parameters[i], parameters[i], tolerance * std::max(1.0, std::abs(parameters[i])));
      EXPECT_NEAR(fitted.aic, expected.at("aic").get<double>(), 1e-6 * std::abs(expected.at("aic").get<double>()));
    }
    EXPECT_EQ(fit_parametric_marginal(values).family, c.at("best").get<std::string>());
  }
}

// A model file's gamma or beta shape beyond 1e6 is refused at load: Boost's inverse incomplete
// beta at shapes near 1e300 overflows an int and never returns.
TEST(GaussianCopula, ParametricShapesBeyondTheBoundAreInvalid) {
  EXPECT_TRUE(valid_parameters({"beta", {1e6, 0.5, 0.0, 1.0}, 0.0}));
  EXPECT_FALSE(valid_parameters({"beta", {1e300, 1e300, 0.0, 1.0}, 0.0}));
  EXPECT_FALSE(valid_parameters({"beta", {2.0, 1.5e6, 0.0, 1.0}, 0.0}));
  EXPECT_TRUE(valid_parameters({"gamma", {1e6, 0.0, 2.0}, 0.0}));
  EXPECT_FALSE(valid_parameters({"gamma", {2e6, 0.0, 2.0}, 0.0}));
  EXPECT_FALSE(valid_parameters({"gamma", {0.0, 0.0, 2.0}, 0.0}));
}

// Far in a tail, the inverse incomplete beta in double gives up; the quantile is its last estimate,
// as SciPy 1.10's beta.ppf returns (values below from it), never an exception.
TEST(GaussianCopula, ABetaQuantileFarInTheTailIsItsBestEstimate) {
  const Marginal beta{"beta", {2.0, 0.5, -1.25, 3.5}, 0.0};
  EXPECT_NEAR(marginal_quantile(beta, 0.5), -1.25 + 3.5 * 0.8793852415718169, 1e-12);
  EXPECT_NEAR(marginal_quantile(beta, 0.9999), -1.25 + 3.5 * 0.9999999955555555, 1e-12);
  for (double u : {1.0 - 1e-8, 1.0 - 1e-10, 1.0 - 1e-12}) EXPECT_NEAR(marginal_quantile(beta, u), 2.25, 1e-12) << u;
}

TEST(GaussianCopula, ParametricMarginalsSampleTheirFamilyAndSurviveSaveLoad) {
  Rng rng(3);
  Matrix real(3000, 2);
  for (int64_t r = 0; r < real.rows; ++r) {
    const double z = rng.normal();
    real(r, 0) = static_cast<float>(0.5 * std::erfc(-z / std::sqrt(2.0)));  // uniform on (0, 1)
    real(r, 1) = static_cast<float>(0.8 * z + 0.6 * rng.normal());          // normal, correlated
  }
  const std::vector<ModelColumn> layout = {{ModelColumnKind::Continuous, 0, "a"},
                                           {ModelColumnKind::Continuous, 0, "b"}};
  FitOptions options;
  options.parameters.set("marginals", "parametric");
  GaussianCopula model;
  model.fit(real, layout, options);
  ASSERT_EQ(model.marginals().size(), 2u);
  EXPECT_EQ(model.marginals()[0].family, "uniform");
  EXPECT_EQ(model.marginals()[1].family, "normal");
  const Matrix synthetic = model.sample(0, 20000, 9);
  EXPECT_NEAR(spearman(synthetic, 0, 1), spearman(real, 0, 1), 0.03);
  std::vector<float> a, b;
  for (int64_t r = 0; r < real.rows; ++r) a.push_back(real(r, 0));
  for (int64_t r = 0; r < synthetic.rows; ++r) b.push_back(synthetic(r, 0));
  std::nth_element(a.begin(), a.begin() + a.size() / 2, a.end());
  std::nth_element(b.begin(), b.begin() + b.size() / 2, b.end());
  EXPECT_NEAR(b[b.size() / 2], a[a.size() / 2], 0.03);
  ArchiveWriter writer;
  model.save(writer, "model/");
  GaussianCopula loaded;
  loaded.load(ArchiveReader::parse(writer.serialize(), "m.synthtab"), "model/");
  EXPECT_EQ(loaded.marginals()[0].family, "uniform");
  EXPECT_EQ(loaded.sample(0, 500, 9).data, model.sample(0, 500, 9).data);
}

// A damaged state is refused with Error(ModelFile) and a message of ours, not the JSON library's.
TEST(GaussianCopula, RefusesDamagedParametricStateWithAClearMessage) {
  GaussianCopula model;
  model.fit(draw(100, 0.5, 4), layout(), {});
  ArchiveWriter writer;
  model.save(writer, "model/");
  const ArchiveReader good = ArchiveReader::parse(writer.serialize(), "m.synthtab");
  auto state = nlohmann::json::parse(good.get("model/copula"));
  const std::vector<std::pair<std::string, nlohmann::json>> damage = {
      {"marginals", nlohmann::json::array({{{"family", "cauchy"}, {"parameters", {0, 1}}},
                                           {{"family", "empirical"}, {"parameters", nlohmann::json::array()}},
                                           {{"family", "empirical"}, {"parameters", nlohmann::json::array()}}})},
      {"marginals", nlohmann::json::array({{{"family", "normal"}, {"parameters", {0, -1}}},
                                           {{"family", "empirical"}, {"parameters", nlohmann::json::array()}},
                                           {{"family", "empirical"}, {"parameters", nlohmann::json::array()}}})},
      {"marginals", "normal"},
      {"version", 1},
      {"cholesky", {1.0}},
      {"sorted", {{2.0, 1.0}, {1.0}, {1.0}}},
      {"columns", "three"},
  };
  for (const auto& [key, value] : damage) {
    auto broken = state;
    broken[key] = value;
    ArchiveWriter out;
    out.put("model/copula", broken.dump());
    GaussianCopula target;
    try {
      target.load(ArchiveReader::parse(out.serialize(), "m.synthtab"), "model/");
      ADD_FAILURE() << key << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
      const std::string message = e.what();
      EXPECT_EQ(message.rfind("m.synthtab: the copula state ", 0), 0u) << message;
      EXPECT_EQ(message.find("json"), std::string::npos) << message;
    }
  }
}

// More columns than rows: the correlation is kept as a low-rank factor, so a 20,000-column,
// 3-row table fits and samples in moments instead of factoring a 20,000 x 20,000 matrix.
TEST(GaussianCopula, WideTablesUseALowRankFactor) {
  Rng rng(5);
  const int64_t cols = 20000;
  Matrix real(3, cols);
  for (int64_t r = 0; r < 3; ++r)
    for (int64_t c = 0; c < cols; ++c) real(r, c) = static_cast<float>(rng.uniform() * 2 - 1);
  std::vector<ModelColumn> wide(static_cast<size_t>(cols));
  const auto start = std::chrono::steady_clock::now();
  GaussianCopula model;
  model.fit(real, wide, {});
  const Matrix synthetic = model.sample(0, 20, 1);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 30.0);
  EXPECT_TRUE(model.low_rank());
  for (int64_t c = 0; c < cols; c += 997) {
    const float lo = std::min({real(0, c), real(1, c), real(2, c)}),
                hi = std::max({real(0, c), real(1, c), real(2, c)});
    for (int64_t r = 0; r < synthetic.rows; ++r) {
      EXPECT_GE(synthetic(r, c), lo);
      EXPECT_LE(synthetic(r, c), hi);
    }
  }
  ArchiveWriter writer;
  model.save(writer, "model/");
  GaussianCopula loaded;
  loaded.load(ArchiveReader::parse(writer.serialize(), "m.synthtab"), "model/");
  EXPECT_EQ(loaded.sample(0, 20, 1).data, synthetic.data);
  // On a small wide table the factor gives the same correlation as the scores' own.
  Matrix small(4, 6);
  for (int64_t r = 0; r < 4; ++r)
    for (int64_t c = 0; c < 6; ++c) small(r, c) = static_cast<float>(rng.uniform());
  GaussianCopula compact;
  compact.fit(small, std::vector<ModelColumn>(6), {});
  const auto correlation = compact.correlation();
  for (int i = 0; i < 6; ++i) {
    EXPECT_DOUBLE_EQ(correlation[static_cast<size_t>(i * 6 + i)], 1.0);
    for (int j = 0; j < 6; ++j) EXPECT_LE(std::abs(correlation[static_cast<size_t>(i * 6 + j)]), 1.0 + 1e-12);
  }
}

// --- dependence refitted from sums over more rows (fits across machines) ----------------------

Matrix rows_of(const Matrix& m, int64_t first, int64_t count) {
  Matrix out(count, m.cols);
  for (int64_t r = 0; r < count; ++r)
    for (int64_t c = 0; c < m.cols; ++c) out(r, c) = m(first + r, c);
  return out;
}

double largest_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double largest = 0.0;
  for (size_t i = 0; i < a.size(); ++i) largest = std::max(largest, std::abs(a[i] - b[i]));
  return largest;
}

TEST(GaussianCopulaDependence, SumsOfDisjointRowsAddUpToTheSumsOfAll) {
  const MissingData data = draw_missing(3000, 21);
  GaussianCopula model;
  model.fit(rows_of(data.m, 0, 500), data.layout, {});
  DependenceSums halves = model.dependence_sums(rows_of(data.m, 0, 1200), data.layout, 1);
  halves += model.dependence_sums(rows_of(data.m, 1200, 1800), data.layout, 2);
  const std::vector<double> whole = model.dependence_sums(data.m, data.layout, 3).to_vector();
  const std::vector<double> added = halves.to_vector();
  ASSERT_EQ(added.size(), whole.size());
  EXPECT_EQ(added[0], 3000.0);
  for (size_t i = 0; i < whole.size(); ++i) EXPECT_NEAR(added[i], whole[i], 1e-9 * (1.0 + std::abs(whole[i]))) << i;
  // Sent as numbers and read back, they are the same sums; a wrong length is refused.
  const DependenceSums back = DependenceSums::from_vector(added, data.m.cols);
  EXPECT_EQ(back.to_vector(), added);
  const std::vector<double> short_by_one(added.begin(), added.end() - 1);
  EXPECT_THROW(DependenceSums::from_vector(short_by_one, data.m.cols), Error);
}

TEST(GaussianCopulaDependence, RefitOnTheTrainingRowsKeepsTheCorrelation) {
  for (const bool with_missing : {false, true}) {
    SCOPED_TRACE(with_missing);
    const MissingData missing = draw_missing(2000, 22);
    const Matrix plain = draw(2000, 0.6, 23);
    const Matrix& data = with_missing ? missing.m : plain;
    const std::vector<ModelColumn> columns = with_missing ? missing.layout : layout();
    GaussianCopula model;
    model.fit(data, columns, {});
    const std::vector<double> fitted = model.correlation();
    model.refit_dependence(model.dependence_sums(data, columns, 4), columns);
    // The scores differ only where ties were broken at random (here: category levels).
    EXPECT_LT(largest_difference(model.correlation(), fitted), 0.02);
  }
}

TEST(GaussianCopulaDependence, RefitOnManyMoreRowsFindsTheCorrelationASmallSampleMissed) {
  // Fitted on 2,000 rows, the latent correlation is off by its sampling error; refitted on the
  // sums of 200,000 rows (in 8 parts, as partitions), against the same marginals, it is close to
  // the population's.
  const MissingData big = draw_missing(200'000, 24);
  GaussianCopula small_fit;
  small_fit.fit(rows_of(big.m, 0, 2000), big.layout, {});
  GaussianCopula big_fit;
  big_fit.fit(big.m, big.layout, {});
  DependenceSums sums(big.m.cols);
  for (int part = 0; part < 8; ++part)
    sums += small_fit.dependence_sums(rows_of(big.m, part * 25'000, 25'000), big.layout, static_cast<uint64_t>(part));
  const double before = largest_difference(small_fit.correlation(), big_fit.correlation());
  small_fit.refit_dependence(sums, big.layout);
  const double after = largest_difference(small_fit.correlation(), big_fit.correlation());
  EXPECT_GT(before, 0.015);
  EXPECT_LT(after, 0.01) << "before: " << before;
  EXPECT_LT(after, before / 3) << "before: " << before;
}

TEST(GaussianCopulaDependence, ALowRankModelRefusesToRefit) {
  Rng rng(5);
  Matrix wide(3, 5);
  for (auto& v : wide.data) v = static_cast<float>(rng.uniform());
  GaussianCopula model;
  model.fit(wide, std::vector<ModelColumn>(5), {});
  ASSERT_TRUE(model.low_rank());
  EXPECT_THROW(
      model.refit_dependence(model.dependence_sums(wide, std::vector<ModelColumn>(5), 0), std::vector<ModelColumn>(5)),
      Error);
}

}  // namespace
}  // namespace synthtab
