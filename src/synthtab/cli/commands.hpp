#pragma once
// The subcommands: each registers its options on the CLI11 app and runs when chosen.
#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "synthtab/cli/parameter_flags.hpp"
#include "synthtab/engine/evaluation_job.hpp"
#include "synthtab/engine/option_values.hpp"
#include "synthtab/engine/synthesis.hpp"

namespace synthtab::marketing {
struct CurveReport;
}

namespace synthtab::cli {

class Commands {
 public:
  explicit Commands(CLI::App& app);
  void run();

 private:
  void add_generate(CLI::App& app);
  void add_fit(CLI::App& app);
  void add_sample(CLI::App& app);
  void add_models(CLI::App& app);
  void add_evaluate(CLI::App& app);
  void add_report(CLI::App& app);
  void add_input_options(CLI::App& command);
  void add_evaluation_seed_options(CLI::App& command);  // evaluate's and report's --seed, --permutations
  void add_curve(CLI::App& app);
  void add_validate(CLI::App& app);
  void add_rules(CLI::App& app);
  void run_rules();
  void add_fit_options(CLI::App& command);
  SynthesisOptions synthesis_options();

  void run_generate();
  void run_fit();
  void run_sample();
  void run_models();
  void run_evaluate();
  EvaluationFiles evaluation_files();
  // What evaluate's and report's options share: target, task, seed, threads, permutations.
  template <typename Options>
  void set_evaluation_options(Options& options) const {
    options.target = target_;
    options.task = parse_task(task_);
    options.seed = seed_;
    options.threads = threads_;
    options.permutations = permutations_;
    options.rules.declared = constraints_;
  }
  void run_report();
  void run_curve();
  void write_curve_outputs(const marketing::CurveReport& report, const Table& real, const Table* synthetic);
  void run_validate();
  void report_copies(const SampleStats& stats, int64_t rows) const;

  CLI::App* generate_ = nullptr;
  CLI::App* fit_ = nullptr;
  CLI::App* sample_ = nullptr;
  CLI::App* models_ = nullptr;
  CLI::App* evaluate_ = nullptr;
  CLI::App* report_command_ = nullptr;
  CLI::App* curve_ = nullptr;
  CLI::App* validate_ = nullptr;
  CLI::App* rules_ = nullptr;

  // Shared option values.
  std::string input_;
  std::string output_;
  std::string model_file_;
  std::string model_ = "auto";
  std::string missing_ = "auto";  // --missing model|fill|auto
  int64_t rows_ = 2000;
  uint64_t seed_ = 42;
  uint64_t sample_seed_ = 0;
  bool sample_seed_set_ = false;
  std::string shard_ = "1/1";
  ParameterFlags parameters_;  // the models' own (their schemas), for fit and generate
  int threads_ = 0;
  bool quiet_ = false;
  bool allow_copies_ = false;  // the older spelling of --copies allow
  std::string copies_ = "holdout";
  std::vector<std::string> conditions_;  // --condition COLUMN=VALUE (generate, sample)
  CopyPolicy copy_policy() const;
  std::string delimiter_;
  std::string decimal_;
  bool expand_dates_ = false;
  std::vector<std::string> constraints_;  // declared rules
  bool no_constraints_ = false;
  std::vector<int64_t> dropped_constraints_;
  std::vector<std::string> categorical_;
  std::vector<std::string> numeric_;
  std::vector<std::string> datetime_;
  std::vector<std::string> drop_;
  // evaluate
  std::string synthetic_;
  std::string target_;
  std::string task_;
  std::string json_;
  std::string holdout_;  // evaluate/report --holdout: real rows the generator never saw
  int permutations_ = 200;
  bool mmd_seed_compatible_ = false;
  bool geometry_ = false;
  bool topology_ = false;
  bool raw_ = false;
  int64_t topology_points_ = 0;
  // validate
  int folds_ = 5;
  int repeats_ = 0;
  int64_t validate_rows_ = 0;
  std::string max_memory_;  // --max-memory (generate, fit, sample, evaluate); empty = default
  // report (and generate --report)
  std::string report_;
  std::string chart_x_, chart_y_, chart_color_;
  bool no_geometry_ = false;
  bool no_topology_ = false;
  // curve
  std::vector<std::string> spend_;
  std::string response_;
  std::string time_;
  std::string adstock_ = "auto";
  std::string shape_ = "auto";
  std::string response_kind_ = "auto";
  std::string trend_ = "auto";
  std::string seasonality_ = "auto";
  double period_ = 0.0;
  std::vector<std::string> controls_;
  double payback_ = 12.0;
  std::string ridge_ = "none";
  std::string planned_model_;  // curve --model
  std::vector<std::string> plan_;
  double budget_ = -1.0;
  int bootstrap_ = 500;
  double marginal_step_ = 1000.0;
};

}  // namespace synthtab::cli
