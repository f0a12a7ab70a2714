#include "synthtab/engine/model_choice.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/eval/evaluate.hpp"
#include "synthtab/eval/feature_space.hpp"
#include "synthtab/eval/ml_metrics.hpp"
#include "synthtab/eval/privacy.hpp"
#include "synthtab/eval/quality.hpp"
#include "synthtab/models/random_forest.hpp"

namespace synthtab {
namespace {

constexpr uint64_t kChoiceStream = 0x6175746f;  // "auto"
constexpr double kTrainingShare = 0.7;
// Synthetic rows much closer to the training rows than unseen real rows are: memorisation.
constexpr double kPrivacyFloor = 0.5;
// Trees of the detection forest: fewer than `evaluate`'s 100, to keep the choice fast.
constexpr int kDetectionTrees = 50;
constexpr int64_t kMaxDetectionRows = 2000;  // per side
// Copies up to this share of the synthetic rows are what a discrete table gives anyway.
constexpr double kCopyAllowance = 0.05;

Table take_rows(const Table& table, const std::vector<int64_t>& rows) {
  Table out;
  for (const auto& column : table.columns) {
    Column part = column.empty_like();
    for (int64_t r : rows) {
      if (column.is_categorical())
        part.codes.push_back(column.codes[static_cast<size_t>(r)]);
      else
        part.values.push_back(column.values[static_cast<size_t>(r)]);
    }
    out.columns.push_back(std::move(part));
  }
  return out;
}

FeatureMatrix take_feature_rows(const FeatureMatrix& x, const std::vector<int64_t>& rows) {
  FeatureMatrix out(static_cast<int64_t>(rows.size()), x.cols);
  for (size_t i = 0; i < rows.size(); ++i)
    std::copy(x.row(rows[i]), x.row(rows[i]) + x.cols, out.data.begin() + static_cast<std::ptrdiff_t>(i) * x.cols);
  return out;
}

// Out-of-fold AUC of a forest telling real rows (1) from as many synthetic rows (0).
double detection_auc(const Table& real, const Table& synthetic, uint64_t seed, int threads) {
  const int64_t n = std::min({real.rows(), synthetic.rows(), kMaxDetectionRows});
  if (n < 2) return 0.5;
  const eval::TreeFeatures features = eval::tree_features(real.slice(0, n), synthetic.slice(0, n), "");
  FeatureMatrix x(2 * n, features.real.cols);
  std::copy(features.real.data.begin(), features.real.data.end(), x.data.begin());
  std::copy(features.synthetic.data.begin(), features.synthetic.data.end(), x.data.begin() + n * x.cols);
  std::vector<double> y(static_cast<size_t>(2 * n), 0.0), scores(y.size(), 0.5);
  std::fill(y.begin(), y.begin() + n, 1.0);
  for (const eval::Fold& fold : eval::stratified_kfold(y, static_cast<int>(std::min<int64_t>(3, n)), seed)) {
    ForestOptions options;
    options.n_trees = kDetectionTrees;
    options.seed = seed;
    options.threads = threads;
    RandomForest forest(options);
    std::vector<double> train_y;
    for (int64_t r : fold.train) train_y.push_back(y[static_cast<size_t>(r)]);
    forest.fit(take_feature_rows(x, fold.train), train_y, Task::Classification);
    const FeatureMatrix proba = forest.predict_proba(take_feature_rows(x, fold.test));
    const bool both = forest.classes().size() == 2;
    for (size_t i = 0; i < fold.test.size(); ++i)
      scores[static_cast<size_t>(fold.test[i])] = both ? proba(static_cast<int64_t>(i), 1) : forest.classes()[0];
  }
  return eval::roc_auc(y, scores);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

}  // namespace

ModelChoice choose_model(const Table& prepared, const FitOptions& options) {
  const int64_t rows = prepared.rows();
  ModelChoice choice;
  choice.splits = rows < 100 ? 5 : rows < 1000 ? 3 : 1;
  for (const auto& [name, smoothing] : {std::pair{"copula", Smoothing::Density}, std::pair{"cart", Smoothing::Density},
                                        std::pair{"cart", Smoothing::None}}) {
    CandidateScore candidate;
    candidate.model = name;
    candidate.smoothing = smoothing;
    choice.candidates.push_back(candidate);
  }
  const int64_t training = std::max<int64_t>(2, static_cast<int64_t>(static_cast<double>(rows) * kTrainingShare));
  if (rows - training < 2) throw Error(ErrorKind::Input, "auto needs at least 4 rows to compare models; choose --model");
  for (int split = 0; split < choice.splits; ++split) {
    Rng rng(derive_seed(options.seed, kChoiceStream, static_cast<uint64_t>(split)));
    std::vector<int64_t> order(static_cast<size_t>(rows));
    std::iota(order.begin(), order.end(), 0);
    for (int64_t i = rows - 1; i > 0; --i) std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<uint64_t>(i + 1))]);
    const Table train = take_rows(prepared, std::vector<int64_t>(order.begin(), order.begin() + training));
    const Table held_out = take_rows(prepared, std::vector<int64_t>(order.begin() + training, order.end()));
    const Table shuffled = take_rows(prepared, order);
    const eval::FeatureSpace unseen = eval::encode_pair(train, held_out);
    const double unseen_distance = median(eval::nearest_distances(unseen.synthetic, unseen.real, false, options.threads));
    for (auto& candidate : choice.candidates) {
      if (!candidate.eligible && !candidate.note.empty()) continue;
      try {
        SynthesisOptions fit;
        fit.model = candidate.model;
        fit.fit = options;
        fit.fit.progress = nullptr;
        fit.fit.smoothing = candidate.smoothing;
        fit.fit.seed = derive_seed(options.seed, kChoiceStream, 100 + static_cast<uint64_t>(split));
        FittedModel model = FittedModel::fit_table(train, fit);
        model.set_allow_copies(true);  // judge the model itself, not the copy filter
        const Table synthetic = model.sample(0, std::max<int64_t>(500, 2 * rows), fit.fit.seed);
        const eval::QualityReport quality = eval::quality(held_out, synthetic);
        candidate.quality += quality.overall / choice.splits;
        candidate.pairs += (std::isnan(quality.column_pair_trends) ? quality.column_shapes : quality.column_pair_trends) / choice.splits;
        // Detection against all the real rows of the split (shuffled: held-out and training rows
        // alike), as `evaluate` judges the final model; it has more rows than the held-out part
        // alone, so it is less noisy, and the privacy floor below keeps memorising models out.
        candidate.detection_auc +=
            detection_auc(shuffled, synthetic, derive_seed(fit.fit.seed, kChoiceStream), options.threads) / choice.splits;
        candidate.copy_share += static_cast<double>(eval::count_exact_copies(train, synthetic)) /
                                static_cast<double>(synthetic.rows()) / choice.splits;
        const eval::FeatureSpace space = eval::encode_pair(train, synthetic);
        const double synthetic_distance = median(eval::nearest_distances(space.synthetic, space.real, false, options.threads));
        const double ratio = unseen_distance > 0 ? synthetic_distance / unseen_distance : 1.0;
        candidate.privacy_ratio += ratio / choice.splits;
      } catch (const Error& e) {
        candidate.eligible = false;
        candidate.note = e.what();
      }
    }
  }
  const CandidateScore* best = nullptr;
  for (auto& candidate : choice.candidates) {
    if (candidate.eligible && candidate.privacy_ratio < kPrivacyFloor) {
      candidate.eligible = false;
      candidate.note = fmt::format("its rows sit {:.2f}x as close to the training rows as unseen real rows do", candidate.privacy_ratio);
    }
    candidate.score = candidate.quality - std::max(0.0, candidate.detection_auc - 0.5) -
                      std::max(0.0, candidate.copy_share - kCopyAllowance);
    if (candidate.eligible && (best == nullptr || candidate.score > best->score)) best = &candidate;
  }
  if (best == nullptr) throw Error(ErrorKind::Input, "auto could not fit any candidate model; choose --model");
  choice.model = best->model;
  choice.smoothing = best->smoothing;
  return choice;
}

}  // namespace synthtab
