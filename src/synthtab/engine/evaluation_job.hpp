#pragma once
// `evaluate` and `report` as jobs for any front end (the CLI, an embedding program): read a real
// and a synthetic CSV (and a holdout) typed alike, refused before reading when they would not fit
// in the memory limit, measure them, and write the figures as JSON or the HTML report.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "synthtab/eval/evaluate.hpp"
#include "synthtab/eval/evaluation_input.hpp"
#include "synthtab/report/report.hpp"

namespace synthtab {

struct EvaluationFiles {
  std::string real;       // the table the generator learned from
  std::string synthetic;  // the table to judge
  std::string holdout;    // real rows the generator never saw; empty = none
  CsvReadOptions csv;
  SchemaOverrides overrides;
  uint64_t max_memory = 0;  // bytes the job may use; 0 = no limit
};

// Reads the files, first checking that tables of their size (estimated from the file sizes, then
// counted) fit in `max_memory`. `job_name` ("evaluate", "report") names the work in that error.
eval::EvaluationInput read_evaluation_files(const EvaluationFiles& files, const std::string& job_name);

struct EvaluateJob {
  EvaluationFiles files;
  std::string json;  // where to write every figure (docs/evaluation.md); empty = nowhere
  // The measurements; its memory limit is the files' max_memory.
  eval::EvaluateOptions options;
  // How the notes name the caller's options (core/option_terms.hpp); empty keeps the names.
  std::function<std::string(std::string_view name)> option_names;
};

// Runs `job`: `json` may be none of the inputs and must be writable, checked before reading.
// The evaluation's notes begin with what reading left out; the JSON and the result name options
// as `option_names` does.
eval::Evaluation run_evaluate(const EvaluateJob& job);

struct ReportJob {
  EvaluationFiles files;
  std::string output;  // the HTML report
  // The report's choices; its memory limit is the files' max_memory, and the page names the
  // tables by their files' names.
  report::ReportOptions options;
};

// Runs `job`: `output` may be none of the inputs and must be writable, checked before reading.
void run_report(const ReportJob& job);

}  // namespace synthtab
