#include "synthtab/eval/evaluate.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/eval/feature_space.hpp"
#include "synthtab/eval/ml_metrics.hpp"

namespace synthtab::eval {
namespace {

constexpr uint64_t kDetectionStream = 0x646574656374;  // "detect"
constexpr uint64_t kEfficacyStream = 0x6566666963;     // "effic"
constexpr uint64_t kWilcoxonStream = 0x77696c636f78;   // "wilcox"
constexpr int64_t kMaxDetectionRows = 5000;            // per side
constexpr int kSeedForestDepth = 4;                    // the seed's random forest check

std::vector<double> present_values(const Column& column) {
  std::vector<double> out;
  for (double v : column.values)
    if (!std::isnan(v)) out.push_back(v);
  return out;
}

ColumnSummary summarize(const Column& column) {
  ColumnSummary s;
  const auto values = present_values(column);
  s.count = static_cast<int64_t>(values.size());
  s.missing = column.size() - s.count;
  if (values.empty()) return s;
  s.mean = std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
  double ss = 0.0;
  for (double v : values) ss += (v - s.mean) * (v - s.mean);
  s.sd = values.size() > 1 ? std::sqrt(ss / static_cast<double>(values.size() - 1)) : 0.0;
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  s.min = *lo;
  s.max = *hi;
  return s;
}

// Up to `count` distinct indexes of [0, n) in random order.
std::vector<int64_t> random_rows(int64_t n, int64_t count, Rng& rng) {
  std::vector<int64_t> rows(static_cast<size_t>(n));
  std::iota(rows.begin(), rows.end(), 0);
  count = std::min(count, n);
  for (int64_t i = 0; i < count; ++i)
    std::swap(rows[static_cast<size_t>(i)],
              rows[static_cast<size_t>(i + static_cast<int64_t>(rng.below(static_cast<uint64_t>(n - i))))]);
  rows.resize(static_cast<size_t>(count));
  return rows;
}

template <typename F>
void run_test(std::optional<TestResult>& slot, std::vector<std::string>& notes, const char* name, F&& f) {
  try {
    slot = f();
  } catch (const Error& e) {
    notes.push_back(std::string(name) + " left out: " + e.what());
  }
}

ColumnTests test_column(const Column& real, const Column& synthetic, uint64_t seed) {
  ColumnTests out;
  out.column = real.name;
  if (real.is_categorical()) {
    out.type = "categorical";
    std::map<std::string, std::pair<double, double>> counts;
    for (int32_t code : real.codes)
      if (code != kMissingCode) counts[real.categories[static_cast<size_t>(code)]].first += 1;
    for (int32_t code : synthetic.codes)
      if (code != kMissingCode) counts[synthetic.categories[static_cast<size_t>(code)]].second += 1;
    for (const auto& [label, c] : counts) {
      out.labels.push_back(label);
      out.real_counts.push_back(c.first);
      out.synthetic_counts.push_back(c.second);
    }
    run_test(out.chi_square, out.notes, "chi-square",
             [&] { return chi_square_homogeneity(out.real_counts, out.synthetic_counts); });
    return out;
  }
  out.type = "numeric";
  out.real = summarize(real);
  out.synthetic = summarize(synthetic);
  const auto a = present_values(real), b = present_values(synthetic);
  run_test(out.ks, out.notes, "Kolmogorov-Smirnov", [&] { return ks_2samp(a, b); });
  run_test(out.welch_t, out.notes, "Welch's t", [&] { return welch_ttest(a, b); });
  run_test(out.mann_whitney, out.notes, "Mann-Whitney U", [&] { return mann_whitney_u(a, b); });
  if (b.size() < a.size()) {
    out.notes.push_back(
        "the seed's Wilcoxon test left out: it pairs each real value with a synthetic one, "
        "and there are fewer synthetic values than real ones");
  } else {
    // The seed's check: real values in order against a random synthetic subsample of equal size.
    Rng rng(derive_seed(seed, kWilcoxonStream, std::hash<std::string>{}(real.name)));
    std::vector<double> paired;
    for (int64_t i : random_rows(static_cast<int64_t>(b.size()), static_cast<int64_t>(a.size()), rng))
      paired.push_back(b[static_cast<size_t>(i)]);
    run_test(out.wilcoxon_seed, out.notes, "the seed's Wilcoxon signed-rank",
             [&] { return wilcoxon_signed_rank(a, paired); });
  }
  return out;
}

FeatureMatrix to_features(const RowMatrix& m) {
  FeatureMatrix out(m.rows(), m.cols());
  for (int64_t r = 0; r < m.rows(); ++r)
    for (int64_t c = 0; c < m.cols(); ++c) out(r, c) = m(r, c);
  return out;
}

FeatureMatrix take(const FeatureMatrix& x, const std::vector<int64_t>& rows) {
  FeatureMatrix out(static_cast<int64_t>(rows.size()), x.cols);
  for (size_t i = 0; i < rows.size(); ++i)
    std::copy(x.row(rows[i]), x.row(rows[i]) + x.cols,
              out.data.begin() + static_cast<std::ptrdiff_t>(i * static_cast<size_t>(x.cols)));
  return out;
}

std::vector<double> take(const std::vector<double>& y, const std::vector<int64_t>& rows) {
  std::vector<double> out;
  out.reserve(rows.size());
  for (int64_t r : rows) out.push_back(y[static_cast<size_t>(r)]);
  return out;
}

Detection detect(const FeatureMatrix& real, const FeatureMatrix& synthetic, const EvaluateOptions& options) {
  Detection out;
  out.rows_per_side = std::min({real.rows, synthetic.rows, kMaxDetectionRows});
  out.repeats = real.rows < 200 ? 5 : 1;  // tiny tables: average over several draws and splits
  out.folds = static_cast<int>(std::min<int64_t>(options.folds, out.rows_per_side));
  out.classifier = fmt::format(
      "random forest (100 trees), {}-fold stratified cross-validation, "
      "out-of-fold AUC averaged over {} draw{}",
      out.folds, out.repeats, out.repeats == 1 ? "" : "s");
  double auc_sum = 0.0;
  for (int rep = 0; rep < out.repeats; ++rep) {
    Rng rng(derive_seed(options.seed, kDetectionStream, static_cast<uint64_t>(rep)));
    const auto real_rows = random_rows(real.rows, out.rows_per_side, rng);
    const auto synthetic_rows = random_rows(synthetic.rows, out.rows_per_side, rng);
    FeatureMatrix x = take(real, real_rows);
    const FeatureMatrix s = take(synthetic, synthetic_rows);
    x.data.insert(x.data.end(), s.data.begin(), s.data.end());
    x.rows += s.rows;
    std::vector<double> y(static_cast<size_t>(x.rows), 0.0);
    std::fill(y.begin(), y.begin() + out.rows_per_side, 1.0);
    std::vector<double> scores(y.size(), 0.5);
    for (const Fold& fold : stratified_kfold(y, out.folds, derive_seed(options.seed, kDetectionStream, 1000 + rep))) {
      ForestOptions forest;
      forest.seed = derive_seed(options.seed, kDetectionStream, 2000 + rep);
      forest.threads = options.threads;
      RandomForest model(forest);
      model.fit(take(x, fold.train), take(y, fold.train), Task::Classification);
      const FeatureMatrix proba = model.predict_proba(take(x, fold.test));
      const int real_class = model.classes().size() == 2 ? 1 : 0;
      for (size_t i = 0; i < fold.test.size(); ++i)
        scores[static_cast<size_t>(fold.test[i])] = model.classes().size() == 2
                                                        ? proba(static_cast<int64_t>(i), real_class)
                                                        : (model.classes()[0] == 1.0 ? 1.0 : 0.0);
    }
    auc_sum += roc_auc(y, scores);
  }
  out.auc = auc_sum / out.repeats;
  return out;
}

// The target as numbers: values for regression, label positions (sorted labels of both
// tables) for classification; rows with a missing target are dropped from `rows`.
std::vector<double> target_values(const Column& column, const std::map<std::string, int>& labels,
                                  std::vector<int64_t>& rows) {
  std::vector<double> y;
  for (int64_t r = 0; r < column.size(); ++r) {
    if (column.is_missing(r)) continue;
    rows.push_back(r);
    y.push_back(column.is_categorical()
                    ? labels.at(column.categories[static_cast<size_t>(column.codes[static_cast<size_t>(r)])])
                    : column.values[static_cast<size_t>(r)]);
  }
  return y;
}

// A categorical target's labels as positions among both tables' sorted labels.
std::map<std::string, int> shared_labels(const Column& a, const Column& b) {
  std::map<std::string, int> labels;
  if (a.is_categorical()) {
    std::set<std::string> all(a.categories.begin(), a.categories.end());
    all.insert(b.categories.begin(), b.categories.end());
    for (const auto& l : all) labels.emplace(l, static_cast<int>(labels.size()));
  }
  return labels;
}

ForestOptions efficacy_forest(uint64_t seed, int threads) {
  ForestOptions forest;
  forest.max_depth = kSeedForestDepth;
  forest.threads = threads;
  forest.seed = derive_seed(seed, kEfficacyStream);
  return forest;
}

MlEfficacy ml_efficacy(const Table& real, const Table& synthetic, const EvaluateOptions& options) {
  const Column& target_real = real.column(options.target);
  const Column& target_synthetic = synthetic.column(options.target);
  MlEfficacy out;
  out.target = options.target;
  const Task task = efficacy_task(target_real, options.task);
  out.task = task == Task::Regression ? "regression" : "classification";
  out.model = fmt::format("random forest (100 trees, max depth {}), as the seed's check", kSeedForestDepth);
  const std::map<std::string, int> labels = shared_labels(target_real, target_synthetic);
  std::vector<int64_t> real_rows, synthetic_rows;
  const std::vector<double> y_real = target_values(target_real, labels, real_rows);
  const std::vector<double> y_synthetic = target_values(target_synthetic, labels, synthetic_rows);
  if (y_real.size() < 4 || y_synthetic.size() < 4)
    throw Error(ErrorKind::Input,
                "ML efficacy needs at least 4 rows with a \"" + options.target + "\" value in each table");
  const TreeFeatures features = tree_features(real, synthetic, options.target);
  const FeatureMatrix x_real = take(features.real, real_rows);
  const FeatureMatrix x_synthetic = take(features.synthetic, synthetic_rows);
  const ForestOptions forest = efficacy_forest(options.seed, options.threads);

  // TRTR: out-of-fold predictions of K-fold cross-validation on the real rows.
  const int k = static_cast<int>(std::min<int64_t>(options.folds, static_cast<int64_t>(y_real.size())));
  std::vector<double> oof(y_real.size());
  const auto folds = kfold(static_cast<int64_t>(y_real.size()), k, derive_seed(options.seed, kEfficacyStream, 1));
  for (const Fold& fold : folds) {
    RandomForest model(forest);
    model.fit(take(x_real, fold.train), take(y_real, fold.train), task);
    const auto predicted = model.predict(take(x_real, fold.test));
    for (size_t i = 0; i < fold.test.size(); ++i) oof[static_cast<size_t>(fold.test[i])] = predicted[i];
  }
  out.trtr = efficacy_scores(task, y_real, oof);

  RandomForest on_synthetic(forest);
  on_synthetic.fit(x_synthetic, y_synthetic, task);
  out.predicted = on_synthetic.predict(x_real);
  out.actual = y_real;
  out.tstr = efficacy_scores(task, y_real, out.predicted);

  // The seed's check: a model trained and tested on synthetic rows (80/20).
  Rng rng(derive_seed(options.seed, kEfficacyStream, 2));
  auto order = random_rows(static_cast<int64_t>(y_synthetic.size()), static_cast<int64_t>(y_synthetic.size()), rng);
  const auto cut = static_cast<std::ptrdiff_t>(order.size() * 4 / 5);
  const std::vector<int64_t> train(order.begin(), order.begin() + cut), test(order.begin() + cut, order.end());
  RandomForest seed_model(forest);
  seed_model.fit(take(x_synthetic, train), take(y_synthetic, train), task);
  out.seed_synthetic_on_synthetic =
      efficacy_scores(task, take(y_synthetic, test), seed_model.predict(take(x_synthetic, test)));
  return out;
}

constexpr uint64_t kRandomTableStream = 0x756e69666f726d;  // "uniform"

// The seed's "manifold" checks, on standardised data unless the user asks for raw units.
void add_manifold_checks(const Table& real, const Table& synthetic, const EvaluateOptions& options, Evaluation& out) {
  FeatureSpaceOptions space_options;
  space_options.standardize = !options.raw;
  out.geometry_space = options.raw ? "raw" : "standardised";
  const FeatureSpace space = encode_pair(real, synthetic, space_options);
  if (options.geometry) {
    const Table random = uniform_random_table(real, synthetic.rows(), derive_seed(options.seed, kRandomTableStream));
    const FeatureSpace random_space = encode_pair(real, random, space_options);
    GeometryOptions geometry_options;
    geometry_options.feature_names = space.feature_names;
    geometry_options.seed = options.seed;
    geometry_options.threads = options.threads;
    out.geometry = geometry_shared_bins({&space.real, &space.synthetic, &random_space.synthetic},
                                        {"real", "synthetic", "uniform random"}, geometry_options);
  }
  if (options.topology) {
    TopologyOptions topology_options;
    topology_options.sample_size = options.topology_points;
    topology_options.seed = options.seed;
    topology_options.threads = options.threads;
    topology_options.memory_limit = options.memory_limit;
    out.topology = compare_topology(space.real, space.synthetic, topology_options);
  }
}

}  // namespace

ModelScores efficacy_scores(Task task, const std::vector<double>& truth, const std::vector<double>& predicted) {
  ModelScores s;
  if (task == Task::Regression) {
    s.r2 = r2_score(truth, predicted);
    s.explained_variance = explained_variance_score(truth, predicted);
  } else {
    s.accuracy = accuracy(truth, predicted);
    s.macro_f1 = macro_f1(truth, predicted);
  }
  return s;
}

Task efficacy_task(const Column& target, const std::optional<Task>& task) {
  const Task chosen = task.value_or(target.is_categorical() ? Task::Classification : Task::Regression);
  if (chosen == Task::Regression && target.is_categorical())
    throw usage_error("a regression `task` needs a numeric `target`; \"" + target.name + "\" is categorical");
  return chosen;
}

Predictions train_and_predict(const Table& training, const Table& test, const std::string& target, Task task,
                              uint64_t seed, int threads) {
  const Column& target_training = training.column(target);
  const std::map<std::string, int> labels = shared_labels(target_training, test.column(target));
  std::vector<int64_t> training_rows, test_rows;
  const std::vector<double> y_training = target_values(target_training, labels, training_rows);
  Predictions out;
  out.actual = target_values(test.column(target), labels, test_rows);
  if (y_training.size() < 2)
    throw Error(ErrorKind::Input, "training a model needs at least 2 rows with a \"" + target + "\" value");
  const TreeFeatures features = tree_features(training, test, target);
  RandomForest model(efficacy_forest(seed, threads));
  model.fit(take(features.real, training_rows), y_training, task);
  out.predicted = model.predict(take(features.synthetic, test_rows));
  return out;
}

Detection detection(const Table& real, const Table& synthetic, const EvaluateOptions& options) {
  const TreeFeatures features = tree_features(real, synthetic, "");
  return detect(features.real, features.synthetic, options);
}

TreeFeatures tree_features(const Table& real, const Table& synthetic, const std::string& skip) {
  Table r, s;
  for (const auto& c : real.columns)
    if (c.name != skip) r.columns.push_back(c);
  for (const auto& c : synthetic.columns)
    if (c.name != skip) s.columns.push_back(c);
  TreeFeatures out;
  if (r.columns.empty()) {
    out.real = FeatureMatrix(real.rows(), 1);  // no feature: a constant one, so models still fit
    out.synthetic = FeatureMatrix(synthetic.rows(), 1);
    return out;
  }
  const FeatureSpace space = encode_pair(r, s, {false, false});
  out.real = to_features(space.real);
  out.synthetic = to_features(space.synthetic);
  return out;
}

Evaluation evaluate(const Table& real, const Table& synthetic_in, const EvaluateOptions& options,
                    const Table* holdout) {
  if (real.rows() < 2) throw Error(ErrorKind::Input, "the real table needs at least 2 rows to compare with");
  if (synthetic_in.rows() < 2)
    throw Error(ErrorKind::Input, "the synthetic table needs at least 2 rows to compare with");
  if (!options.target.empty()) real.column(options.target);  // Usage error listing the columns
  const Table synthetic = align_columns(real, synthetic_in);
  for (const auto& c : real.columns)
    if (c.missing_count() == c.size())
      throw Error(ErrorKind::Input, "column \"" + c.name + "\" has no values in the real table");
  Evaluation out;
  out.seed = options.seed;
  out.real_rows = real.rows();
  out.synthetic_rows = synthetic.rows();
  NullProgress quiet;
  Progress& progress = options.progress != nullptr ? *options.progress : quiet;
  long long steps_done = 0;
  const auto step_done = [&](const char* step) { progress.update(++steps_done, step); };
  progress.begin("evaluating", 8);
  for (size_t c = 0; c < real.columns.size(); ++c) {
    out.columns.push_back(real.columns[c].name);
    out.column_tests.push_back(test_column(real.columns[c], synthetic.columns[c], options.seed));
  }
  MmdOptions mmd_options;
  mmd_options.permutations = options.permutations;
  mmd_options.seed = options.seed;
  mmd_options.threads = options.threads;
  step_done("column tests");
  out.mmd = mmd(real, synthetic, mmd_options);
  if (options.mmd_seed_compatible) {
    mmd_options.seed_compatible = true;
    out.mmd_seed = mmd(real, synthetic, mmd_options);
  }
  step_done("MMD");
  out.quality = quality(real, synthetic);
  step_done("quality");
  out.relationships = relationships(real, synthetic);
  step_done("relationships");
  out.detection = detection(real, synthetic, options);
  step_done("detection");
  if (!options.target.empty())
    out.ml_efficacy = ml_efficacy(real, synthetic, options);
  else
    out.notes.push_back("ML efficacy left out: no `target` column was given");
  step_done("ML efficacy");
  out.privacy = privacy(real, synthetic, {options.seed, options.threads});
  if (holdout) out.privacy.holdout = holdout_comparison(real, *holdout, synthetic, {options.seed, options.threads});
  step_done("privacy");
  if (options.geometry || options.topology) add_manifold_checks(real, synthetic, options, out);
  step_done("geometry and topology");
  const RuleSet rules = RuleSet::build(real, options.rules);
  const std::vector<double> real_share = rule_adherence(rules.rules(), real);
  const std::vector<double> synthetic_share = rule_adherence(rules.rules(), synthetic);
  for (size_t i = 0; i < rules.rules().size(); ++i)
    out.rules.push_back({rules.rules()[i].describe(), rules.rules()[i].formula(), real_share[i], synthetic_share[i]});
  progress.end();
  return out;
}

}  // namespace synthtab::eval
