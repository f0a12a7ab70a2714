#include "synthtab/eval/cross_fit.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/eval/evaluate.hpp"
#include "synthtab/eval/ml_metrics.hpp"
#include "synthtab/eval/privacy.hpp"
#include "synthtab/eval/quality.hpp"

namespace synthtab::eval {
namespace {

constexpr uint64_t kFoldStream = 0x666f6c6473;       // "folds"
constexpr uint64_t kGeneratorStream = 0x67656e6572;  // "gener"
constexpr int kSmallFoldRepeats = 5;                 // K-fold runs when folds are too small to score alone

Spread spread_of(std::vector<double> values) {
  Spread out;
  out.values = std::move(values);
  if (out.values.empty()) return out;
  const auto n = static_cast<double>(out.values.size());
  out.mean = std::accumulate(out.values.begin(), out.values.end(), 0.0) / n;
  double ss = 0.0;
  for (double v : out.values) ss += (v - out.mean) * (v - out.mean);
  out.sd = out.values.size() > 1 ? std::sqrt(ss / (n - 1.0)) : 0.0;
  return out;
}

// `rows` with `like`'s columns, in its order and with its categories (labels matched by text; a
// label `like` lacks is added), so that the two tables can be appended and compared.
Table aligned_to(const Table& like, const Table& rows) {
  Table out;
  for (const Column& column : like.columns) {
    const Column& given = rows.column(column.name);
    if (given.is_categorical() != column.is_categorical())
      throw Error(ErrorKind::Input, "the generator's column " + in_quotes(column.name) + " changed type");
    Column aligned = given;
    if (column.is_categorical()) {
      aligned.categories = column.categories;
      std::unordered_map<std::string, int32_t> index;
      for (size_t i = 0; i < column.categories.size(); ++i)
        index.emplace(column.categories[i], static_cast<int32_t>(i));
      for (auto& code : aligned.codes) {
        if (code == kMissingCode) continue;
        const std::string& label = given.categories[static_cast<size_t>(code)];
        auto [it, added] = index.emplace(label, static_cast<int32_t>(aligned.categories.size()));
        if (added) aligned.categories.push_back(label);
        code = it->second;
      }
    }
    out.columns.push_back(std::move(aligned));
  }
  return out;
}

double metric_of(Task task, const Predictions& p) {
  const ModelScores s = efficacy_scores(task, p.actual, p.predicted);
  return task == Task::Regression ? s.r2 : s.macro_f1;
}

// Predictions of one learner, pooled over a repeat's folds.
struct Pooled {
  Predictions trtr, tstr, augmented;
  void add(const Predictions& from, Predictions& to) {
    to.actual.insert(to.actual.end(), from.actual.begin(), from.actual.end());
    to.predicted.insert(to.predicted.end(), from.predicted.begin(), from.predicted.end());
  }
};

std::string signed_figure(double value) { return fmt::format("{:+.3f}", value); }

std::string verdict_of(const Validation& v, const Spread& tstr_gain, const Spread& augmented_gain) {
  const auto judge = [](const Spread& gain) {
    return gain.mean - gain.sd > 0 ? "helped" : gain.mean + gain.sd < 0 ? "hurt" : "made no clear difference";
  };
  return fmt::format(
      "Training on synthetic rows alone {} ({} ± {:.3f} {} against the real rows), and adding them to the real rows {} "
      "({} ± {:.3f}), judged on held-out rows the generator never saw.",
      judge(tstr_gain), signed_figure(tstr_gain.mean), tstr_gain.sd, v.metric == "r2" ? "R²" : "macro F1",
      judge(augmented_gain), signed_figure(augmented_gain.mean), augmented_gain.sd);
}

}  // namespace

Validation cross_fit(const Table& prepared, const ValidationOptions& options, const FoldGenerator& generator,
                     const std::string& model_label) {
  if (options.target.empty()) throw usage_error("validation needs a `target` column");
  const Column& target = prepared.column(options.target);
  const Task task = efficacy_task(target, options.task);
  const int64_t n = prepared.rows();
  if (options.folds < 2 || options.folds > n)
    throw usage_error(fmt::format("`folds` must be between 2 and the table's {} rows, got {}", n, options.folds));
  Validation out;
  out.model = model_label;
  out.target = options.target;
  out.task = task == Task::Regression ? "regression" : "classification";
  out.metric = task == Task::Regression ? "r2" : "macro_f1";
  out.folds = options.folds;
  out.table_rows = n;
  const int64_t smallest_fold = n / options.folds;
  out.unit = smallest_fold >= kMinFoldRows ? "fold" : "repeat";
  out.repeats = options.repeats > 0 ? options.repeats : out.unit == "repeat" ? kSmallFoldRepeats : 1;

  EvaluateOptions detection_options;
  detection_options.seed = options.seed;
  detection_options.threads = options.threads;
  std::vector<double> trtr, tstr, augmented, tstr_gain, augmented_gain;
  std::vector<double> quality_holdout, quality_training, quality_reference, detection_holdout, closer;
  int64_t synthetic_rows = 0;
  const int total = out.folds * out.repeats + 1;
  if (options.progress != nullptr) options.progress->begin("validating", total);
  int done = 0;
  for (int repeat = 0; repeat < out.repeats; ++repeat) {
    const auto folds = kfold(n, options.folds, derive_seed(options.seed, kFoldStream, static_cast<uint64_t>(repeat)));
    Pooled pooled;
    for (size_t f = 0; f < folds.size(); ++f) {
      if (options.progress != nullptr) options.progress->checkpoint();
      const Table training = prepared.take(folds[f].train);
      const Table held_out = prepared.take(folds[f].test);
      const uint64_t fold_seed =
          derive_seed(options.seed, kGeneratorStream, static_cast<uint64_t>(repeat * options.folds) + f);
      const int64_t rows = options.rows > 0 ? options.rows : training.rows();
      const Table synthetic = aligned_to(prepared, generator(training, rows, fold_seed));
      synthetic_rows = std::max(synthetic_rows, synthetic.rows());
      Table both = training;
      both.append(synthetic);
      const auto on_real = train_and_predict(training, held_out, options.target, task, fold_seed, options.threads);
      const auto on_synthetic =
          train_and_predict(synthetic, held_out, options.target, task, fold_seed, options.threads);
      const auto on_both = train_and_predict(both, held_out, options.target, task, fold_seed, options.threads);
      if (out.unit == "fold") {
        trtr.push_back(metric_of(task, on_real));
        tstr.push_back(metric_of(task, on_synthetic));
        augmented.push_back(metric_of(task, on_both));
        tstr_gain.push_back(tstr.back() - trtr.back());
        augmented_gain.push_back(augmented.back() - trtr.back());
      }
      pooled.add(on_real, pooled.trtr);
      pooled.add(on_synthetic, pooled.tstr);
      pooled.add(on_both, pooled.augmented);
      quality_holdout.push_back(quality(held_out, synthetic).overall);
      quality_training.push_back(quality(training, synthetic).overall);
      quality_reference.push_back(quality(held_out, training).overall);
      if (held_out.rows() >= 2) detection_holdout.push_back(detection(held_out, synthetic, detection_options).auc);
      closer.push_back(
          holdout_comparison(training, held_out, synthetic, {fold_seed, options.threads}).closer_to_training_share);
      if (options.progress != nullptr) options.progress->update(++done, "");
    }
    if (out.unit == "repeat") {
      trtr.push_back(metric_of(task, pooled.trtr));
      tstr.push_back(metric_of(task, pooled.tstr));
      augmented.push_back(metric_of(task, pooled.augmented));
      tstr_gain.push_back(tstr.back() - trtr.back());
      augmented_gain.push_back(augmented.back() - trtr.back());
    }
  }
  out.synthetic_rows = synthetic_rows;
  out.trtr = spread_of(trtr);
  out.tstr = spread_of(tstr);
  out.augmented = spread_of(augmented);
  out.quality_holdout = spread_of(quality_holdout);
  out.quality_training = spread_of(quality_training);
  out.quality_real_reference = spread_of(quality_reference);
  out.detection_holdout = spread_of(detection_holdout);
  out.closer_to_training = spread_of(closer);

  // In sample, as the report measures it today: the generator fitted on every row, its
  // rows' learner scored on those same rows.
  if (options.progress != nullptr) options.progress->checkpoint();
  const uint64_t all_seed = derive_seed(options.seed, kGeneratorStream, 1u << 30);
  const Table everything = aligned_to(prepared, generator(prepared, options.rows > 0 ? options.rows : n, all_seed));
  out.tstr_in_sample =
      metric_of(task, train_and_predict(everything, prepared, options.target, task, all_seed, options.threads));
  if (options.progress != nullptr) {
    options.progress->update(total, "");
    options.progress->end();
  }
  out.verdict = verdict_of(out, spread_of(tstr_gain), spread_of(augmented_gain));
  out.notes.push_back(fmt::format(
      "{}-fold cross-fitting{}: each fold's generator learned from the other folds only. ML figures are {}.", out.folds,
      out.repeats > 1 ? fmt::format(", repeated {} times on fresh shuffles", out.repeats) : "",
      out.unit == "fold"
          ? "per fold"
          : fmt::format("per repeat, over its folds' pooled held-out rows (folds under {} rows)", kMinFoldRows)));
  return out;
}

namespace {

nlohmann::json spread_json(const Spread& s) { return {{"mean", s.mean}, {"sd", s.sd}, {"per_fold", s.values}}; }

}  // namespace

nlohmann::json to_json(const Validation& v) {
  return {{"folds", v.folds},
          {"repeats", v.repeats},
          {"rows", v.synthetic_rows},
          {"table_rows", v.table_rows},
          {"model", v.model},
          {"target", v.target},
          {"task", v.task},
          {"metric", v.metric},
          {"unit", v.unit},
          {"trtr", spread_json(v.trtr)},
          {"tstr", spread_json(v.tstr)},
          {"augmented", spread_json(v.augmented)},
          {"tstr_in_sample", v.tstr_in_sample},
          {"quality_holdout", spread_json(v.quality_holdout)},
          {"quality_training", spread_json(v.quality_training)},
          {"quality_real_reference", spread_json(v.quality_real_reference)},
          {"detection_holdout", spread_json(v.detection_holdout)},
          {"dcr_training_vs_holdout", spread_json(v.closer_to_training)},
          {"verdict", v.verdict},
          {"notes", v.notes}};
}

std::string format_text(const Validation& v) {
  const std::string metric = v.metric == "r2" ? "R²" : "macro F1";
  auto line = [](const std::string& name, const Spread& s, const std::string& note) {
    return fmt::format("  {:<36} {:>7.3f} ± {:.3f}{}\n", name, s.mean, s.sd, note);
  };
  std::string out =
      fmt::format("Cross-fitted validation of {} on {} rows, target {} ({}), {} synthetic rows per fold\n", v.model,
                  v.table_rows, in_quotes(v.target), v.task, v.synthetic_rows);
  out += fmt::format("{}\n\nUsefulness ({} on held-out rows, mean ± sd over the {}s):\n", v.verdict, metric, v.unit);
  out += line("trained on real rows (TRTR)", v.trtr, "");
  out += line("trained on synthetic rows (TSTR)", v.tstr, "");
  out += line("trained on real + synthetic rows", v.augmented, "");
  out += fmt::format("  {:<36} {:>7.3f}  (scored on the rows the generator learned from: optimistic)\n",
                     "in-sample TSTR", v.tstr_in_sample);
  out += "\nFidelity (mean ± sd over the folds):\n";
  out += line("quality against held-out rows", v.quality_holdout, "");
  out += line("  real training rows, for reference", v.quality_real_reference, "  (what held-out rows this few allow)");
  out += line("quality against training rows", v.quality_training, "  (far above held-out: overfitting)");
  out += line("detection AUC among held-out rows", v.detection_holdout, "  (0.5: indistinguishable)");
  out += line("nearer training rows than held-out", v.closer_to_training, "  (0.5: no closer to either)");
  for (const auto& note : v.notes) out += "\n" + note;
  out += "\n";
  return out;
}

}  // namespace synthtab::eval
