#pragma once
// `generate` as one job for any front end (the CLI, an embedding program): read and prepare a
// CSV, fit, and write the synthetic rows; with a report path, the HTML report beside them, both
// files or neither.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "synthtab/engine/synthesis.hpp"
#include "synthtab/report/report.hpp"

namespace synthtab {

struct GenerateJob {
  std::string input;   // the CSV to learn from
  std::string output;  // the synthetic rows' CSV; "-", a FIFO or a device is written in place
  std::string report;  // the HTML report's path; empty: no report
  int64_t rows = 2000;
  uint64_t seed = 42;  // the fit's seed (options.fit.seed is set from it); rows use sampling_seed(seed)
  CopyPolicy copies = CopyPolicy::Holdout;
  // "COLUMN=VALUE": every row holds these values, drawn given them (see
  // FittedModel::set_conditions); auto then fits the copula, the model that conditions exactly.
  // Not with a report, which compares the rows with all the real ones.
  std::vector<std::string> conditions;
  SynthesisOptions options;  // reading, preparation, the model, its parameters, the memory limit
  // The report's own choices (target, task, charts, threads, option names); its seed, memory
  // limit and file names are the job's.
  report::ReportOptions report_options;
  Progress* progress = nullptr;
};

struct GenerateResult {
  PreparedInput input;
  FittedModel model;
  SampleStats stats;
  double fit_seconds = 0.0;
  double sample_seconds = 0.0;  // drawing and writing the rows
  // The report's cross-fit (a target given): the fitted model refitted on 5 folds; 0 when none.
  double cross_fit_seconds = 0.0;
};

// Runs `job`. What can fail early does, before the fit: `rows` below 0 (or below 2 with a report),
// a report chart or target naming no column. `on_prepared`, when given, sees the prepared input
// before the fit starts.
GenerateResult run_generate(const GenerateJob& job,
                            const std::function<void(const PreparedInput&)>& on_prepared = nullptr);

}  // namespace synthtab
