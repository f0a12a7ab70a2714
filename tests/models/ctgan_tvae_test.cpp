// ctgan and tvae, reached as a user reaches them: through the registry, which loads the
// LibTorch plugin.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/errors.hpp"
#include "support/test_paths.hpp"
#include "synthtab/core/archive.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/models/registry.hpp"
#include "transform/column_builders.hpp"

namespace synthtab {
namespace {

// What the pipeline hands these models: a standardised bimodal column (40 % near -1.5, 60 %
// near 1.0), a 3-category column (positions -1, 0, 1 with 60 / 30 / 10 %) that depends on the
// mode, and a standard normal column.
struct ModelData {
  Matrix data;
  std::vector<ModelColumn> layout;
};

ModelData two_mode_table(int64_t rows, uint64_t seed) {
  ModelData t{Matrix(rows, 3), {}};
  t.layout = {{ModelColumnKind::Continuous, 0, "x"},
              {ModelColumnKind::Categorical, 3, "c"},
              {ModelColumnKind::Continuous, 0, "y"}};
  Rng rng(seed);
  for (int64_t r = 0; r < rows; ++r) {
    const bool low = rng.uniform() < 0.4;
    t.data(r, 0) = static_cast<float>(low ? -1.5 + 0.2 * rng.normal() : 1.0 + 0.3 * rng.normal());
    const double u = rng.uniform();
    // Category 2 (position 1) only in the high mode; overall 60 / 30 / 10 %.
    const int category = low ? (u < 0.75 ? 0 : 1) : (u < 0.5 ? 0 : u < 0.8333 ? 1 : 2);
    t.data(r, 1) = static_cast<float>(category - 1);
    t.data(r, 2) = static_cast<float>(rng.normal());
  }
  return t;
}

FitOptions options(int epochs, uint64_t seed = 11) {
  FitOptions o;
  o.seed = seed;
  o.threads = 1;
  o.parameters.set("epochs", epochs);
  return o;
}

std::unique_ptr<Synthesizer> fitted(const std::string& model, const ModelData& t, const FitOptions& o,
                                    FitReport* report = nullptr) {
  auto m = ModelRegistry::instance().create(model);
  const FitReport r = m->fit(t.data, t.layout, o);
  if (report) *report = r;
  return m;
}

bool same_bytes(const Matrix& a, const Matrix& b) {
  return a.rows == b.rows && a.cols == b.cols &&
         std::memcmp(a.data.data(), b.data.data(), a.data.size() * sizeof(float)) == 0;
}

class CountingProgress final : public Progress {
 public:
  void begin(const std::string&, long long total) override { this->total = total; }
  void update(long long done, const std::string&) override { last = done, ++updates; }
  void end() override { ended = true; }
  long long total = 0, last = 0, updates = 0;
  bool ended = false;
};

class CtganTvae : public ::testing::TestWithParam<std::string> {};

TEST_P(CtganTvae, RegisteredAndListed) {
  bool listed = false;
  for (const auto& info : ModelRegistry::instance().list())
    listed = listed || (info.name == GetParam() && !info.description.empty());
  EXPECT_TRUE(listed);
  EXPECT_EQ(ModelRegistry::instance().create(GetParam())->name(), GetParam());
}

// Shapes, valid categories, per-epoch progress, and the same seed giving the same bytes (fit and
// sample); any split of the rows gives the same rows.
TEST_P(CtganTvae, SeededShapesAndDeterminism) {
  const ModelData t = two_mode_table(600, 1);
  CountingProgress progress;
  FitOptions o = options(3);
  o.progress = &progress;
  FitReport report;
  const auto a = fitted(GetParam(), t, o, &report);
  EXPECT_EQ(progress.total, 3);
  EXPECT_EQ(progress.updates, 3);
  EXPECT_TRUE(progress.ended);
  EXPECT_EQ(report.generator_loss.size(), 3u);
  EXPECT_EQ(report.settings.at("epochs"), "3");
  EXPECT_EQ(report.settings.at("batch_size"), "500");

  const Matrix rows = a->sample(0, 2500, 5);
  ASSERT_EQ(rows.rows, 2500);
  ASSERT_EQ(rows.cols, 3);
  for (int64_t r = 0; r < rows.rows; ++r) {
    EXPECT_TRUE(std::isfinite(rows(r, 0)) && std::isfinite(rows(r, 2)));
    const float c = rows(r, 1);
    EXPECT_TRUE(c == -1.0f || c == 0.0f || c == 1.0f) << c;
  }
  const auto b = fitted(GetParam(), t, options(3));
  EXPECT_TRUE(same_bytes(rows, b->sample(0, 2500, 5)));
  EXPECT_FALSE(same_bytes(rows, b->sample(0, 2500, 6)));
  const auto c = fitted(GetParam(), t, options(3, 12));
  EXPECT_FALSE(same_bytes(rows, c->sample(0, 2500, 5)));

  // Rows 1500..2199 asked for alone equal the same rows of the whole run.
  const Matrix part = a->sample(1500, 700, 5);
  EXPECT_EQ(std::memcmp(part.data.data(), rows.row(1500), part.data.size() * sizeof(float)), 0);

  // The rows do not depend on how many threads sample them (a 2-thread fit leaves LibTorch at 2
  // threads, so the next sample runs its blocks on 2 workers).
  FitOptions two = options(1);
  two.threads = 2;
  fitted(GetParam(), t, two);
  EXPECT_TRUE(same_bytes(rows, a->sample(0, 2500, 5)));
}

TEST_P(CtganTvae, SaveLoadGivesTheSameRows) {
  const ModelData t = two_mode_table(300, 2);
  const auto a = fitted(GetParam(), t, options(2));
  ArchiveWriter writer;
  a->save(writer, "model/");
  const auto reader = ArchiveReader::parse(writer.serialize(), "round.synthtab");
  auto b = ModelRegistry::instance().create(GetParam());
  b->load(reader, "model/");
  EXPECT_TRUE(same_bytes(a->sample(0, 1100, 9), b->sample(0, 1100, 9)));
}

// A hand-edited model file is refused with one clean message naming the file and section.
TEST_P(CtganTvae, DamagedModelFileIsRefused) {
  const ModelData t = two_mode_table(200, 3);
  const auto a = fitted(GetParam(), t, options(1));
  ArchiveWriter writer;
  a->save(writer, "model/");
  const auto good = ArchiveReader::parse(writer.serialize(), "good.synthtab");
  const auto meta = nlohmann::json::parse(good.get("model/meta"));
  const std::string weights = good.get("model/weights");

  auto refused = [&](const nlohmann::json& m, const std::string& w, const std::string& expect) {
    ArchiveWriter bad;
    bad.put("model/meta", m.dump());
    bad.put("model/weights", w);
    const auto reader = ArchiveReader::parse(bad.serialize(), "bad.synthtab");
    auto model = ModelRegistry::instance().create(GetParam());
    const std::string message = testing::error_of([&] { model->load(reader, "model/"); }, ErrorKind::ModelFile);
    EXPECT_NE(message.find("bad.synthtab"), std::string::npos) << message;
    EXPECT_NE(message.find(expect), std::string::npos) << message;
    EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
  };
  nlohmann::json m = meta;
  m["model"] = GetParam() == "ctgan" ? "tvae" : "ctgan";
  refused(m, weights, "holds a");
  m = meta;
  m["transformer"]["columns"][0]["stds"][0] = -1.0;
  refused(m, weights, "standard deviation");
  m = meta;
  m["transformer"]["columns"][0]["means"].push_back(0.5);  // one mode more than weights
  refused(m, weights, "stds");
  m = meta;
  m["transformer"]["columns"][1]["categories"] = 4;  // the network has 3 slots
  refused(m, weights, "frequencies");
  m = meta;
  m.erase("frequencies");
  refused(m, weights, "'frequencies' is missing");
  refused(meta, weights.substr(0, weights.size() - 4), "ends early");
  std::string nan_weights = weights;
  const float nan = std::nanf("");
  std::memcpy(nan_weights.data() + nan_weights.size() - sizeof(float), &nan, sizeof(float));
  refused(meta, nan_weights, "not finite");
  refused(nlohmann::json::array(), weights, "not a JSON object");
}

TEST_P(CtganTvae, RefusesBadSettings) {
  const ModelData t = two_mode_table(50, 4);
  FitOptions o = options(1);
  o.parameters.set("epochs", -1);
  testing::error_of([&] { fitted(GetParam(), t, o); }, ErrorKind::Usage);
  if (GetParam() == "ctgan") {
    o = options(1);
    o.parameters.set("batch_size", 25);  // not a multiple of the PacGAN group of 10
    testing::error_of([&] { fitted(GetParam(), t, o); }, ErrorKind::Usage);
  }
  auto m = ModelRegistry::instance().create(GetParam());
  testing::error_of([&] { m->sample(0, 1, 1); }, ErrorKind::Usage);
}

// Learning, on 2,000 rows: the mode shares of the bimodal column (real: 0.39 and 0.57 inside
// the windows below) and the category frequencies (0.6, 0.3, 0.1).
struct Learned {
  double low = 0.0, high = 0.0;  // shares of rows inside each mode's window
  double category[3] = {0, 0, 0};
};

Learned learned(const std::string& model, int epochs, int batch) {
  const ModelData t = two_mode_table(2000, 5);
  FitOptions o = options(epochs);
  o.parameters.set("batch_size", batch);
  const auto m = fitted(model, t, o);
  const Matrix rows = m->sample(0, 4000, 3);
  Learned out;
  const double n = static_cast<double>(rows.rows);
  for (int64_t r = 0; r < rows.rows; ++r) {
    out.low += (rows(r, 0) < -1.0 && rows(r, 0) > -2.1) / n;
    out.high += (rows(r, 0) > 0.4 && rows(r, 0) < 1.6) / n;
    out.category[static_cast<int>(rows(r, 1)) + 1] += 1.0 / n;
  }
  return out;
}

double category_error(const Learned& l) {
  return std::max({std::abs(l.category[0] - 0.6), std::abs(l.category[1] - 0.3), std::abs(l.category[2] - 0.1)});
}

// After a short fit both modes are there, most values sit inside them, and the categories come
// in their real frequencies within 0.05 (an untrained network gives about a third each, so that
// check fails at 0 epochs). tvae also gets the mode shares within 0.08. A GAN's mode shares
// oscillate from epoch to epoch (0.23 to 0.58 for the low mode between 20 and 200 epochs here),
// so ctgan is only asked for both modes with at least 0.2 each.
TEST_P(CtganTvae, LearnsModesAndFrequencies) {
#if defined(__SANITIZE_ADDRESS__)
  // 2,000+ training steps take ~40 s in the Debug sanitizer build; the fit and sample code paths
  // are covered there by the shorter tests, and the learning itself by the Release suite.
  GTEST_SKIP() << "learning is checked in the Release suite";
#endif
  const bool ctgan = GetParam() == "ctgan";
  const int epochs = ctgan ? 40 : 200;  // tvae's argmax categories need ~2,000 updates
  const int batch = 200;
  EXPECT_GT(category_error(learned(GetParam(), 0, batch)), 0.1);
  const Learned l = learned(GetParam(), epochs, batch);
  EXPECT_LT(category_error(l), 0.05);
  EXPECT_GT(l.low, 0.2);
  EXPECT_GT(l.high, 0.2);
  EXPECT_GT(l.low + l.high, 0.7);  // real: 0.96; an untrained generator spreads values
  if (!ctgan) {
    EXPECT_NEAR(l.low, 0.39, 0.08);
    EXPECT_NEAR(l.high, 0.57, 0.08);
  }
}

// End to end through the engine: the pipeline hands these models standardised numbers (not the
// seed's quantiles), and the rows come back in the table's types, categories and ranges; a saved
// and reloaded model gives the same rows.
TEST_P(CtganTvae, EndToEndThroughThePipeline) {
  Rng rng(8);
  std::vector<double> amount, count;
  std::vector<std::string> kind;
  for (int r = 0; r < 300; ++r) {
    const bool low = rng.uniform() < 0.5;
    amount.push_back(std::round((low ? 20.0 + 3.0 * rng.normal() : 900.0 + 50.0 * rng.normal()) * 100) / 100);
    count.push_back(static_cast<double>(rng.below(40)));
    kind.push_back(low ? "small" : rng.uniform() < 0.7 ? "large" : "huge");
  }
  Table table;
  table.columns = {testing::numeric_column("amount", ColumnType::Float, amount),
                   testing::numeric_column("count", ColumnType::Integer, count),
                   testing::categorical_column("kind", kind)};
  SynthesisOptions options;
  options.model = GetParam();
  options.fit = synthtab::FitOptions{};
  options.fit.seed = 4;
  options.fit.threads = 1;
  options.fit.parameters.set("epochs", 2);
  const FittedModel model = FittedModel::fit_table(table, options);
  EXPECT_NE(model.pipeline().save().find("\"standard\""), std::string::npos);
  const Table rows = model.sample(0, 600, 3);
  ASSERT_EQ(rows.columns.size(), 3u);
  ASSERT_EQ(rows.rows(), 600);
  for (int64_t r = 0; r < rows.rows(); ++r) {
    const double a = rows.columns[0].values[static_cast<size_t>(r)];
    EXPECT_TRUE(a >= *std::min_element(amount.begin(), amount.end()) &&
                a <= *std::max_element(amount.begin(), amount.end()))
        << a;
    EXPECT_EQ(std::round(a * 100) / 100, a);
    const double c = rows.columns[1].values[static_cast<size_t>(r)];
    EXPECT_TRUE(c >= 0 && c <= 39 && c == std::round(c)) << c;
    const int32_t code = rows.columns[2].codes[static_cast<size_t>(r)];
    EXPECT_TRUE(code >= 0 && code < 3) << code;
  }
  const auto dir = testing::scratch_dir("ctgan-tvae-" + GetParam());
  const std::string path = (dir / "model.synthtab").string();
  model.save(path);
  const FittedModel loaded = FittedModel::load(path);
  const Table again = loaded.sample(0, 600, 3);
  EXPECT_EQ(again.columns[0].values, rows.columns[0].values);
  EXPECT_EQ(again.columns[1].values, rows.columns[1].values);
  EXPECT_EQ(again.columns[2].codes, rows.columns[2].codes);
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Models, CtganTvae, ::testing::Values("ctgan", "tvae"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace synthtab
