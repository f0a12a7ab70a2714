#include "synthtab/cli/commands.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

#include <fmt/format.h>

#include "synthtab/cli/progress_bar.hpp"
#include "synthtab/cli/summary.hpp"
#include "synthtab/core/atomic_file.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/eval/evaluate.hpp"
#include "synthtab/eval/evaluation_input.hpp"
#include "synthtab/marketing/curve_report.hpp"
#include "synthtab/models/registry.hpp"

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
  for (const auto& line : lines) std::printf("  - %s\n", line.c_str());
}

}  // namespace

Commands::Commands(CLI::App& app) {
  add_generate(app);
  add_fit(app);
  add_sample(app);
  add_models(app);
  add_evaluate(app);
  add_curve(app);
}

void Commands::add_curve(CLI::App& app) {
  curve_ = app.add_subcommand("curve", "fit advertising response curves: where does the next dollar go?");
  curve_->add_option("input", input_, "the table with spend and response columns (CSV)")->required();
  curve_->add_option("--spend", spend_, "a spend column, one per channel (repeatable)")->required();
  curve_->add_option("--response", response_, "the response column (revenue, MRR, conversions)")->required();
  curve_->add_option("--time", time_, "column that orders the rows in time (for adstock)");
  curve_->add_option("--adstock", adstock_, "carry-over of spend into later periods: none or geometric")
      ->capture_default_str();
  curve_->add_option("--shape", shape_, "hill, logistic or auto (by AICc)")->capture_default_str();
  curve_->add_option("--budget", budget_, "a total spend per period to allocate across the channels")
      ->check(CLI::NonNegativeNumber);
  curve_->add_option("--synthetic", synthetic_, "also fit the synthetic rows and compare (SYNTH.csv)");
  curve_->add_option("--json", json_, "write every figure as JSON");
  curve_->add_option("--bootstrap", bootstrap_, "bootstrap resamples for the intervals (0 = none)")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  curve_->add_option("--step", marginal_step_, "report the return of the next STEP units of spend")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  curve_->add_option("--seed", seed_, "random seed (starts, bootstrap)")->capture_default_str();
  curve_->add_option("--threads", threads_, "threads (default: all cores)")->check(CLI::Range(0, 1024));
  curve_->add_option("--delimiter", delimiter_, "CSV delimiter (default: sniffed among , ; tab |)");
  curve_->add_option("--decimal", decimal_, "decimal mark, . or , (default: decided from the data)");
  curve_->add_flag("--quiet,-q", quiet_, "print nothing but errors");
}

void Commands::add_fit_options(CLI::App& command) {
  command.add_option("--model,-m", model_, "model name (see `synthtab models`); auto picks the best on held-out rows")
      ->capture_default_str();
  command.add_option("--seed", seed_, "random seed: same input and seed, same output")
      ->capture_default_str();
  command.add_option("--epochs", epochs_, "training epochs (default: the model's, 10 for wgan)")
      ->check(CLI::PositiveNumber);
  command.add_option("--batch-size", batch_size_, "batch size (default: the seed's rule)")
      ->check(CLI::Range(2, 1 << 20));
  command.add_option("--lr", learning_rate_, "generator learning rate (default 2e-4)")
      ->check(CLI::PositiveNumber);
  command.add_option("--critic-lr", critic_learning_rate_, "critic learning rate (default 1e-3)")
      ->check(CLI::PositiveNumber);
  command.add_option("--dropout", dropout_, "critic dropout (default 0.5)")->check(CLI::Range(0.0, 0.99));
  command.add_option("--critic-steps", critic_steps_, "critic updates per generator update (default 1)")
      ->check(CLI::Range(1, 100));
  command.add_option("--threads", threads_, "threads (default: all cores)")->check(CLI::Range(0, 1024));
  add_input_options(command);
  command.add_flag("--expand-dates", expand_dates_,
                   "the seed's rule: a date column becomes ISO year, week and weekday columns");
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
  generate_->add_option("-n,--rows", rows_, "synthetic rows to write")->capture_default_str();
  generate_->add_option("-o,--output", output_, "the synthetic table (CSV)")->required();
  generate_->add_flag("--allow-copies", allow_copies_, "keep synthetic rows that equal a real row");
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
  sample_->add_option("model", model_file_, "a model file written by `synthtab fit`")
      ->required();
  sample_->add_option("-n,--rows", rows_, "synthetic rows in the whole run")->capture_default_str();
  sample_->add_option("-o,--output", output_, "the synthetic table (CSV)")->required();
  sample_->add_option("--seed", sample_seed_, "sampling seed (default: the model's fit seed)")
      ->each([this](const std::string&) { sample_seed_set_ = true; });
  sample_->add_option("--shard", shard_,
                      "write only shard i of K (1-based), e.g. 3/8: the same rows that shard "
                      "would hold in a single run")
      ->capture_default_str();
  sample_->add_flag("--allow-copies", allow_copies_, "keep synthetic rows that equal a real row");
  sample_->add_flag("--quiet,-q", quiet_, "print nothing but errors");
}

void Commands::add_evaluate(CLI::App& app) {
  evaluate_ = app.add_subcommand("evaluate", "compare a synthetic table with the real one: fidelity, usefulness, privacy");
  evaluate_->add_option("real", input_, "the real table (CSV)")->required();
  evaluate_->add_option("synthetic", synthetic_, "the synthetic table (CSV)")->required();
  evaluate_->add_option("--target", target_, "column to predict for the ML efficacy check");
  evaluate_->add_option("--task", task_, "regression or classification (default: from the target's type)")
      ->check(CLI::IsMember({"regression", "classification"}));
  evaluate_->add_option("--json", json_, "write every figure as JSON (layout: docs/evaluation.md)");
  evaluate_->add_option("--seed", seed_, "random seed (subsamples, permutations, forests)")->capture_default_str();
  evaluate_->add_option("--permutations", permutations_, "MMD permutation test size")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  evaluate_->add_flag("--mmd-seed-compatible", mmd_seed_compatible_,
                      "also compute the seed's MMD (gamma = 1/features on raw values, biased)");
  evaluate_->add_flag("--geometry", geometry_,
                      "the seed's geometry checks: distance concentration, singular values, VCR (vs uniform random rows)");
  evaluate_->add_flag("--topology", topology_, "Vietoris-Rips persistence H0/H1 of real vs synthetic rows");
  evaluate_->add_flag("--raw", raw_, "geometry and topology on raw units, as the seed (default: standardised)");
  evaluate_->add_option("--topology-points", topology_points_,
                        "points per cloud for topology (default: min(real rows, synthetic rows, 1000))")
      ->check(CLI::Range(int64_t{2}, int64_t{30000}));
  evaluate_->add_option("--threads", threads_, "threads (default: all cores)")->check(CLI::Range(0, 1024));
  add_input_options(*evaluate_);
  evaluate_->add_flag("--quiet,-q", quiet_, "print nothing but errors");
}

void Commands::add_models(CLI::App& app) {
  models_ = app.add_subcommand("models", "list the models");
}

SynthesisOptions Commands::synthesis_options() {
  SynthesisOptions options;
  options.model = model_;
  options.fit.seed = seed_;
  options.fit.threads = threads_;
  if (epochs_ > 0) options.fit.epochs = epochs_;
  if (batch_size_ > 0) options.fit.batch_size = batch_size_;
  if (learning_rate_ > 0) options.fit.learning_rate = learning_rate_;
  if (critic_learning_rate_ > 0) options.fit.critic_learning_rate = critic_learning_rate_;
  if (dropout_ >= 0) options.fit.dropout = dropout_;
  if (critic_steps_ > 0) options.fit.critic_steps = critic_steps_;
  options.csv.delimiter = single_char_option(delimiter_, "--delimiter");
  options.csv.decimal = single_char_option(decimal_, "--decimal");
  if (options.csv.decimal != 0 && options.csv.decimal != '.' && options.csv.decimal != ',')
    throw usage_error("--decimal expects . or ,");
  options.overrides = {categorical_, numeric_, datetime_, drop_};
  options.clean.expand_datetimes = expand_dates_;
  return options;
}

void Commands::run() {
  if (generate_->parsed()) run_generate();
  if (fit_->parsed()) run_fit();
  if (sample_->parsed()) run_sample();
  if (models_->parsed()) run_models();
  if (evaluate_->parsed()) run_evaluate();
  if (curve_->parsed()) run_curve();
}

void Commands::run_curve() {
  if (!json_.empty()) check_writable(json_);
  marketing::CurveOptions options;
  options.spend = spend_;
  options.response = response_;
  options.time = time_;
  options.adstock = marketing::parse_adstock(adstock_);
  options.shape = marketing::parse_curve_shape(shape_);
  options.bootstrap = bootstrap_;
  options.marginal_step = marginal_step_;
  options.seed = seed_;
  options.threads = threads_;
  const SynthesisOptions read_options = synthesis_options();
  const Table real = marketing::read_curve_csv(input_, options, read_options.csv);
  std::optional<Table> synthetic;
  if (!synthetic_.empty()) synthetic = marketing::read_curve_csv(synthetic_, options, read_options.csv);
  std::optional<double> budget;
  if (budget_ >= 0) budget = budget_;
  const marketing::CurveReport report =
      marketing::analyse_response(real, synthetic ? &*synthetic : nullptr, options, budget);
  if (!json_.empty()) write_file_atomically(json_, marketing::to_json(report).dump(2) + "\n");
  if (quiet_) return;
  std::printf("%s", marketing::format_report(report).c_str());
  if (!json_.empty()) std::printf("Wrote every figure to %s.\n", json_.c_str());
}

void Commands::run_evaluate() {
  if (!json_.empty()) check_writable(json_);
  const SynthesisOptions read_options = synthesis_options();
  const eval::EvaluationInput input =
      eval::read_evaluation_pair(input_, synthetic_, read_options.csv, read_options.overrides);
  eval::EvaluateOptions options;
  options.target = target_;
  if (task_ == "regression") options.task = Task::Regression;
  if (task_ == "classification") options.task = Task::Classification;
  options.seed = seed_;
  options.threads = threads_;
  options.permutations = permutations_;
  options.mmd_seed_compatible = mmd_seed_compatible_;
  options.geometry = geometry_;
  options.topology = topology_;
  options.raw = raw_;
  options.topology_points = topology_points_;
  eval::Evaluation evaluation = eval::evaluate(input.real, input.synthetic, options);
  evaluation.notes.insert(evaluation.notes.begin(), input.notes.begin(), input.notes.end());
  if (!json_.empty()) write_file_atomically(json_, eval::to_json(evaluation).dump(2) + "\n");
  if (quiet_) return;
  std::printf("%s", eval::format_text(evaluation).c_str());
  if (!json_.empty()) std::printf("Wrote every figure to %s.\n", json_.c_str());
}

void Commands::run_generate() {
  if (rows_ < 0) throw usage_error(fmt::format("-n expects a number of rows >= 0, got {}", rows_));
  const auto start = std::chrono::steady_clock::now();
  ProgressBar progress(quiet_);
  SynthesisOptions options = synthesis_options();
  options.fit.progress = &progress;
  check_writable(output_);
  PreparedInput input = prepare_csv(input_, options);
  if (!quiet_) {
    std::printf("Read %s: %lld rows; prepared %lld rows x %lld columns.\n", input_.c_str(),
                static_cast<long long>(input.input_rows),
                static_cast<long long>(input.prepared.table.rows()),
                static_cast<long long>(input.prepared.table.cols()));
    print_lines(input.prepared.log.actions, quiet_);
  }
  FittedModel model = FittedModel::fit_prepared(input, options);
  const double fit_seconds = seconds_since(start);
  const auto sample_start = std::chrono::steady_clock::now();
  const uint64_t sample_seed = sampling_seed(seed_);
  model.set_allow_copies(allow_copies_);
  const SampleStats stats = model.write_sample_csv(output_, rows_, sample_seed, {}, &progress);
  const double sample_seconds = seconds_since(sample_start);
  if (quiet_) return;
  report_copies(stats);
  print_model(model);
  std::printf("Fitted in %.2f s; wrote %lld synthetic rows to %s in %.2f s.\n", fit_seconds,
              static_cast<long long>(rows_), output_.c_str(), sample_seconds);
  const Table synthetic = model.sample(0, std::min<int64_t>(rows_, kSummaryRows), sample_seed);
  std::printf("%s", compare_columns(input.prepared.table, synthetic).c_str());
}

void Commands::run_fit() {
  ProgressBar progress(quiet_);
  SynthesisOptions options = synthesis_options();
  options.fit.progress = &progress;
  const auto start = std::chrono::steady_clock::now();
  check_writable(output_);
  FittedModel model = FittedModel::fit_csv(input_, options);
  model.save(output_);
  if (quiet_) return;
  print_lines(model.preparation_log().actions, quiet_);
  print_model(model);
  std::printf("Fitted on %lld rows in %.2f s; saved to %s.\n",
              static_cast<long long>(model.training_rows()), seconds_since(start), output_.c_str());
}

void Commands::run_sample() {
  if (rows_ < 0) throw usage_error(fmt::format("-n expects a number of rows >= 0, got {}", rows_));
  const Shard shard = parse_shard(shard_);
  ProgressBar progress(quiet_);
  const auto start = std::chrono::steady_clock::now();
  check_writable(output_);
  FittedModel model = FittedModel::load(model_file_);
  model.set_allow_copies(allow_copies_);
  const uint64_t seed = sampling_seed(sample_seed_set_ ? sample_seed_ : model.fit_seed());
  const SampleStats stats = model.write_sample_csv(output_, rows_, seed, shard, &progress);
  if (quiet_) return;
  report_copies(stats);
  const int64_t written = shard.last(rows_) - shard.first(rows_);
  const double seconds = seconds_since(start);
  std::printf("Wrote %lld rows (shard %lld/%lld of %lld) to %s in %.2f s (%.0f rows/s).\n",
              static_cast<long long>(written), static_cast<long long>(shard.index),
              static_cast<long long>(shard.count), static_cast<long long>(rows_), output_.c_str(),
              seconds, seconds > 0 ? static_cast<double>(written) / seconds : 0.0);
}

void Commands::report_copies(const SampleStats& stats) const {
  if (stats.redrawn > 0)
    std::printf("Drew %lld rows again because they copied a real row.\n", static_cast<long long>(stats.redrawn));
  if (stats.unavoidable > 0)
    std::printf("Kept %lld rows equal to real rows: the table is so discrete (few combinations of values) that "
                "copies cannot be avoided. Use --allow-copies to keep copies without this note.\n",
                static_cast<long long>(stats.unavoidable));
}

void Commands::run_models() {
  for (const auto& info : ModelRegistry::instance().list())
    std::printf("%-10s %s%s\n", info.name.c_str(), info.description.c_str(),
                info.needs_torch ? " [LibTorch plugin]" : "");
}

}  // namespace synthtab::cli
