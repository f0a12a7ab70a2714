#include "synthtab/engine/evaluation_job.hpp"

#include <utility>

#include "synthtab/core/atomic_file.hpp"
#include "synthtab/core/memory_limit.hpp"
#include "synthtab/core/option_terms.hpp"
#include "synthtab/core/same_file.hpp"

namespace synthtab {
namespace {

// `output` (the caller's option `option`) may replace none of the files read.
void check_output(const std::string& output, const char* option, const EvaluationFiles& files) {
  check_not_input(output, option, files.real, "real table");
  check_not_input(output, option, files.synthetic, "synthetic table");
  if (!files.holdout.empty()) check_not_input(output, option, files.holdout, "holdout table");
  check_writable(output);
}

}  // namespace

eval::EvaluationInput read_evaluation_files(const EvaluationFiles& files, const std::string& job_name) {
  CsvReadOptions csv = files.csv;
  csv.memory_limit = files.max_memory;
  if (files.max_memory > 0)
    csv.size_check = [&](int64_t rows, int64_t cols, bool estimated) {
      check_memory(evaluate_bytes(rows, cols), files.max_memory, job_name + " " + files.real + " " + files.synthetic,
                   rows, cols, estimated);
    };
  return eval::read_evaluation_files(files.real, files.synthetic, files.holdout, csv, files.overrides);
}

eval::Evaluation run_evaluate(const EvaluateJob& job) {
  if (!job.json.empty()) check_output(job.json, "`json`", job.files);
  const eval::EvaluationInput input = read_evaluation_files(job.files, "evaluate");
  eval::EvaluateOptions options = job.options;
  options.memory_limit = job.files.max_memory;
  eval::Evaluation evaluation =
      eval::evaluate(input.real, input.synthetic, options, input.holdout ? &*input.holdout : nullptr);
  evaluation.notes.insert(evaluation.notes.begin(), input.notes.begin(), input.notes.end());
  if (job.option_names)
    for (auto& note : evaluation.notes) note = rename_options(note, job.option_names);
  if (!job.json.empty()) write_file_atomically(job.json, eval::to_json(evaluation).dump(2) + "\n");
  return evaluation;
}

void run_report(const ReportJob& job) {
  check_output(job.output, "`output`", job.files);
  eval::EvaluationInput input = read_evaluation_files(job.files, "report");
  report::ReportOptions options = job.options;
  options.memory_limit = job.files.max_memory;
  options.real_name = file_name(job.files.real);
  options.synthetic_name = file_name(job.files.synthetic);
  const report::ReportInput report_input =
      report::prepare_report(std::move(input.real), std::move(input.synthetic), options, std::nullopt,
                             std::move(input.notes), std::move(input.holdout));
  report::write_report(job.output, report_input);
}

}  // namespace synthtab
