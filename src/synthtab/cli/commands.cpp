#include "synthtab/cli/commands.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "synthtab/cli/option_checks.hpp"
#include "synthtab/cli/option_flags.hpp"
#include "synthtab/cli/progress_bar.hpp"
#include "synthtab/cli/summary.hpp"
#include "synthtab/core/atomic_file.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/memory_limit.hpp"
#include "synthtab/core/same_file.hpp"
#include "synthtab/engine/evaluation_job.hpp"
#include "synthtab/engine/generate_job.hpp"
#include "synthtab/engine/option_values.hpp"
#include "synthtab/engine/validation.hpp"
#include "synthtab/models/registry.hpp"
#include "synthtab/report/report.hpp"

namespace synthtab::cli {
namespace {

// Rows the summary compares; enough for stable means, cheap to draw again.
constexpr int64_t kSummaryRows = 5000;

char single_char_option(const std::string& value, const char* option) {
  if (value.empty()) return 0;
  if (value == "tab" || value == "\\t") return '\t';
  if (value.size() != 1) throw usage_error(fmt::format("{} expects one character, got '{}'", option, value));
  return value[0];
}

// --max-memory, or 80 % of the memory available now.
uint64_t memory_limit(const std::string& option) {
  return option.empty() ? default_memory_limit() : parse_memory_size(option);
}

constexpr const char* kMaxMemoryHelp =
    "memory the run may use, e.g. 4G or 500M (default: 80% of the available memory); larger tables "
    "are refused early";

constexpr const char* kHoldoutHelp =
    "real rows the generator never saw (CSV, the real table's columns; REAL = the rows it learned from): compare "
    "how often and how closely synthetic rows match training rows with how unseen real rows do";

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void print_model(const FittedModel& model) {
  const auto& settings = model.fit_report().settings;
  if (const auto it = settings.find("auto"); it != settings.end()) std::printf("Model auto: %s.\n", it->second.c_str());
  std::printf("Model %s: %s\n", model.model_name().c_str(), describe_settings(model.fit_report()).c_str());
}

void print_lines(const std::vector<std::string>& lines, bool quiet) {
  if (quiet) return;
  for (const auto& line : lines) std::printf("  - %s\n", in_cli_terms(line).c_str());
}

void print_rules(const FittedModel& model) {
  const auto lines = model.rules().describe();
  if (lines.empty()) return;
  std::printf("Rules every row keeps (--drop-constraint N leaves a found one out, --no-constraints all):\n");
  for (const auto& line : lines) std::printf("  %s\n", line.c_str());
}

constexpr const char* kConditionHelp =
    "draw rows given a value, COLUMN=VALUE (repeatable): every row holds it, the rest drawn from the model's "
    "conditional distribution (the copula's, exactly; with the default model the copula is fitted)";

// Which values every row holds, and how they were drawn.
void print_conditions(const FittedModel& model, bool auto_asked) {
  if (model.conditions().empty()) return;
  std::string held;
  for (const auto& c : model.conditions())
    held += fmt::format("{}{} = {}", held.empty() ? "" : ", ", c.column, c.value);
  const std::string how =
      model.held_acceptance() < 1.0
          ? fmt::format("drawn with them: the {2}'s rows drawn again until they hold {0} ({1:.1f}% of its rows do)",
                        model.conditions().size() == 1 ? "it" : "them", 100 * model.held_acceptance(),
                        model.model_name())
          : fmt::format("drawn from the {}'s distribution given {}{}", model.model_name(),
                        model.conditions().size() == 1 ? "it" : "them",
                        auto_asked ? " (the copula rather than auto's choice: it draws given values exactly)" : "");
  std::printf("Every row holds %s; the other columns are %s.\n", held.c_str(), how.c_str());
}

}  // namespace

Commands::Commands(CLI::App& app) {
  add_generate(app);
  add_fit(app);
  add_sample(app);
  add_models(app);
  add_evaluate(app);
  add_report(app);
  add_curve(app);
  add_validate(app);
  add_rules(app);
}

void Commands::add_rules(CLI::App& app) {
  rules_ = app.add_subcommand("rules", "list the business rules the rows of IN.csv keep, as generate would keep them");
  rules_->add_option("input", input_, "the real table (CSV)")->required();
  rules_->add_option("--json", json_, "also write the rules as JSON");
  rules_->add_option("--constraint", constraints_, "a declared rule (repeatable; docs/constraints.md)");
  rules_->add_flag("--no-constraints", no_constraints_, "do not look for rules in the rows");
  rules_->add_option("--drop-constraint", dropped_constraints_, "leave out found rule N (repeatable)")
      ->check(whole_number(1));
  add_input_options(*rules_);
  rules_->add_option("--missing", missing_, "missing values: model, fill or auto (as generate)")->capture_default_str();
  rules_->add_flag("--quiet,-q", quiet_, "print nothing but errors");
}

void Commands::run_rules() {
  check_not_input(json_, "--json", input_, "input");
  if (!json_.empty()) check_writable(json_);
  const SynthesisOptions options = synthesis_options();
  const PreparedInput input = prepare_csv(input_, options);
  const RuleSet rules = RuleSet::build(input.prepared.table, options.rules);
  if (!json_.empty()) write_file_atomically(json_, nlohmann::json::parse(rules.save()).dump(2) + "\n");
  if (quiet_) return;
  const auto lines = rules.describe();
  std::printf("%s: %zu rules in %lld rows.\n", input_.c_str(), lines.size(),
              static_cast<long long>(input.prepared.table.rows()));
  for (const auto& line : lines) std::printf("  %s\n", line.c_str());
  if (!json_.empty()) std::printf("Wrote the rules to %s.\n", json_.c_str());
}

void Commands::add_validate(CLI::App& app) {
  validate_ = app.add_subcommand(
      "validate", "cross-fit the generator: does training on synthetic rows help a model of TARGET on unseen rows?");
  validate_->add_option("input", input_, "the real table (CSV)")->required();
  validate_->add_option("--target", target_, "the column a model learns to predict")->required();
  validate_->add_option("--task", task_, "regression or classification (default: from the target's type)")
      ->check(CLI::IsMember({"regression", "classification"}));
  validate_->add_option("--folds", folds_, "K: each fold is held out once, the generator fitted on the others")
      ->check(whole_number(2, 1000))
      ->capture_default_str();
  validate_
      ->add_option("--repeats", repeats_,
                   "K-fold runs on fresh shuffles (default: 5 when folds hold under 10 rows, else 1)")
      ->check(whole_number(0, 100));
  validate_->add_option("-n,--rows", validate_rows_, "synthetic rows per fold (default: as many as its training rows)")
      ->check(whole_number(0));
  validate_->add_option("--json", json_, "write every figure as JSON (layout: docs/validation.md)");
  validate_->add_option("--report", report_,
                        "also write the HTML report of the model fitted on every row (its rows against the real "
                        "ones), with these cross-fitted figures on its ML card");
  add_fit_options(*validate_);
}

void Commands::add_fit_options(CLI::App& command) {
  command.add_option("--model,-m", model_, "model name (see `synthtab models`); auto picks the best on held-out rows")
      ->capture_default_str();
  command.add_option("--seed", seed_, "random seed: same input and seed, same output")
      ->check(unsigned_number())
      ->capture_default_str();
  // The plugin's models' flags are here once it is loaded (main loads it when a flag is unknown).
  parameters_.add_to(command, ModelRegistry::instance().loaded());
  command.add_option("--threads", threads_, "threads (default: all cores)")->check(whole_number(0, 1024));
  command.add_option("--max-memory", max_memory_, kMaxMemoryHelp);
  add_input_options(command);
  command
      .add_option("--missing", missing_,
                  "missing values: model (kept and generated at the real rate and pattern), fill (the seed's "
                  "rules: fill numeric gaps, drop incomplete rows), auto (model, fill for wgan/gan)")
      ->capture_default_str();
  command.add_flag("--expand-dates", expand_dates_,
                   "the seed's rule: a date column becomes ISO year, week and weekday columns");
  command.add_option("--constraint", constraints_,
                     "a rule every synthetic row keeps (repeatable), e.g. \"A + B + C = 1\", \"start <= end\", "
                     "\"country <- city\", \"x >= 0\", \"price on 0.25\"; names with spaces in backticks "
                     "(docs/constraints.md)");
  command.add_flag("--no-constraints", no_constraints_, "do not look for rules in the real rows");
  command.add_option("--drop-constraint", dropped_constraints_, "leave out found rule N, as listed (repeatable)")
      ->check(whole_number(1));
  command.add_flag("--quiet,-q", quiet_, "print nothing but errors");
}

void Commands::add_input_options(CLI::App& command) {
  command.add_option("--delimiter", delimiter_, "CSV delimiter (default: sniffed among , ; tab |)");
  command.add_option("--decimal", decimal_, "decimal mark, . or , (default: decided from the data)");
  command.add_option("--categorical", categorical_, "treat COL as categorical (repeatable)");
  command.add_option("--numeric", numeric_, "treat COL as numeric (repeatable)");
  command.add_option("--datetime", datetime_, "treat COL as a date/time (repeatable)");
  command.add_option("--drop", drop_, "leave COL out (repeatable)");
}

void Commands::add_generate(CLI::App& app) {
  generate_ = app.add_subcommand("generate", "learn IN.csv and write synthetic rows to OUT.csv");
  generate_->add_option("input", input_, "the real table (CSV)")->required();
  generate_->add_option("-n,--rows", rows_, "synthetic rows to write")->check(whole_number(0))->capture_default_str();
  generate_->add_option("-o,--output", output_, "the synthetic table (CSV)")->required();
  generate_
      ->add_option("--copies", copies_,
                   "synthetic rows equal to a training row: holdout (as often as unseen real rows equal one; "
                   "copies of unique rows redrawn), never (all redrawn), allow (kept)")
      ->capture_default_str();
  generate_->add_flag("--allow-copies", allow_copies_, "the same as --copies allow");
  generate_->add_option("--condition", conditions_, kConditionHelp);
  generate_->add_option("--report", report_,
                        "also write an HTML report comparing the synthetic rows with the real ones");
  generate_->add_option("--target", target_, "(with --report) column to predict for the report's ML efficacy check");
  generate_->add_option("--x", chart_x_, "(with --report) column on the x axis of the report's scatter plot");
  generate_->add_option("--y", chart_y_, "(with --report) column on the y axis of the report's scatter plot");
  generate_->add_option("--color", chart_color_, "(with --report) colour the scatter plot's points by this column");
  generate_->add_option("--spend", spend_,
                        "(with --report and --response) a spend column: add the S-curve section (repeatable)");
  generate_->add_option("--response", response_, "(with --report and --spend) the response column of the S-curve");
  generate_->add_option("--time", time_, "(with --spend) the column that orders the rows in time");
  add_fit_options(*generate_);
}

void Commands::add_fit(CLI::App& app) {
  fit_ = app.add_subcommand("fit", "learn IN.csv and save the model to one file");
  fit_->add_option("input", input_, "the real table (CSV)")->required();
  fit_->add_option("-o,--output", output_, "the model file to write (MODEL.synthtab)")->required();
  add_fit_options(*fit_);
}

void Commands::add_sample(CLI::App& app) {
  sample_ = app.add_subcommand("sample", "draw synthetic rows from a saved model");
  sample_->add_option("model", model_file_, "a model file written by `synthtab fit`")->required();
  sample_->add_option("-n,--rows", rows_, "synthetic rows in the whole run")
      ->check(whole_number(0))
      ->capture_default_str();
  sample_->add_option("-o,--output", output_, "the synthetic table (CSV)")->required();
  sample_->add_option("--seed", sample_seed_, "sampling seed (default: the model's fit seed)")
      ->check(unsigned_number())
      ->each([this](const std::string&) { sample_seed_set_ = true; });
  sample_
      ->add_option("--shard", shard_,
                   "write only shard i of K (1-based), e.g. 3/8: the same rows that shard "
                   "would hold in a single run")
      ->capture_default_str();
  sample_
      ->add_option("--copies", copies_,
                   "synthetic rows equal to a training row: holdout (as often as unseen real rows equal one; "
                   "copies of unique rows redrawn), never (all redrawn), allow (kept)")
      ->capture_default_str();
  sample_->add_flag("--allow-copies", allow_copies_, "the same as --copies allow");
  sample_->add_option("--condition", conditions_, kConditionHelp);
  sample_->add_option("--max-memory", max_memory_, kMaxMemoryHelp);
  sample_->add_flag("--quiet,-q", quiet_, "print nothing but errors");
}

void Commands::add_evaluate(CLI::App& app) {
  evaluate_ =
      app.add_subcommand("evaluate", "compare a synthetic table with the real one: fidelity, usefulness, privacy");
  evaluate_->add_option("real", input_, "the real table (CSV)")->required();
  evaluate_->add_option("synthetic", synthetic_, "the synthetic table (CSV)")->required();
  evaluate_->add_option("--target", target_, "column to predict for the ML efficacy check");
  evaluate_->add_option("--task", task_, "regression or classification (default: from the target's type)")
      ->check(CLI::IsMember({"regression", "classification"}));
  evaluate_->add_option("--json", json_, "write every figure as JSON (layout: docs/evaluation.md)");
  evaluate_->add_option("--holdout", holdout_, kHoldoutHelp);
  evaluate_->add_option("--constraint", constraints_,
                        "a rule to check beside those found in the real rows (repeatable; docs/constraints.md)");
  add_evaluation_seed_options(*evaluate_);
  evaluate_->add_flag("--mmd-seed-compatible", mmd_seed_compatible_,
                      "also compute the seed's MMD (gamma = 1/features on raw values, biased)");
  evaluate_->add_flag(
      "--geometry", geometry_,
      "the seed's geometry checks: distance concentration, singular values, VCR (vs uniform random rows)");
  evaluate_->add_flag("--topology", topology_, "Vietoris-Rips persistence H0/H1 of real vs synthetic rows");
  evaluate_->add_flag("--raw", raw_, "geometry and topology on raw units, as the seed (default: standardised)");
  evaluate_
      ->add_option("--topology-points", topology_points_,
                   "points per cloud for topology (default: min(real rows, synthetic rows, 1000))")
      ->check(whole_number(2, 30000));
  evaluate_->add_option("--threads", threads_, "threads (default: all cores)")->check(whole_number(0, 1024));
  evaluate_->add_option("--max-memory", max_memory_, kMaxMemoryHelp);
  add_input_options(*evaluate_);
  evaluate_->add_flag("--quiet,-q", quiet_, "print nothing but errors");
}

void Commands::add_evaluation_seed_options(CLI::App& command) {
  command.add_option("--seed", seed_, "random seed (subsamples, permutations, forests)")
      ->check(unsigned_number())
      ->capture_default_str();
  command.add_option("--permutations", permutations_, "MMD permutation test size")
      ->check(whole_number(0, 100000))
      ->capture_default_str();
}

void Commands::add_report(CLI::App& app) {
  report_command_ = app.add_subcommand(
      "report", "write one self-contained HTML page: how faithful, useful and private the synthetic rows are");
  report_command_->add_option("real", input_, "the real table (CSV)")->required();
  report_command_->add_option("synthetic", synthetic_, "the synthetic table (CSV)")->required();
  report_command_->add_option("-o,--output", output_, "the report to write (HTML)")->required();
  report_command_->add_option("--target", target_, "column to predict for the ML efficacy section");
  report_command_->add_option("--holdout", holdout_, kHoldoutHelp);
  report_command_->add_option("--constraint", constraints_,
                              "a rule to check beside those found in the real rows (repeatable; docs/constraints.md)");
  report_command_->add_option("--task", task_, "regression or classification (default: from the target's type)")
      ->check(CLI::IsMember({"regression", "classification"}));
  report_command_->add_option(
      "--x", chart_x_, "column on the x axis of the scatter plot (default: the two most correlated numeric columns)");
  report_command_->add_option("--y", chart_y_, "column on the y axis of the scatter plot");
  report_command_->add_option("--color", chart_color_, "colour the scatter plot's points by this column");
  add_evaluation_seed_options(*report_command_);
  report_command_->add_flag("--no-geometry", no_geometry_, "leave out the distance and singular-value checks");
  report_command_->add_flag("--no-topology", no_topology_, "leave out the persistence diagrams");
  report_command_->add_option("--topology-points", topology_points_, "points per cloud for topology (default 300)")
      ->check(whole_number(2, 30000));
  report_command_->add_option("--threads", threads_, "threads (default: all cores)")->check(whole_number(0, 1024));
  add_input_options(*report_command_);
  report_command_->add_option("--max-memory", max_memory_, kMaxMemoryHelp);
  report_command_->add_flag("--quiet,-q", quiet_, "print nothing but errors");
}

void Commands::add_models(CLI::App& app) { models_ = app.add_subcommand("models", "list the models"); }

SynthesisOptions Commands::synthesis_options() {
  SynthesisOptions options;
  options.model = model_;
  options.fit.seed = seed_;
  options.fit.threads = threads_;
  options.csv.delimiter = single_char_option(delimiter_, "--delimiter");
  options.csv.decimal = single_char_option(decimal_, "--decimal");
  if (options.csv.decimal != 0 && options.csv.decimal != '.' && options.csv.decimal != ',')
    throw usage_error("--decimal expects . or ,");
  options.overrides = {categorical_, numeric_, datetime_, drop_};
  options.clean.expand_datetimes = expand_dates_;
  options.missing = parse_missing_values(missing_);
  options.rules.declared = constraints_;
  options.rules.find = !no_constraints_;
  options.rules.dropped = dropped_constraints_;
  if (no_constraints_ && !dropped_constraints_.empty())
    throw usage_error("--drop-constraint drops a found rule, but --no-constraints looks for none");
  if (const auto given = parameters_.given(); !given.empty())
    options.fit.parameters = parse_model_parameters(model_, given);
  options.max_memory = memory_limit(max_memory_);
  return options;
}

void Commands::run() {
  if (generate_->parsed()) run_generate();
  if (fit_->parsed()) run_fit();
  if (sample_->parsed()) run_sample();
  if (models_->parsed()) run_models();
  if (evaluate_->parsed()) run_evaluate();
  if (report_command_->parsed()) run_report();
  if (curve_->parsed()) run_curve();
  if (validate_->parsed()) run_validate();
  if (rules_->parsed()) run_rules();
}

void Commands::run_validate() {
  check_not_input(json_, "--json", input_, "input");
  if (!json_.empty()) check_writable(json_);
  check_not_input(report_, "--report", input_, "input");
  if (!report_.empty()) check_writable(report_);
  if (!report_.empty() && same_path(report_, json_))
    throw usage_error("--report and --json name the same file '" + report_ + "'; choose two paths");
  ProgressBar progress(quiet_);
  const SynthesisOptions synthesis = synthesis_options();
  check_model_parameters(synthesis);
  const PreparedInput input = prepare_csv(input_, synthesis);
  eval::ValidationOptions options;
  options.target = target_;
  options.task = parse_task(task_);
  options.folds = folds_;
  options.repeats = repeats_;
  options.rows = validate_rows_;
  options.seed = seed_;
  options.threads = threads_;
  options.progress = &progress;
  const eval::Validation validation = validate(input.prepared.table, synthesis, options);
  if (!json_.empty()) write_file_atomically(json_, eval::to_json(validation).dump(2) + "\n");
  if (!report_.empty()) {
    // The rows the user would get: the model fitted on every row, as many rows as the table.
    SynthesisOptions all_rows = synthesis;
    all_rows.fit.progress = &progress;
    const FittedModel model = FittedModel::fit_prepared(input, all_rows);
    report::ReportOptions report_options;
    report_options.target = target_;
    report_options.task = parse_task(task_);
    report_options.seed = seed_;
    report_options.threads = threads_;
    report_options.progress = &progress;
    report_options.option_names = flag_for;
    report_options.real_name = std::filesystem::path(input_).filename().string();
    report_options.synthetic_name = "rows of " + model.model_name();
    const int64_t rows = std::max<int64_t>(input.prepared.table.rows(), 2);
    report::ReportInput page =
        report::prepare_report(input.prepared.table, model.sample(0, rows, sampling_seed(seed_)), report_options);
    page.cross_fit = validation;
    report::write_report(report_, page);
  }
  if (quiet_) return;
  std::printf("%s", in_cli_terms(eval::format_text(validation)).c_str());
  if (!json_.empty()) std::printf("Wrote every figure to %s.\n", json_.c_str());
  if (!report_.empty()) std::printf("Wrote the report to %s.\n", report_.c_str());
}

EvaluationFiles Commands::evaluation_files() {
  const SynthesisOptions read_options = synthesis_options();
  return {.real = input_,
          .synthetic = synthetic_,
          .holdout = holdout_,
          .csv = read_options.csv,
          .overrides = read_options.overrides,
          .max_memory = read_options.max_memory};
}

void Commands::run_evaluate() {
  EvaluateJob job;
  job.files = evaluation_files();
  job.json = json_;
  set_evaluation_options(job.options);
  job.options.mmd_seed_compatible = mmd_seed_compatible_;
  job.options.geometry = geometry_;
  job.options.topology = topology_;
  job.options.raw = raw_;
  job.options.topology_points = topology_points_;
  job.option_names = flag_for;
  const eval::Evaluation evaluation = synthtab::run_evaluate(job);
  if (quiet_) return;
  std::printf("%s", in_cli_terms(eval::format_text(evaluation)).c_str());
  if (!json_.empty()) std::printf("Wrote every figure to %s.\n", json_.c_str());
}

void Commands::run_report() {
  ReportJob job;
  job.files = evaluation_files();
  job.output = output_;
  set_evaluation_options(job.options);
  job.options.charts = {chart_x_, chart_y_, chart_color_};
  job.options.geometry = !no_geometry_;
  job.options.topology = !no_topology_;
  if (topology_points_ > 0) job.options.topology_points = topology_points_;
  job.options.option_names = flag_for;
  synthtab::run_report(job);
  if (!quiet_) std::printf("Wrote the report to %s.\n", output_.c_str());
}

void Commands::run_generate() {
  GenerateJob job;
  job.input = input_;
  job.output = output_;
  job.report = report_;
  job.rows = rows_;
  job.seed = seed_;
  job.copies = copy_policy();  // a bad value fails before the fit
  job.conditions = conditions_;
  quiet_ = quiet_ || is_standard_output(output_);  // standard output carries the CSV alone
  ProgressBar progress(quiet_);
  job.progress = &progress;
  job.options = synthesis_options();
  job.report_options.target = target_;
  job.report_options.charts = {chart_x_, chart_y_, chart_color_};
  job.report_options.threads = threads_;
  job.report_options.option_names = flag_for;
  if (!spend_.empty() || !response_.empty()) {
    if (report_.empty()) throw usage_error("--spend and --response draw the report's S-curve section: give --report");
    if (spend_.empty() || response_.empty()) throw usage_error("the S-curve section needs both --spend and --response");
    job.report_options.curve.spend = spend_;
    job.report_options.curve.response = response_;
    job.report_options.curve.time = time_;
    job.report_options.curve.seed = seed_;
    job.report_options.curve.threads = threads_;
  }
  const auto start = std::chrono::steady_clock::now();
  const GenerateResult result = synthtab::run_generate(job, [&](const PreparedInput& input) {
    if (quiet_) return;
    std::printf("Read %s: %lld rows in %.2f s; prepared %lld rows x %lld columns in %.2f s.\n", input_.c_str(),
                static_cast<long long>(input.input_rows), input.read_seconds,
                static_cast<long long>(input.prepared.table.rows()),
                static_cast<long long>(input.prepared.table.cols()), input.prepare_seconds);
    print_lines(input.prepared.log.actions, quiet_);
  });
  if (quiet_) return;
  if (!report_.empty()) std::printf("Wrote the report to %s.\n", report_.c_str());
  if (result.cross_fit_seconds > 0)
    std::printf("Cross-fitting the report's ML card (--target) added %.2f s.\n", result.cross_fit_seconds);
  report_copies(result.stats, rows_);
  print_model(result.model);
  print_conditions(result.model, synthesis_options().model == "auto");
  print_rules(result.model);
  std::printf(
      "Fitted in %.2f s; wrote %lld synthetic rows to %s in %.2f s (drawing %.2f s, writing %.2f s); "
      "%.2f s in all.\n",
      result.fit_seconds, static_cast<long long>(rows_), output_.c_str(), result.sample_seconds,
      result.stats.sample_seconds, result.stats.write_seconds, seconds_since(start));
  const Table synthetic = result.model.sample(0, std::min<int64_t>(rows_, kSummaryRows), sampling_seed(seed_));
  std::printf("%s", compare_columns(result.input.prepared.table, synthetic).c_str());
}

void Commands::run_fit() {
  ProgressBar progress(quiet_);
  SynthesisOptions options = synthesis_options();
  options.fit.progress = &progress;
  const auto start = std::chrono::steady_clock::now();
  check_not_input(output_, "-o", input_, "input");
  check_writable(output_);
  FittedModel model = FittedModel::fit_csv(input_, options);
  model.save(output_);
  if (quiet_) return;
  print_lines(model.preparation_log().actions, quiet_);
  print_model(model);
  print_rules(model);
  std::printf("Fitted on %lld rows in %.2f s; saved to %s.\n", static_cast<long long>(model.training_rows()),
              seconds_since(start), output_.c_str());
}

void Commands::run_sample() {
  if (rows_ < 0) throw usage_error(fmt::format("-n expects a number of rows >= 0, got {}", rows_));
  const Shard shard = parse_shard(shard_);
  const CopyPolicy copies = copy_policy();
  quiet_ = quiet_ || is_standard_output(output_);  // standard output carries the CSV alone
  ProgressBar progress(quiet_);
  const auto start = std::chrono::steady_clock::now();
  check_not_input(output_, "-o", model_file_, "model file");
  check_writable(output_);
  const uint64_t max_memory = memory_limit(max_memory_);
  FittedModel model = FittedModel::load(model_file_, max_memory);
  std::vector<Condition> conditions;
  std::vector<std::string> names;
  for (const auto& column : model.pipeline().prototype().columns) names.push_back(column.name);
  for (const auto& text : conditions_) conditions.push_back(parse_condition(text, names));
  model.set_conditions(conditions);
  model.set_copy_policy(copies);
  model.set_memory_limit(max_memory);
  const uint64_t seed = sampling_seed(sample_seed_set_ ? sample_seed_ : model.fit_seed());
  const SampleStats stats = model.write_sample_csv(output_, rows_, seed, shard, &progress);
  if (quiet_) return;
  const int64_t written = shard.last(rows_) - shard.first(rows_);
  report_copies(stats, written);
  print_conditions(model, false);
  const double seconds = seconds_since(start);
  std::printf("Wrote %lld rows (shard %lld/%lld of %lld) to %s in %.2f s (%.0f rows/s).\n",
              static_cast<long long>(written), static_cast<long long>(shard.index), static_cast<long long>(shard.count),
              static_cast<long long>(rows_), output_.c_str(), seconds,
              seconds > 0 ? static_cast<double>(written) / seconds : 0.0);
}

CopyPolicy Commands::copy_policy() const {
  const CopyPolicy policy = parse_copy_policy(copies_);
  if (allow_copies_ && policy == CopyPolicy::Never) throw usage_error("--allow-copies contradicts --copies never");
  return allow_copies_ ? CopyPolicy::Allow : policy;
}

void Commands::report_copies(const SampleStats& stats, int64_t rows) const {
  if (stats.allowed > 0)
    std::printf(
        "Kept %lld rows equal to a training row that occurs more than once: unseen real rows equal a "
        "training row as often (--copies holdout).\n",
        static_cast<long long>(stats.allowed));
  if (stats.redrawn > 0)
    std::printf("Drew %lld rows again because they copied a real row.\n", static_cast<long long>(stats.redrawn));
  if (stats.rule_redrawn > 0)
    std::printf(
        "Drew %lld rows again because they broke a rule (%.1f%% of the rows drawn were accepted).\n",
        static_cast<long long>(stats.rule_redrawn),
        100.0 * static_cast<double>(rows - stats.rule_redrawn) / static_cast<double>(std::max<int64_t>(rows, 1)));
  if (stats.rule_broken > 0)
    std::printf("Kept %lld rows that break a rule: drawing them again kept breaking it.\n",
                static_cast<long long>(stats.rule_broken));
  if (stats.unavoidable > 0)
    std::printf(
        "Kept %lld rows equal to real rows: the table is so discrete (few combinations of values) that "
        "copies cannot be avoided. Use --copies allow to keep copies without this note.\n",
        static_cast<long long>(stats.unavoidable));
}

void Commands::run_models() {
  auto& registry = ModelRegistry::instance();
  for (const auto& model : registry.list())
    std::printf("%-10s %s%s\n%s", model.name.c_str(), model.description.c_str(),
                model.needs_torch ? " [LibTorch plugin]" : "", describe_parameters(model).c_str());
  if (const std::string problem = registry.plugin_problem(); !problem.empty())
    std::printf("\nNot listed: %s\n", problem.c_str());
}

}  // namespace synthtab::cli
