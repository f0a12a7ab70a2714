#include "synthtab/engine/generate_job.hpp"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "synthtab/core/atomic_file.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/same_file.hpp"
#include "synthtab/engine/planned_spend.hpp"
#include "synthtab/engine/validation.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

// The report compares the first synthetic rows, all of them up to this many.
constexpr int64_t kReportRows = 20000;

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Before the input is read: what a bad job would otherwise fail at only after the fit.
void check_job(const GenerateJob& job) {
  if (job.rows < 0) throw usage_error(fmt::format("`rows` expects a number of rows >= 0, got {}", job.rows));
  // The report compares two tables of at least 2 rows each.
  if (!job.report.empty() && job.rows < 2)
    throw usage_error(fmt::format("`report` needs at least 2 synthetic rows; `rows` is {}", job.rows));
  check_not_input(job.output, "`output`", job.input, "input");
  check_writable(job.output);
  if (!job.report.empty()) {
    check_not_input(job.report, "`report`", job.input, "input");
    check_not_input(job.report, "`report`", job.output, "synthetic table");
    // Neither file exists yet (so they cannot be compared as files) but the paths name one.
    if (same_path(job.report, job.output))
      throw usage_error("`report` and `output` name the same file '" + job.output +
                        "': the report would replace the synthetic rows; choose two paths");
    check_writable(job.report);
  }
}

// What the report says of the run: the input, preparation, the model, its settings (those that
// are the model's parameters explained by its schema) and the timings.
report::RunInfo run_info(const GenerateJob& job, const GenerateResult& result) {
  const FittedModel& model = result.model;
  report::RunInfo run;
  run.input_path = job.input;
  run.input_rows = result.input.input_rows;
  run.training_rows = model.training_rows();
  run.synthetic_rows = job.rows;
  run.schema = model.schema().columns;
  run.preparation = model.preparation_log().actions;
  run.model = model.model_name();
  run.settings = model.fit_report().settings;
  for (const ModelTraits& traits : ModelRegistry::instance().loaded())
    if (traits.name == model.model_name())
      for (const ParameterSpec& spec : traits.parameters)
        run.setting_help[spec.name] = spec.help + " (default: " + spec.default_value + ")";
  // The caller's, not those auto's candidate brought.
  for (const auto& [name, value] : job.options.fit.parameters.values()) run.chosen_settings.insert(name);
  run.seed = job.seed;
  run.fit_seconds = result.fit_seconds;
  run.sample_seconds = result.sample_seconds;
  return run;
}

// The ML card's cross-fitted figures: the model the run fitted (auto's choice, with its
// parameters) fitted again on each fold's training rows and judged on the held-out fold.
eval::Validation report_cross_fit(const GenerateJob& job, GenerateResult& result) {
  SynthesisOptions fold_options = job.options;
  fold_options.model = result.model.model_name();
  fold_options.fit.parameters = result.model.parameters();
  eval::ValidationOptions options;
  options.target = job.report_options.target;
  options.task = job.report_options.task;
  options.seed = job.seed;
  options.threads = job.report_options.threads;
  options.progress = job.progress;
  const auto start = std::chrono::steady_clock::now();
  eval::Validation validation = validate(result.input.prepared.table, fold_options, options);
  result.cross_fit_seconds = seconds_since(start);
  return validation;
}

void write_report(const GenerateJob& job, GenerateResult& result, const std::string& path) {
  report::ReportOptions options = job.report_options;
  options.seed = job.seed;
  options.memory_limit = job.options.max_memory;
  options.rules = job.options.rules;
  options.real_name = file_name(job.input);
  options.synthetic_name = file_name(job.output);
  const int64_t rows = std::min(job.rows, kReportRows);
  std::vector<std::string> notes;
  if (rows < job.rows)
    notes.push_back(fmt::format("The report compares the first {} of the {} synthetic rows written.", rows, job.rows));
  Table synthetic = result.model.sample(0, rows, sampling_seed(job.seed));
  std::optional<eval::Validation> cross_fit;
  if (!options.target.empty() && result.input.prepared.table.rows() >= 2 * eval::kMinCrossFitFolds) {
    try {
      cross_fit = report_cross_fit(job, result);
    } catch (const Error& e) {
      // A target the folds cannot support leaves out the cross-fit, not the report (as it
      // leaves out ML efficacy).
      if (e.kind() == ErrorKind::Interrupted) throw;
      notes.push_back(std::string("Cross-fitted ML efficacy left out: ") + e.what());
    }
  }
  if (cross_fit) {
    notes.push_back(fmt::format("The ML card's cross-fit refitted {} {} times ({} folds{}) in {:.1f} s.",
                                result.model.model_name(), cross_fit->folds * cross_fit->repeats + 1, cross_fit->folds,
                                cross_fit->repeats > 1
                                    ? fmt::format(" x {} repeats, and once on every row", cross_fit->repeats)
                                    : ", and once on every row",
                                result.cross_fit_seconds));
  }
  report::ReportInput input = report::prepare_report(result.input.prepared.table, std::move(synthetic), options,
                                                     run_info(job, result), std::move(notes));
  input.cross_fit = std::move(cross_fit);
  if (input.curve) {
    // The S-curve section sets the model's rows at planned spends beside the curve.
    try {
      input.curve->planned = draw_at_planned_spends(result.model, input.real, options.curve.spend,
                                                    options.curve.response, kPlannedSpendRows, job.seed);
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::Usage) throw;
      input.curve->planned = marketing::PlannedSpends{result.model.model_name(), {}, e.what()};
    }
  }
  report::write_report(path, input);
}

}  // namespace

GenerateResult run_generate(const GenerateJob& job, const std::function<void(const PreparedInput&)>& on_prepared) {
  check_job(job);
  SynthesisOptions options = job.options;
  options.fit.seed = job.seed;
  options.fit.progress = job.progress;
  options.will_sample = true;
  GenerateResult result;
  result.input = prepare_csv(job.input, options);
  if (!job.report.empty()) {
    report::check_chart_options(result.input.prepared.table, job.report_options.charts);
    if (!job.report_options.target.empty()) result.input.prepared.table.column(job.report_options.target);
  }
  std::vector<Condition> conditions;
  if (!job.conditions.empty()) {
    if (!job.report.empty())
      throw usage_error(
          "a report compares the synthetic rows with all the real ones: rows drawn given values are not "
          "comparable; write the report without conditions");
    std::vector<std::string> names;
    for (const auto& column : result.input.prepared.table.columns) names.push_back(column.name);
    for (const auto& text : job.conditions) {
      conditions.push_back(parse_condition(text, names));
      if (result.input.prepared.table.find(conditions.back().column) < 0)  // before the fit
        throw usage_error(fmt::format("the condition '{}': the prepared table has no column {}", text,
                                      in_quotes(conditions.back().column)));
    }
    if (options.model == "auto") options.model = "copula";
  }
  if (on_prepared) on_prepared(result.input);

  const auto fit_start = std::chrono::steady_clock::now();
  result.model = FittedModel::fit_prepared(result.input, options);
  result.fit_seconds = seconds_since(fit_start);
  FittedModel& model = result.model;
  model.set_conditions(conditions);
  model.set_copy_policy(job.copies);
  model.set_memory_limit(options.max_memory);
  const uint64_t seed = sampling_seed(job.seed);
  const auto sample_start = std::chrono::steady_clock::now();
  if (job.report.empty()) {
    result.stats = model.write_sample_csv(job.output, job.rows, seed, {}, job.progress);
    result.sample_seconds = seconds_since(sample_start);
    return result;
  }
  // Both outputs or neither: each goes to a temp file beside its target, and both are renamed
  // only once both were written; a failing report leaves any previous output as it was.
  StagedFile csv(job.output);
  StagedFile html(job.report);
  csv.write_with(
      [&](const std::string& path) { result.stats = model.write_sample_csv(path, job.rows, seed, {}, job.progress); });
  result.sample_seconds = seconds_since(sample_start);
  html.write_with([&](const std::string& path) { write_report(job, result, path); });
  commit_together({&csv, &html});
  return result;
}

}  // namespace synthtab
