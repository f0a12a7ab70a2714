#include "synthtab/report/verdicts.hpp"

#include <cmath>

#include <fmt/format.h>

namespace synthtab::report {

Verdict quality_verdict(double q, double strongest_max_change) {
  if (std::isnan(q)) return {Level::None, "Not defined for this table."};
  if (q >= 0.8 && strongest_max_change > kRelationshipFairChange)
    return {Level::Fair, fmt::format("Fair: columns match on average, but a strong relationship between columns is "
                                     "badly kept (changed by {:.2f}; see Strongest relationships).",
                                     strongest_max_change)};
  if (q >= 0.9) return {Level::Good, "Excellent: columns and their relationships match the real data closely."};
  if (q >= 0.8) return {Level::Good, "Good: columns and their relationships mostly match the real data."};
  if (q >= 0.6) return {Level::Fair, "Fair: the broad shape is right, but some columns or relationships are off."};
  return {Level::Poor, "Poor: the synthetic columns or their relationships differ clearly from the real ones."};
}

Verdict relationship_verdict(double change, bool any_pair) {
  if (!any_pair || std::isnan(change))
    return {Level::None, "Not defined: no pair of columns has a relationship that can be measured."};
  if (change <= kRelationshipGoodChange) return {Level::Good, "The strongest relationships between columns are kept."};
  if (change <= kRelationshipFairChange)
    return {Level::Fair, "The strongest relationships are kept roughly: one is somewhat weaker or stronger."};
  return {Level::Poor, "A strong relationship between columns is badly kept."};
}

Verdict holdout_verdict(double synthetic_match, double holdout_match, double closer) {
  if (std::isnan(synthetic_match) || std::isnan(holdout_match) || std::isnan(closer))
    return {Level::None, "Not defined for this table."};
  const double excess = synthetic_match - holdout_match;
  if (excess > 0.05 || closer > 0.65)
    return {Level::Poor, "Synthetic rows sit clearly closer to the training rows than unseen real rows do: memorised."};
  if (excess > 0.01 || closer > 0.55)
    return {Level::Fair, "Synthetic rows sit a little closer to the training rows than unseen real rows do."};
  return {Level::Good, "Synthetic rows are no closer to the training rows than unseen real rows are."};
}

Verdict detection_verdict(double auc) {
  if (std::isnan(auc)) return {Level::None, "Not defined for this table."};
  // Below 0.5 is noise around 0.5, not better than indistinguishable.
  if (auc <= 0.6) return {Level::Good, "A classifier can barely tell synthetic from real rows."};
  if (auc <= 0.75) return {Level::Fair, "A classifier can sometimes tell synthetic from real rows."};
  if (auc <= 0.9) return {Level::Poor, "A classifier can often tell synthetic from real rows."};
  return {Level::Poor, "A classifier easily tells synthetic from real rows."};
}

Verdict efficacy_verdict(const std::string& task, double tstr, double trtr) {
  if (std::isnan(tstr) || std::isnan(trtr)) return {Level::None, "Not defined for this table."};
  const bool regression = task == "regression";
  if (regression && tstr <= 0)
    return {Level::Poor, "A model trained on synthetic rows predicts the real target worse than its average does."};
  const double gap = trtr - tstr;
  if (gap <= 0.05)
    return {Level::Good,
            "A model trained on synthetic rows predicts the real target as well as one trained on real rows."};
  if (gap <= 0.15)
    return {Level::Fair,
            "A model trained on synthetic rows predicts the real target a little worse than one trained on real rows."};
  return {Level::Poor,
          "A model trained on synthetic rows predicts the real target much worse than one trained on real rows."};
}

Verdict copies_verdict(int64_t copies, double share) {
  if (copies == 0) return {Level::Good, "No synthetic row copies a real row."};
  if (share <= 0.01) return {Level::Fair, fmt::format("A few synthetic rows ({}) copy a real row exactly.", copies)};
  return {Level::Poor, fmt::format("Many synthetic rows ({:.1f} %) copy a real row exactly.", 100.0 * share)};
}

Verdict dcr_verdict(double ratio) {
  if (std::isnan(ratio) || std::isinf(ratio)) return {Level::None, "Not defined: real rows repeat each other exactly."};
  if (ratio < 0.5) return {Level::Poor, "Synthetic rows sit suspiciously close to real rows: near-copies."};
  if (ratio <= 2.0)
    return {Level::Good, "Synthetic rows sit about as close to real rows as real rows sit to each other."};
  return {Level::Fair, "Synthetic rows are far from every real row: private, but less faithful."};
}

}  // namespace synthtab::report
