#pragma once
// The report's one-line plain-language verdicts. Thresholds are documented in docs/report.md.
#include <cstdint>
#include <string>

namespace synthtab::report {

enum class Level { Good, Fair, Poor, None };

inline constexpr double kRelationshipGoodChange = 0.1;
inline constexpr double kRelationshipFairChange = 0.2;

struct Verdict {
  Level level = Level::None;
  std::string text;
};

// Capped at fair when the strongest real relationship changed by more than
// kRelationshipFairChange: a high average must not hide the relationship the table is for.
Verdict quality_verdict(double overall, double strongest_max_change = 0.0);
// The largest change (|real - synthetic| of Pearson r or Cramér's V) among the strongest real pairs.
Verdict relationship_verdict(double strongest_max_change, bool any_pair = true);
// Holdout copy checks: identical-match shares and the share of synthetic rows nearer a training
// row than a holdout row (0.5 ideal).
Verdict holdout_verdict(double synthetic_match_share, double holdout_match_share, double closer_to_training_share);
Verdict detection_verdict(double auc);
// task: "regression" (scores are R^2) or "classification" (accuracy).
Verdict efficacy_verdict(const std::string& task, double tstr, double trtr);
Verdict copies_verdict(int64_t copies, double share);
Verdict dcr_verdict(double ratio);

}  // namespace synthtab::report
