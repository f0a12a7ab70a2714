#include "synthtab/engine/evaluation_job.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"

namespace synthtab {
namespace {

using testing::data_path;
using testing::read_text;
using testing::scratch_dir;

EvaluationFiles roi_against_itself() {
  EvaluationFiles files;
  files.real = data_path("ROI.csv");
  files.synthetic = data_path("ROI.csv");
  return files;
}

// A job on ROI against itself, kept quick: few permutations, one thread.
template <typename Job>
Job quick_job() {
  Job job;
  job.files = roi_against_itself();
  job.options.permutations = 20;
  job.options.threads = 1;
  return job;
}

bool has_note(const std::vector<std::string>& notes, const std::string& text) {
  return std::find(notes.begin(), notes.end(), text) != notes.end();
}

template <typename Job>
void expect_error(ErrorKind kind, const std::string& fragment, const Job& job) {
  try {
    if constexpr (std::is_same_v<Job, EvaluateJob>)
      run_evaluate(job);
    else
      run_report(job);
    ADD_FAILURE() << "ran; expected: " << fragment;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), kind) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(EvaluationJob, EvaluateWritesTheFiguresItReturnsNamingOptionsAsTheCallerDoes) {
  const auto dir = scratch_dir("evaluation-job");
  EvaluateJob job = quick_job<EvaluateJob>();
  job.json = (dir / "figures.json").string();
  const eval::Evaluation plain = run_evaluate(job);
  EXPECT_TRUE(has_note(plain.notes, "ML efficacy left out: no `target` column was given"));
  const auto written = nlohmann::json::parse(read_text(job.json));
  EXPECT_EQ(written, eval::to_json(plain));

  job.option_names = [](std::string_view name) { return name == "target" ? std::string("--target") : std::string(); };
  const eval::Evaluation renamed = run_evaluate(job);
  EXPECT_TRUE(has_note(renamed.notes, "ML efficacy left out: no --target column was given"));
  EXPECT_EQ(nlohmann::json::parse(read_text(job.json))["notes"], nlohmann::json(renamed.notes));
}

TEST(EvaluationJob, RefusesToReplaceAnInputAndTablesBeyondTheMemoryLimitBeforeReading) {
  const auto dir = scratch_dir("evaluation-job-bad");
  const std::string kept = (dir / "holdout.csv").string();
  testing::write_text(kept, read_text(data_path("ROI.csv")));

  EvaluateJob evaluate;
  evaluate.files = roi_against_itself();
  evaluate.files.holdout = kept;
  evaluate.json = kept;
  expect_error(ErrorKind::Usage, "`json` '" + kept + "' is the holdout table", evaluate);

  ReportJob report;
  report.files = roi_against_itself();
  report.output = report.files.synthetic;
  expect_error(ErrorKind::Usage, "`output` '" + report.output + "' is the real table", report);
  EXPECT_EQ(read_text(kept), read_text(data_path("ROI.csv")));

  evaluate.json.clear();
  evaluate.files.max_memory = 1000;
  expect_error(ErrorKind::Resource, "evaluate " + evaluate.files.real, evaluate);
}

TEST(EvaluationJob, ReportNamesTheTablesByTheirFiles) {
  const auto dir = scratch_dir("evaluation-job-report");
  ReportJob job = quick_job<ReportJob>();
  job.output = (dir / "report.html").string();
  job.options.topology = false;
  run_report(job);
  const std::string page = read_text(job.output);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("ROI.csv"), std::string::npos);
}

}  // namespace
}  // namespace synthtab
