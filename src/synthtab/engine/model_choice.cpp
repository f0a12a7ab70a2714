#include "synthtab/engine/model_choice.hpp"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/eval/feature_space.hpp"
#include "synthtab/eval/privacy.hpp"
#include "synthtab/eval/quality.hpp"

namespace synthtab {
namespace {

constexpr uint64_t kChoiceStream = 0x6175746f;  // "auto"
constexpr double kTrainingShare = 0.7;
// Synthetic rows much closer to the training rows than unseen real rows are: memorisation.
constexpr double kPrivacyFloor = 0.5;
constexpr int64_t kMinRowsForGan = 500;

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

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

}  // namespace

ModelChoice choose_model(const Table& prepared, const FitOptions& options) {
  const int64_t rows = prepared.rows();
  ModelChoice choice;
  std::vector<std::string> names = {"copula", "cart"};
  if (rows >= kMinRowsForGan) names.push_back("wgan");
  choice.splits = rows < 100 ? 5 : rows < 1000 ? 3 : 1;
  for (const auto& name : names) choice.candidates.push_back({name, 0.0, 0.0, true, ""});
  const int64_t training = std::max<int64_t>(2, static_cast<int64_t>(static_cast<double>(rows) * kTrainingShare));
  if (rows - training < 2) throw Error(ErrorKind::Input, "auto needs at least 4 rows to compare models; choose --model");
  for (int split = 0; split < choice.splits; ++split) {
    Rng rng(derive_seed(options.seed, kChoiceStream, static_cast<uint64_t>(split)));
    std::vector<int64_t> order(static_cast<size_t>(rows));
    std::iota(order.begin(), order.end(), 0);
    for (int64_t i = rows - 1; i > 0; --i) std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<uint64_t>(i + 1))]);
    const Table train = take_rows(prepared, std::vector<int64_t>(order.begin(), order.begin() + training));
    const Table held_out = take_rows(prepared, std::vector<int64_t>(order.begin() + training, order.end()));
    const eval::FeatureSpace unseen = eval::encode_pair(train, held_out);
    const double unseen_distance = median(eval::nearest_distances(unseen.synthetic, unseen.real, false, options.threads));
    for (auto& candidate : choice.candidates) {
      if (!candidate.eligible && !candidate.note.empty()) continue;
      try {
        SynthesisOptions fit;
        fit.model = candidate.model;
        fit.fit = options;
        fit.fit.progress = nullptr;
        fit.fit.seed = derive_seed(options.seed, kChoiceStream, 100 + static_cast<uint64_t>(split));
        FittedModel model = FittedModel::fit_table(train, fit);
        model.set_allow_copies(true);  // judge the model itself, not the copy filter
        const Table synthetic = model.sample(0, std::max<int64_t>(500, 2 * rows), fit.fit.seed);
        candidate.quality += eval::quality(held_out, synthetic).overall / choice.splits;
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
    if (candidate.eligible && (best == nullptr || candidate.quality > best->quality)) best = &candidate;
  }
  if (best == nullptr) throw Error(ErrorKind::Input, "auto could not fit any candidate model; choose --model");
  choice.model = best->model;
  return choice;
}

}  // namespace synthtab
