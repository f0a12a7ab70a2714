// The seed's neural models (wgan, gan), reached as a user reaches them: through the registry,
// which loads the LibTorch plugin. Only the plugin's LibTorch-free header is included.
#include "synthtab/models/torch/nbsynthetic_gan.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "synthtab/core/archive.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

std::vector<ModelColumn> layout_for(int64_t cols) {
  std::vector<ModelColumn> layout(static_cast<size_t>(cols));
  for (int64_t c = 0; c < cols; ++c) layout[static_cast<size_t>(c)].source = std::to_string(c);
  return layout;
}

// Uniform rows in [-1, 1] (what the transform step hands to a model).
Matrix uniform_data(int64_t rows, int64_t cols, uint64_t seed) {
  Matrix m(rows, cols);
  Rng rng(seed);
  for (auto& v : m.data) v = static_cast<float>(2.0 * rng.uniform() - 1.0);
  return m;
}

// x ~ U(-0.8, -0.2), y = -x + N(0, 0.02): a narrow band far from the untrained generator's output.
Matrix line_data(int64_t rows, uint64_t seed) {
  Matrix m(rows, 2);
  Rng rng(seed);
  for (int64_t r = 0; r < rows; ++r) {
    const double x = -0.8 + 0.6 * rng.uniform();
    m(r, 0) = static_cast<float>(x);
    m(r, 1) = static_cast<float>(-x + 0.02 * rng.normal());
  }
  return m;
}

std::vector<double> column_means(const Matrix& m) {
  std::vector<double> mean(static_cast<size_t>(m.cols), 0.0);
  for (int64_t r = 0; r < m.rows; ++r)
    for (int64_t c = 0; c < m.cols; ++c) mean[static_cast<size_t>(c)] += m(r, c);
  for (auto& v : mean) v /= static_cast<double>(m.rows);
  return mean;
}

double distance(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += (a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(s);
}

FitOptions quick_options(int epochs, uint64_t seed = 7) {
  FitOptions o;
  o.seed = seed;
  o.threads = 1;
  o.parameters.set("epochs", epochs);
  return o;
}

std::unique_ptr<Synthesizer> fitted(const std::string& model, const Matrix& data, const FitOptions& options,
                                    FitReport* report = nullptr) {
  auto m = ModelRegistry::instance().create(model);
  FitReport r = m->fit(data, layout_for(data.cols), options);
  if (report) *report = r;
  return m;
}

const NbsyntheticGanInspector& inspect(const Synthesizer& s) {
  const auto* inspector = dynamic_cast<const NbsyntheticGanInspector*>(&s);
  EXPECT_NE(inspector, nullptr);
  return *inspector;
}

ErrorKind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  ADD_FAILURE() << "no synthtab::Error thrown";
  return ErrorKind::Interrupted;
}

class RecordingProgress final : public Progress {
 public:
  void begin(const std::string& p, long long t) override {
    phase = p;
    total = t;
  }
  void update(long long d, const std::string& detail) override {
    EXPECT_EQ(d, last + 1);
    last = d;
    ++updates;
    EXPECT_EQ(detail.rfind("D ", 0), 0u) << detail;
    EXPECT_NE(detail.find(" G "), std::string::npos) << detail;
  }
  void end() override { ++ends; }
  std::string phase;
  long long total = -1, last = 0, updates = 0, ends = 0;
};

TEST(NbsyntheticGan, RegistryListsAndCreatesBothModels) {
  EXPECT_NE(std::getenv("OMP_WAIT_POLICY"), nullptr);  // tests/support/tuned_process.cpp, before the plugin loads
  auto& registry = ModelRegistry::instance();
  for (const std::string name : {"wgan", "gan"}) {
    const auto models = registry.list();
    const auto it = std::find_if(models.begin(), models.end(), [&](const ModelTraits& m) { return m.name == name; });
    ASSERT_NE(it, models.end()) << name;
    EXPECT_TRUE(it->needs_torch);
    auto model = registry.create(name);
    ASSERT_NE(model, nullptr);
    EXPECT_EQ(model->name(), name);
  }
}

TEST(NbsyntheticGan, BatchSizeRuleFollowsTheSeedAndFillsItsSmallTableHole) {
  // The seed: 48 above 48 rows, else (int(rows / 8) - 1) * 8.
  EXPECT_EQ(nbsynthetic_batch_size(2000), 48);
  EXPECT_EQ(nbsynthetic_batch_size(49), 48);
  EXPECT_EQ(nbsynthetic_batch_size(48), 40);
  EXPECT_EQ(nbsynthetic_batch_size(47), 32);
  EXPECT_EQ(nbsynthetic_batch_size(19), 8);
  EXPECT_EQ(nbsynthetic_batch_size(16), 8);
  // Below 16 rows the seed gives 0 or less; ours: the largest even number <= rows / 2, >= 4.
  EXPECT_EQ(nbsynthetic_batch_size(5), 4);
  EXPECT_EQ(nbsynthetic_batch_size(15), 6);
  int previous = 0;
  for (int64_t rows = 1; rows <= 200; ++rows) {
    const int b = nbsynthetic_batch_size(rows);
    EXPECT_GE(b, 4) << rows;
    EXPECT_EQ(b % 2, 0) << rows;
    EXPECT_GE(b, previous) << rows;
    previous = b;
  }
  // The seed's iterations: int(rows / half) (+1 if rows % batch != 0).
  EXPECT_EQ(nbsynthetic_iterations_per_epoch(2000, 48), 84);  // 2000 / 24 = 83, remainder 32
  EXPECT_EQ(nbsynthetic_iterations_per_epoch(19, 8), 5);
  EXPECT_EQ(nbsynthetic_iterations_per_epoch(16, 8), 4);
}

TEST(NbsyntheticGan, FitReportsEffectiveSettingsAndTheRuleTheFitUsed) {
  for (const auto& [rows, batch, iterations] :
       std::vector<std::tuple<int64_t, int, int>>{{5, 4, 3}, {19, 8, 5}, {49, 48, 3}}) {
    FitReport report;
    fitted("wgan", uniform_data(rows, 4, 1), quick_options(1), &report);
    EXPECT_EQ(report.settings.at("batch_size"), std::to_string(batch)) << rows;
    EXPECT_EQ(report.settings.at("iterations_per_epoch"), std::to_string(iterations)) << rows;
    EXPECT_EQ(report.settings.at("latent"), "3");  // int(3 * 4 / 4)
    EXPECT_EQ(report.settings.at("model"), "wgan");
    EXPECT_EQ(report.settings.at("epochs"), "1");
    EXPECT_EQ(report.settings.at("critic_steps"), "1");
    EXPECT_EQ(report.settings.at("threads"), "1");
    EXPECT_EQ(std::stod(report.settings.at("learning_rate")), 2e-4);
    EXPECT_EQ(std::stod(report.settings.at("critic_learning_rate")), 1e-3);
    EXPECT_EQ(std::stod(report.settings.at("dropout")), 0.5);
    ASSERT_EQ(report.critic_loss.size(), 1u);
    ASSERT_EQ(report.generator_loss.size(), 1u);
    EXPECT_TRUE(std::isfinite(report.critic_loss[0]));
    EXPECT_TRUE(std::isfinite(report.generator_loss[0]));
    EXPECT_GT(report.seconds, 0.0);
  }
  FitOptions o = quick_options(2);
  o.parameters.set("batch_size", 10);
  o.parameters.set("learning_rate", 1e-3);
  o.parameters.set("critic_learning_rate", 5e-4);
  o.parameters.set("dropout", 0.25);
  o.parameters.set("critic_steps", 3);
  FitReport report;
  auto model = fitted("gan", uniform_data(30, 2, 3), o, &report);
  EXPECT_EQ(report.settings.at("model"), "gan");
  EXPECT_EQ(report.settings.at("batch_size"), "10");
  EXPECT_EQ(report.settings.at("iterations_per_epoch"), "6");  // 30 / 5, 30 % 10 == 0
  EXPECT_EQ(report.settings.at("latent"), "1");                // int(3 * 2 / 4) = 1
  EXPECT_EQ(std::stod(report.settings.at("learning_rate")), 1e-3);
  EXPECT_EQ(std::stod(report.settings.at("critic_learning_rate")), 5e-4);
  EXPECT_EQ(std::stod(report.settings.at("dropout")), 0.25);
  EXPECT_EQ(report.settings.at("critic_steps"), "3");
  EXPECT_EQ(report.critic_loss.size(), 2u);
  EXPECT_EQ(inspect(*model).latent_size(), 1);
}

TEST(NbsyntheticGan, LatentIsAtLeastOneForASingleColumn) {
  auto model = fitted("wgan", uniform_data(20, 1, 2), quick_options(1));
  EXPECT_EQ(inspect(*model).latent_size(), 1);
  EXPECT_EQ(model->sample(0, 10, 1).cols, 1);
}

TEST(NbsyntheticGan, SampleShapesAndRange) {
  for (const std::string name : {"wgan", "gan"}) {
    auto model = fitted(name, uniform_data(19, 4, 5), quick_options(3));
    const Matrix m = model->sample(0, 2500, 11);
    EXPECT_EQ(m.rows, 2500);
    EXPECT_EQ(m.cols, 4);
    ASSERT_EQ(m.data.size(), 2500u * 4u);
    for (float v : m.data) {
      ASSERT_TRUE(std::isfinite(v)) << name;
      ASSERT_GE(v, -1.0f) << name;
      ASSERT_LE(v, 1.0f) << name;
    }
    const Matrix far = model->sample(1'000'000'000'000LL, 3, 11);
    EXPECT_EQ(far.rows, 3);
    EXPECT_EQ(model->sample(17, 0, 11).rows, 0);
    // Not a constant output: the rows differ from each other.
    EXPECT_NE(std::vector<float>(m.row(0), m.row(0) + 4), std::vector<float>(m.row(1), m.row(1) + 4));
  }
}

TEST(NbsyntheticGan, SameSeedGivesBitIdenticalWeightsAndSamples) {
  const Matrix data = uniform_data(60, 3, 9);
  for (const std::string name : {"wgan", "gan"}) {
    for (int threads : {1, 2}) {
      FitOptions o = quick_options(2, 123);
      o.threads = threads;
      o.parameters.set("critic_steps", 2);
      auto a = fitted(name, data, o);
      auto b = fitted(name, data, o);
      ArchiveWriter wa, wb;
      a->save(wa, "m/");
      b->save(wb, "m/");
      const auto ra = ArchiveReader::parse(wa.serialize(), "a");
      const auto rb = ArchiveReader::parse(wb.serialize(), "b");
      EXPECT_EQ(ra.get("m/generator"), rb.get("m/generator")) << name << " threads " << threads;
      EXPECT_EQ(a->sample(0, 500, 4).data, b->sample(0, 500, 4).data) << name;

      FitOptions other = o;
      other.seed = 124;
      auto c = fitted(name, data, other);
      EXPECT_NE(a->sample(0, 500, 4).data, c->sample(0, 500, 4).data) << name;
      // A different sampling seed gives different rows from the same model.
      EXPECT_NE(a->sample(0, 500, 4).data, a->sample(0, 500, 5).data) << name;
    }
  }
}

TEST(NbsyntheticGan, ShardsConcatenateToTheUnshardedRowsBitForBit) {
  auto model = fitted("wgan", uniform_data(40, 5, 13), quick_options(2));
  const Matrix whole = model->sample(0, 3000, 77);
  std::vector<float> joined;
  for (const auto& [first, count] : std::vector<std::pair<int64_t, int64_t>>{{0, 1000}, {1000, 1200}, {2200, 800}}) {
    const Matrix part = model->sample(first, count, 77);
    joined.insert(joined.end(), part.data.begin(), part.data.end());
  }
  EXPECT_EQ(joined, whole.data);
  // A single row in the middle of a block equals that row of the whole run.
  const Matrix one = model->sample(1500, 1, 77);
  EXPECT_EQ(std::vector<float>(one.data), std::vector<float>(whole.row(1500), whole.row(1500) + 5));
}

// Sharded generation runs on machines with different core counts: the rows must not depend on
// how many threads sample with (fit's `threads` sets the caller's count).
TEST(NbsyntheticGan, SamplesDoNotDependOnTheThreadCount) {
  const Matrix data = uniform_data(300, 15, 17);
  FitOptions o = quick_options(1);
  auto model = fitted("wgan", data, o);
  const Matrix one_thread = model->sample(0, 5000, 8);
  o.threads = 2;
  fitted("wgan", data, o);  // leaves the caller at 2 LibTorch threads
  const Matrix two_threads = model->sample(0, 5000, 8);
  EXPECT_EQ(one_thread.data, two_threads.data);
}

TEST(NbsyntheticGan, SaveLoadRoundTripSamplesIdentically) {
  for (const std::string name : {"wgan", "gan"}) {
    FitReport report;
    auto model = fitted(name, uniform_data(50, 6, 21), quick_options(2), &report);
    ArchiveWriter writer;
    model->save(writer, "model/");
    const std::string bytes = writer.serialize();
    const auto reader = ArchiveReader::parse(bytes, "round.synthtab");
    EXPECT_TRUE(reader.has("model/meta"));
    EXPECT_TRUE(reader.has("model/generator"));

    auto loaded = ModelRegistry::instance().create(name);
    loaded->load(reader, "model/");
    EXPECT_EQ(loaded->sample(0, 2100, 3).data, model->sample(0, 2100, 3).data) << name;
    EXPECT_EQ(inspect(*loaded).latent_size(), 4);                          // int(3 * 6 / 4)
    EXPECT_TRUE(std::isnan(inspect(*loaded).critic_max_abs_parameter()));  // critic not saved

    // Saving the loaded model gives the same generator bytes again.
    ArchiveWriter again;
    loaded->save(again, "model/");
    EXPECT_EQ(ArchiveReader::parse(again.serialize(), "again").get("model/generator"), reader.get("model/generator"));
  }
}

TEST(NbsyntheticGan, LoadRefusesMismatchedOrDamagedSections) {
  auto model = fitted("wgan", uniform_data(30, 4, 8), quick_options(1));
  ArchiveWriter writer;
  model->save(writer, "m/");
  const auto good = ArchiveReader::parse(writer.serialize(), "good");
  const std::string meta = good.get("m/meta");
  const std::string generator = good.get("m/generator");

  auto load_with = [&](const std::string& model_name, const std::string& meta_text,
                       const std::string& generator_bytes) {
    ArchiveWriter w;
    w.put("m/meta", meta_text);
    w.put("m/generator", generator_bytes);
    const auto reader = ArchiveReader::parse(w.serialize(), "bad.synthtab");
    return kind_of([&] { ModelRegistry::instance().create(model_name)->load(reader, "m/"); });
  };
  // A wgan file is not a gan.
  EXPECT_EQ(load_with("gan", meta, generator), ErrorKind::ModelFile);
  // Truncated weights, extra bytes, a flipped size field.
  EXPECT_EQ(load_with("wgan", meta, generator.substr(0, generator.size() - 4)), ErrorKind::ModelFile);
  EXPECT_EQ(load_with("wgan", meta, generator + "x"), ErrorKind::ModelFile);
  // Meta claiming another width: the tensors no longer match it.
  std::string wider = meta;
  const auto at = wider.find("\"features\":4");
  ASSERT_NE(at, std::string::npos) << wider;
  wider.replace(at, 12, "\"features\":8");
  const auto lat = wider.find("\"latent\":3");
  ASSERT_NE(lat, std::string::npos) << wider;
  wider.replace(lat, 10, "\"latent\":6");
  EXPECT_EQ(load_with("wgan", wider, generator), ErrorKind::ModelFile);
  // Inconsistent latent for the width.
  std::string bad_latent = meta;
  bad_latent.replace(bad_latent.find("\"latent\":3"), 10, "\"latent\":2");
  EXPECT_EQ(load_with("wgan", bad_latent, generator), ErrorKind::ModelFile);
  EXPECT_EQ(load_with("wgan", "{not json", generator), ErrorKind::ModelFile);
  // The untouched sections still load.
  EXPECT_NO_THROW({
    ArchiveWriter w;
    w.put("m/meta", meta);
    w.put("m/generator", generator);
    ModelRegistry::instance().create("wgan")->load(ArchiveReader::parse(w.serialize(), "ok"), "m/");
  });
  // A section missing from the file.
  ArchiveWriter only_meta;
  only_meta.put("m/meta", meta);
  const auto reader = ArchiveReader::parse(only_meta.serialize(), "partial");
  EXPECT_EQ(kind_of([&] { ModelRegistry::instance().create("wgan")->load(reader, "m/"); }), ErrorKind::ModelFile);
}

TEST(NbsyntheticGan, RejectsBadInputAndOptions) {
  auto model = ModelRegistry::instance().create("wgan");
  EXPECT_EQ(kind_of([&] { model->sample(0, 1, 1); }), ErrorKind::Usage);  // not fitted
  const Matrix data = uniform_data(20, 3, 1);
  EXPECT_EQ(kind_of([&] { model->fit(data, layout_for(2), quick_options(1)); }), ErrorKind::Usage);
  EXPECT_EQ(kind_of([&] { model->fit(Matrix(0, 3), layout_for(3), quick_options(1)); }), ErrorKind::Input);
  Matrix with_nan = data;
  with_nan(3, 1) = std::nanf("");
  EXPECT_EQ(kind_of([&] { model->fit(with_nan, layout_for(3), quick_options(1)); }), ErrorKind::Input);
  auto bad = [&](auto tweak) {
    FitOptions o = quick_options(1);
    tweak(o);
    return kind_of([&] { model->fit(data, layout_for(3), o); });
  };
  EXPECT_EQ(bad([](FitOptions& o) { o.parameters.set("batch_size", 2); }), ErrorKind::Usage);
  EXPECT_EQ(bad([](FitOptions& o) { o.parameters.set("epochs", -1); }), ErrorKind::Usage);
  EXPECT_EQ(bad([](FitOptions& o) { o.parameters.set("learning_rate", 0.0); }), ErrorKind::Usage);
  EXPECT_EQ(bad([](FitOptions& o) { o.parameters.set("critic_learning_rate", -1.0); }), ErrorKind::Usage);
  EXPECT_EQ(bad([](FitOptions& o) { o.parameters.set("dropout", 1.0); }), ErrorKind::Usage);
  EXPECT_EQ(bad([](FitOptions& o) { o.parameters.set("critic_steps", 0); }), ErrorKind::Usage);
}

TEST(NbsyntheticGan, ReportsProgressEveryIteration) {
  RecordingProgress progress;
  FitOptions o = quick_options(3);
  o.progress = &progress;
  FitReport report;
  fitted("wgan", uniform_data(19, 3, 2), o, &report);
  EXPECT_EQ(progress.phase, "training");
  EXPECT_EQ(progress.total, 3 * 5);  // 3 epochs x 5 iterations (19 rows, batch 8)
  EXPECT_EQ(progress.updates, 15);
  EXPECT_EQ(progress.ends, 1);
  EXPECT_EQ(report.critic_loss.size(), 3u);
}

// The seed's training let the critic loss run to about -600 and never moved the generator.
// Ours must move the generated rows towards the data, keep the loss bounded and the critic's
// weights clipped.
TEST(NbsyntheticGan, WganLearnsAndKeepsTheCriticClipped) {
  const Matrix data = line_data(500, 31);
  const auto real_mean = column_means(data);

  FitOptions o = quick_options(0, 5);
  o.parameters.set("critic_steps", 5);
  auto untrained = fitted("wgan", data, o);
  const double before = distance(column_means(untrained->sample(0, 2000, 1)), real_mean);

  o.parameters.set("epochs", 15);  // 21 iterations per epoch: 315 generator and 1575 critic updates
  FitReport report;
  auto trained = fitted("wgan", data, o, &report);
  const Matrix synthetic = trained->sample(0, 2000, 1);
  const double after = distance(column_means(synthetic), real_mean);
  EXPECT_LT(after, before) << "before " << before << " after " << after;
  EXPECT_LT(after, 0.5 * before) << "before " << before << " after " << after;
  std::printf("wgan on the line data: mean distance %.4f untrained, %.4f trained\n", before, after);

  ASSERT_EQ(report.critic_loss.size(), 15u);
  for (size_t e = 0; e < report.critic_loss.size(); ++e) {
    EXPECT_TRUE(std::isfinite(report.critic_loss[e])) << e;
    EXPECT_TRUE(std::isfinite(report.generator_loss[e])) << e;
    // With weights clipped to +-0.01 the critic's scores are tiny: the loss cannot run away.
    EXPECT_LT(std::abs(report.critic_loss[e]), 1.0) << e;
  }
  const double max_weight = inspect(*trained).critic_max_abs_parameter();
  EXPECT_LE(max_weight, static_cast<double>(0.01f));
  EXPECT_GT(max_weight, 0.0);
}

TEST(NbsyntheticGan, GanTrainsWithFiniteLosses) {
  const Matrix data = line_data(200, 3);
  FitOptions o = quick_options(5, 2);
  FitReport report;
  auto model = fitted("gan", data, o, &report);
  for (size_t e = 0; e < report.critic_loss.size(); ++e) {
    EXPECT_TRUE(std::isfinite(report.critic_loss[e])) << e;
    EXPECT_TRUE(std::isfinite(report.generator_loss[e])) << e;
    EXPECT_GT(report.critic_loss[e], 0.0) << e;  // binary cross-entropy is positive
  }
  // The gan's discriminator is not clipped: its first layer starts at N(0, 0.02).
  EXPECT_GT(inspect(*model).critic_max_abs_parameter(), 0.01);
}

}  // namespace
}  // namespace synthtab
