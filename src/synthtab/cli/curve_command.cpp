// `synthtab curve`: its options and its run (the fit itself is marketing/).
#include <cstdio>
#include <filesystem>
#include <optional>

#include "synthtab/cli/commands.hpp"
#include "synthtab/cli/option_checks.hpp"
#include "synthtab/cli/option_flags.hpp"
#include "synthtab/core/atomic_file.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/same_file.hpp"
#include "synthtab/engine/planned_spend.hpp"
#include "synthtab/marketing/curve_report.hpp"
#include "synthtab/report/curve_page.hpp"

namespace synthtab::cli {

void Commands::add_curve(CLI::App& app) {
  curve_ = app.add_subcommand("curve", "fit advertising response curves: where does the next dollar go?");
  curve_->add_option("input", input_, "the table with spend and response columns (CSV)")->required();
  curve_->add_option("--spend", spend_, "a spend column, one per channel (repeatable)")->required();
  curve_->add_option("--response", response_, "the response column (revenue, MRR, conversions)")->required();
  curve_->add_option("--time", time_,
                     "column that orders the rows in time (dates give the period and the seasons; default: the rows' "
                     "order, one period each)");
  curve_
      ->add_option("--response-kind", response_kind_,
                   "flow (each period's own revenue), stock (recurring revenue that accumulates: its change is "
                   "modelled) or auto")
      ->capture_default_str();
  curve_->add_option("--adstock", adstock_, "carry-over of spend into later periods: none, geometric or auto")
      ->capture_default_str();
  curve_->add_option("--shape", shape_, "hill, logistic or auto")->capture_default_str();
  curve_->add_option("--trend", trend_, "baseline trend: none, linear, log or auto")->capture_default_str();
  curve_
      ->add_option("--seasonality", seasonality_,
                   "baseline seasons: none, fourier, month or auto (fourier once there are two cycles)")
      ->capture_default_str();
  curve_->add_option("--period", period_, "periods per seasonal cycle (default: 12 for monthly dates, 0 = unknown)")
      ->check(real_number(0.0, false));
  curve_->add_option("--control", controls_, "another column that moves the response, e.g. price (repeatable)");
  curve_
      ->add_option("--payback", payback_,
                   "a stock: periods over which what a unit of spend adds to it is counted as its return")
      ->check(real_number(0.0, true))
      ->capture_default_str();
  curve_
      ->add_option("--ridge", ridge_,
                   "small-data regularisation of the linear coefficients: none, auto (strength chosen by "
                   "cross-validation; narrower intervals than the data support) or a strength")
      ->capture_default_str();
  curve_->add_option("--budget", budget_, "a total spend per period to allocate across the channels")
      ->check(real_number(0.0, false));
  curve_->add_option("--synthetic", synthetic_, "also fit the synthetic rows and compare (SYNTH.csv)");
  curve_->add_option(
      "--model", planned_model_,
      "a model file of this table (synthtab fit): its rows drawn with each spend held at planned values, "
      "shown beside the curve");
  curve_->add_option("--plan", plan_,
                     "with --model: a planned spend to draw at, COLUMN=SPEND (repeatable; default: the real spends' "
                     "10th to 90th percentiles)");
  curve_->add_option("--json", json_, "write every figure as JSON");
  curve_->add_option("--report", report_,
                     "write an HTML page: each curve with its band, the real months, the next unit's return against "
                     "break-even, the verdict and where the response came from month by month");
  curve_->add_option("--bootstrap", bootstrap_, "bootstrap resamples for the intervals (0 = none)")
      ->check(whole_number(0, 100000))
      ->capture_default_str();
  curve_->add_option("--step", marginal_step_, "report the return of the next STEP units of spend")
      ->check(real_number(0.0, true))
      ->capture_default_str();
  curve_->add_option("--seed", seed_, "random seed (starts, bootstrap)")
      ->check(unsigned_number())
      ->capture_default_str();
  curve_->add_option("--threads", threads_, "threads (default: all cores)")->check(whole_number(0, 1024));
  curve_->add_option("--delimiter", delimiter_, "CSV delimiter (default: sniffed among , ; tab |)");
  curve_->add_option("--decimal", decimal_, "decimal mark, . or , (default: decided from the data)");
  curve_->add_flag("--quiet,-q", quiet_, "print nothing but errors");
}

void Commands::run_curve() {
  check_not_input(json_, "--json", input_, "input");
  check_not_input(json_, "--json", synthetic_, "synthetic table");
  check_not_input(report_, "--report", input_, "input");
  check_not_input(report_, "--report", synthetic_, "synthetic table");
  if (!json_.empty() && json_ == report_) throw usage_error("--json and --report name the same file: " + json_);
  if (!json_.empty()) check_writable(json_);
  if (!report_.empty()) check_writable(report_);
  marketing::CurveOptions options;
  options.spend = spend_;
  options.response = response_;
  options.time = time_;
  options.adstock = marketing::parse_adstock(adstock_);
  options.shape = marketing::parse_curve_shape(shape_);
  options.kind = marketing::parse_response_kind(response_kind_);
  options.trend = marketing::parse_trend(trend_);
  options.seasonality = marketing::parse_seasonality(seasonality_);
  options.period = period_;
  options.controls = controls_;
  options.payback_periods = payback_;
  options.ridge = marketing::parse_ridge(ridge_);
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
  // A model file is read before the fit, so a bad one fails at once.
  if (!plan_.empty() && planned_model_.empty())
    throw usage_error("--plan draws a model's rows at a planned spend: give the model file with --model");
  std::vector<PlannedValue> plan;
  for (const auto& text : plan_) plan.push_back(parse_planned_value(text, spend_));
  std::optional<FittedModel> planned_model;
  if (!planned_model_.empty()) planned_model.emplace(FittedModel::load(planned_model_));
  marketing::CurveReport report = marketing::analyse_response(real, synthetic ? &*synthetic : nullptr, options, budget);
  if (planned_model)
    report.planned = draw_at_planned_spends(*planned_model, real, options.spend, options.response, kPlannedSpendRows,
                                            options.seed, plan);
  write_curve_outputs(report, real, synthetic ? &*synthetic : nullptr);
  if (quiet_) return;
  std::printf("%s", in_cli_terms(marketing::format_report(report)).c_str());
  if (!json_.empty()) std::printf("Wrote every figure to %s.\n", json_.c_str());
  if (!report_.empty()) std::printf("Wrote the report to %s.\n", report_.c_str());
}

// --json and --report: both written or neither.
void Commands::write_curve_outputs(const marketing::CurveReport& report, const Table& real, const Table* synthetic) {
  std::optional<StagedFile> json_file, html_file;
  if (!json_.empty()) {
    json_file.emplace(json_);
    json_file->write_with(
        [&](const std::string& path) { write_file_atomically(path, marketing::to_json(report).dump(2) + "\n"); });
  }
  if (!report_.empty()) {
    html_file.emplace(report_);
    report::CurvePageOptions page;
    page.real_name = std::filesystem::path(input_).filename().string();
    page.synthetic_name = std::filesystem::path(synthetic_).filename().string();
    page.option_names = flag_for;
    html_file->write_with([&](const std::string& path) {
      write_file_atomically(path, report::render_curve_html(report, real, synthetic, page));
    });
  }
  if (json_file && html_file)
    commit_together({&*json_file, &*html_file});
  else if (json_file)
    commit_together({&*json_file});
  else if (html_file)
    commit_together({&*html_file});
}

}  // namespace synthtab::cli
