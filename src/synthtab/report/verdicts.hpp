#pragma once
// The report's one-line plain-language verdicts. Thresholds are documented in docs/report.md.
#include <cstdint>
#include <string>

namespace synthtab::report {

enum class Level { Good, Fair, Poor, None };

struct Verdict {
  Level level = Level::None;
  std::string text;
};

Verdict quality_verdict(double overall);
Verdict detection_verdict(double auc);
// task: "regression" (scores are R^2) or "classification" (accuracy).
Verdict efficacy_verdict(const std::string& task, double tstr, double trtr);
Verdict copies_verdict(int64_t copies, double share);
Verdict dcr_verdict(double ratio);

}  // namespace synthtab::report
