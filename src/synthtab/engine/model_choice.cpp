#include "synthtab/engine/model_choice.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>
#include <variant>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/core/parallel.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/eval/evaluate.hpp"
#include "synthtab/eval/feature_space.hpp"
#include "synthtab/eval/ml_metrics.hpp"
#include "synthtab/eval/privacy.hpp"
#include "synthtab/eval/quality.hpp"
#include "synthtab/eval/relationships.hpp"
#include "synthtab/models/random_forest.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

constexpr uint64_t kChoiceStream = 0x6175746f;     // "auto"
constexpr uint64_t kSubsampleStream = 0x73756273;  // "subs"
constexpr double kTrainingShare = 0.7;
// Synthetic rows much closer to the training rows than unseen real rows are: memorisation.
constexpr double kPrivacyFloor = 0.5;
// Trees of the detection forest: fewer than `evaluate`'s 100, to keep the choice fast.
constexpr int kDetectionTrees = 50;
constexpr int64_t kMaxDetectionRows = 2000;  // per side
// Copies beyond the held-out rows' own match share, up to this, are sampling noise.
constexpr double kCopyTolerance = 0.01;
// How much a change of the strongest real relationship costs (a correlation change of 0.3
// costs 0.15, about what separates a good quality score from a poor one).
constexpr double kRelationshipWeight = 0.5;
// Under this many rows a held-out part has too few rows to say anything: the prior decides.
constexpr int64_t kMinRowsToCompare = 8;
// Another candidate replaces the prior only when it wins by this many standard errors.
constexpr double kWinMargin = 2.0;
constexpr size_t kPrior = 0;  // the first candidate (the copula)

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

double mean(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

double standard_deviation(const std::vector<double>& v) {
  if (v.size() < 2) return 0.0;
  const double m = mean(v);
  double ss = 0.0;
  for (double x : v) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(v.size() - 1));
}

// One split's scores of one candidate, averaged into it.
void score_split(CandidateScore& candidate, const Table& train, const Table& held_out, const Table& shuffled,
                 double unseen_distance, double holdout_copy_share, int splits, int split, const FitOptions& options,
                 const RuleOptions& rules) {
  SynthesisOptions fit;
  fit.model = candidate.model;
  fit.fit = options;
  fit.rules = rules;
  fit.fit.progress = nullptr;
  fit.fit.parameters = candidate.parameters;
  fit.fit.seed = derive_seed(options.seed, kChoiceStream, 100 + static_cast<uint64_t>(split));
  FittedModel model = FittedModel::fit_table(train, fit);
  // Judge what the user gets: the default copy rule keeps copies at the rate unseen rows equal
  // training rows. Judged without it, a discrete table's faithful model looked like a copier
  // (its median distance to the training rows 0) and fell below the privacy floor.
  model.set_copy_policy(CopyPolicy::Holdout);
  const int64_t rows = shuffled.rows();
  const Table synthetic = model.sample(0, std::max<int64_t>(500, 2 * rows), fit.fit.seed);
  const eval::QualityReport quality = eval::quality(held_out, synthetic);
  const double pairs = std::isnan(quality.column_pair_trends) ? quality.column_shapes : quality.column_pair_trends;
  // Correlations of 6 held-out rows are noise; those of all the real rows are the ones the
  // user will check (an aggregate, so matching it is not memorising rows).
  const double relationship_change = eval::relationships(shuffled, synthetic).strongest_max_change;
  // Detection against all the real rows of the split (held-out and training rows alike), as
  // `evaluate` judges the final model: less noisy than the held-out part alone, and the privacy
  // floor keeps memorising models out.
  const double auc = detection_auc(shuffled, synthetic, derive_seed(fit.fit.seed, kChoiceStream), options.threads);
  const double copy_share =
      static_cast<double>(eval::count_exact_copies(train, synthetic)) / static_cast<double>(synthetic.rows());
  const eval::FeatureSpace space = eval::encode_pair(train, synthetic);
  const double synthetic_distance =
      median(eval::nearest_distances(space.synthetic, space.real, false, options.threads));
  // Where unseen real rows sit at distance 0 (a discrete table), so may synthetic ones.
  const double ratio = unseen_distance > 0 ? synthetic_distance / unseen_distance : 1.0;
  const double score = quality.overall - std::max(0.0, auc - 0.5) -
                       std::max(0.0, copy_share - holdout_copy_share - kCopyTolerance) -
                       kRelationshipWeight * relationship_change;
  const double w = 1.0 / splits;
  candidate.quality += w * quality.overall;
  candidate.pairs += w * pairs;
  candidate.relationship_change += w * relationship_change;
  candidate.detection_auc += w * auc;
  candidate.copy_share += w * copy_share;
  candidate.holdout_copy_share += w * holdout_copy_share;
  candidate.privacy_ratio += w * ratio;
  candidate.split_scores.push_back(score);
}

}  // namespace

std::vector<CandidateScore> candidate_models(const ModelParameters& given) {
  std::vector<std::pair<int, CandidateScore>> ordered;
  std::set<std::string> known;
  std::string models;
  for (const ModelTraits& traits : ModelRegistry::instance().loaded()) {
    if (traits.auto_candidates.empty()) continue;
    models += (models.empty() ? "" : ", ") + traits.name;
    for (const ParameterSpec& spec : traits.parameters) known.insert(spec.name);
    ModelParameters own;  // the caller's that are this model's
    for (const auto& [name, value] : given.values())
      if (std::any_of(traits.parameters.begin(), traits.parameters.end(),
                      [&name = name](const ParameterSpec& spec) { return spec.name == name; }))
        std::visit([&, &name = name](const auto& v) { own.set(name, v); }, value);
    check_parameters(traits.name, traits.parameters, own);
    for (const AutoCandidate& candidate : traits.auto_candidates) {
      CandidateScore score;
      score.model = traits.name;
      score.label = candidate.label;
      score.parameters = own;
      for (const auto& [name, value] : candidate.parameters.values())
        std::visit([&, &name = name](const auto& v) { score.parameters.set(name, v); }, value);
      ordered.emplace_back(candidate.order, std::move(score));
    }
  }
  for (const auto& [name, value] : given.values())
    if (known.count(name) == 0)
      throw usage_error(fmt::format("`{}` is not a parameter of auto's candidates ({})", name, models));
  // The prior (order 0) first.
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<CandidateScore> candidates;
  for (auto& [order, candidate] : ordered) candidates.push_back(std::move(candidate));
  return candidates;
}

ModelMemory auto_fit_memory() {
  ModelMemory most{0.0, 0};
  for (const auto& candidate : candidate_models()) {
    const ModelMemory memory = ModelRegistry::instance().traits(candidate.model).memory;
    most.bytes_per_cell = std::max(most.bytes_per_cell, memory.bytes_per_cell);
    most.base_bytes = std::max(most.base_bytes, memory.base_bytes);
  }
  return most;
}

std::string ModelChoice::describe(const std::string& fitted_label, const std::string& failures) const {
  std::string out = splits == 0 ? fmt::format("chose {}: {}", fitted_label, reason)
                                : fmt::format(
                                      "chose {} ({} split{}{}; score = held-out quality, less detectability, "
                                      "excess copies and half the change of the strongest relationship): {}.",
                                      fitted_label, splits, splits == 1 ? "" : "s",
                                      rows_compared < table_rows
                                          ? fmt::format(" of a random {} of the {} rows", rows_compared, table_rows)
                                          : std::string(),
                                      reason);
  if (splits > 0) {
    out += " Scores (mean ± spread over the splits):";
    for (const auto& c : candidates) {
      out += c.fitted ? fmt::format(
                            " {} {} (quality {:.3f}, pairs {:.3f}, strongest relationship off by {:.2f}, detection AUC "
                            "{:.2f}, copies {:.0f} % vs held-out {:.0f} %)",
                            c.label,
                            c.split_scores.size() > 1 ? fmt::format("{:.3f} ± {:.3f}", c.score, c.score_spread)
                                                      : fmt::format("{:.3f}", c.score),
                            c.quality, c.pairs, c.relationship_change, c.detection_auc, 100.0 * c.copy_share,
                            100.0 * c.holdout_copy_share)
                      : fmt::format(" {} -", c.label);
      if (!c.eligible) out += fmt::format(" (left out: {})", c.note);
      out += ";";
    }
    out.pop_back();
  }
  return out + failures;
}

namespace {

// Scores every candidate on each split of `prepared` (10 repeats under 100 rows, 3 under 1,000,
// else 1), averaged into choice.candidates; a candidate that fails is marked and skipped.
void score_candidates(ModelChoice& choice, const Table& prepared, const FitOptions& options, const RuleOptions& rules) {
  const int64_t rows = prepared.rows();
  choice.splits = rows < 100 ? 10 : rows < 1000 ? 3 : 1;
  const int64_t training = static_cast<int64_t>(static_cast<double>(rows) * kTrainingShare);
  for (int split = 0; split < choice.splits; ++split) {
    if (options.progress != nullptr) options.progress->checkpoint();
    Rng rng(derive_seed(options.seed, kChoiceStream, static_cast<uint64_t>(split)));
    std::vector<int64_t> order(static_cast<size_t>(rows));
    std::iota(order.begin(), order.end(), 0);
    for (int64_t i = rows - 1; i > 0; --i)
      std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<uint64_t>(i + 1))]);
    const Table train = prepared.take(std::vector<int64_t>(order.begin(), order.begin() + training));
    const Table held_out = prepared.take(std::vector<int64_t>(order.begin() + training, order.end()));
    const Table shuffled = prepared.take(order);
    const eval::FeatureSpace unseen = eval::encode_pair(train, held_out);
    const double unseen_distance =
        median(eval::nearest_distances(unseen.synthetic, unseen.real, false, options.threads));
    const double holdout_copy_share =
        static_cast<double>(eval::count_exact_copies(train, held_out)) / static_cast<double>(held_out.rows());
    // The candidates side by side, one core each (each writes only its own entry, with its own
    // seeds, so the scores do not depend on the number of threads).
    const int cores = resolve_threads(options.threads);
    FitOptions one_each = options;
    one_each.threads = cores > 1 ? std::max(1, cores / static_cast<int>(choice.candidates.size())) : 1;
    parallel_for(static_cast<int64_t>(choice.candidates.size()), cores, [&](int64_t index) {
      CandidateScore& candidate = choice.candidates[static_cast<size_t>(index)];
      if (!candidate.fitted) return;
      try {
        score_split(candidate, train, held_out, shuffled, unseen_distance, holdout_copy_share, choice.splits, split,
                    one_each, rules);
      } catch (const std::exception& e) {
        // One candidate's failure is reported; the others go on.
        candidate.fitted = false;
        candidate.eligible = false;
        candidate.note = fmt::format("failed on {} training rows: {}", train.rows(), e.what());
      }
    });
  }
}

// Each candidate's mean and spread over the splits; below the privacy floor it is left out.
void summarise_scores(ModelChoice& choice) {
  for (auto& candidate : choice.candidates) {
    if (!candidate.fitted) continue;
    candidate.score = mean(candidate.split_scores);
    candidate.score_spread = standard_deviation(candidate.split_scores);
    if (candidate.privacy_ratio < kPrivacyFloor) {
      candidate.eligible = false;
      candidate.note = fmt::format("its rows sit {:.2f}x as close to the training rows as unseen real rows do",
                                   candidate.privacy_ratio);
    }
  }
}

// The winner's index: the best eligible candidate, unless it does not beat the prior (copula)
// beyond the noise of the splits; then the ranking and the reason.
size_t rank_candidates(ModelChoice& choice, int64_t rows, int64_t training) {
  std::vector<size_t> eligible, fitted;
  for (size_t i = 0; i < choice.candidates.size(); ++i) {
    if (choice.candidates[i].eligible) eligible.push_back(i);
    if (choice.candidates[i].fitted) fitted.push_back(i);
  }
  auto by_score = [&](size_t a, size_t b) { return choice.candidates[a].score > choice.candidates[b].score; };
  std::stable_sort(eligible.begin(), eligible.end(), by_score);
  size_t winner = 0;
  if (!eligible.empty()) {
    const bool prior_eligible = choice.candidates[kPrior].eligible;
    const size_t best = eligible.front();
    winner = best;
    if (prior_eligible && best != kPrior) {
      const CandidateScore& b = choice.candidates[best];
      const CandidateScore& p = choice.candidates[kPrior];
      std::vector<double> differences;
      for (size_t s = 0; s < b.split_scores.size(); ++s) differences.push_back(b.split_scores[s] - p.split_scores[s]);
      const double gain = mean(differences);
      const double error = standard_deviation(differences) / std::sqrt(static_cast<double>(differences.size()));
      if (differences.size() > 1 && gain <= kWinMargin * error) {
        winner = kPrior;
        choice.reason = fmt::format(
            "{} scored {:.3f} more than copula, within the noise of {} splits (2 standard errors: "
            "{:.3f}); kept copula, which keeps the correlations by construction",
            b.label, gain, choice.splits, kWinMargin * error);
      } else {
        choice.reason = differences.size() > 1
                            ? fmt::format(
                                  "{} scored {:.3f} more than copula, beyond the noise of {} splits (2 standard "
                                  "errors: {:.3f})",
                                  b.label, gain, choice.splits, kWinMargin * error)
                            : fmt::format("{} scored {:.3f} more than copula on one split of {} held-out rows", b.label,
                                          gain, rows - training);
      }
    } else {
      choice.reason = best == kPrior ? "copula scored best" : "copula was left out; the best of the others";
    }
    choice.ranking.push_back(winner);
    for (size_t i : eligible)
      if (i != winner) choice.ranking.push_back(i);
  } else if (!fitted.empty()) {
    // All below the privacy floor: the one that keeps its distance best, rather than nothing.
    std::stable_sort(fitted.begin(), fitted.end(), [&](size_t a, size_t b) {
      return choice.candidates[a].privacy_ratio > choice.candidates[b].privacy_ratio;
    });
    winner = fitted.front();
    choice.ranking = fitted;
    choice.reason =
        "every candidate sits closer to its training rows than unseen real rows do; chose the one that "
        "keeps the most distance (the copy rule still redraws copies of unique rows)";
  } else {
    // Every candidate failed on the splits (too few training rows for it, say): try each on all rows.
    for (size_t i = 0; i < choice.candidates.size(); ++i) choice.ranking.push_back(i);
    winner = kPrior;
    choice.reason = "every candidate failed on the splits; fitting them on all rows in turn";
  }
  return winner;
}

}  // namespace

ModelChoice choose_model(const Table& all_rows, const FitOptions& options, const RuleOptions& rules) {
  ModelChoice choice;
  choice.table_rows = all_rows.rows();
  // Large tables: chosen on a random subsample (scoring is superlinear in the rows; 54,000 rows
  // took 85 s), the winner then fitted on every row.
  Rng subsample_rng(derive_seed(options.seed, kChoiceStream, kSubsampleStream));
  const Table subsample = all_rows.rows() > kMaxChoiceRows
                              ? all_rows.take(sorted_sample_indices(all_rows.rows(), kMaxChoiceRows, subsample_rng))
                              : Table{};
  const Table& prepared = all_rows.rows() > kMaxChoiceRows ? subsample : all_rows;
  const int64_t rows = prepared.rows();
  choice.rows_compared = rows;
  choice.candidates = candidate_models(options.parameters);
  if (rows < kMinRowsToCompare) {
    // Nothing to score: fit the prior, then the others if it fails.
    choice.splits = 0;
    for (size_t i = 0; i < choice.candidates.size(); ++i) choice.ranking.push_back(i);
    choice.model = choice.candidates[kPrior].model;
    choice.label = choice.candidates[kPrior].label;
    choice.reason = fmt::format(
        "with {} rows a held-out part would hold {} rows, too few to compare models; chose copula, "
        "which keeps the correlations by construction",
        rows, rows - std::max<int64_t>(2, static_cast<int64_t>(static_cast<double>(rows) * kTrainingShare)));
    return choice;
  }
  score_candidates(choice, prepared, options, rules);
  summarise_scores(choice);
  const int64_t training = static_cast<int64_t>(static_cast<double>(rows) * kTrainingShare);
  const size_t winner = rank_candidates(choice, rows, training);
  choice.model = choice.candidates[winner].model;
  choice.label = choice.candidates[winner].label;
  return choice;
}

}  // namespace synthtab
