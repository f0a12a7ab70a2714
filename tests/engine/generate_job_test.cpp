#include "synthtab/engine/generate_job.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>

#include <fmt/format.h>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"

namespace synthtab {
namespace {

using testing::data_path;
using testing::read_text;
using testing::scratch_dir;

GenerateJob copula_job(const std::filesystem::path& dir) {
  GenerateJob job;
  job.input = data_path("ROI.csv");
  job.output = (dir / "rows.csv").string();
  job.rows = 30;
  job.seed = 7;
  job.options.model = "copula";
  job.options.fit.parameters = {{"marginals", "parametric"}};
  return job;
}

int64_t lines(const std::string& text) { return std::count(text.begin(), text.end(), '\n'); }

TEST(GenerateJob, WritesTheRowsAndTheReportAndSaysWhatItDid) {
  const auto dir = scratch_dir("generate-job");
  GenerateJob job = copula_job(dir);
  job.report = (dir / "report.html").string();
  int prepared_calls = 0;
  const GenerateResult result = run_generate(job, [&](const PreparedInput& input) {
    ++prepared_calls;
    EXPECT_EQ(input.prepared.table.rows(), 19);
  });
  EXPECT_EQ(prepared_calls, 1);
  EXPECT_EQ(result.model.model_name(), "copula");
  EXPECT_EQ(result.model.fit_seed(), 7u);
  EXPECT_EQ(result.model.parameters().choice("marginals"), "parametric");
  EXPECT_EQ(lines(read_text(job.output)), 31);  // header and 30 rows
  const std::string page = read_text(job.report);
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(page.find("(your choice)"), std::string::npos);

  // The same job without a report writes the same rows.
  GenerateJob plain = copula_job(dir);
  plain.output = (dir / "plain.csv").string();
  run_generate(plain);
  EXPECT_EQ(read_text(plain.output), read_text(job.output));
}

// With a target, the report's ML card is cross-fitted (the fitted model refitted per fold, with
// its parameters); without one there is no cross-fit, and in-sample TSTR is labelled optimistic.
TEST(GenerateJob, ATargetCrossFitsTheReportsMlCard) {
  const auto dir = scratch_dir("generate-job-cross-fit");
  GenerateJob job = copula_job(dir);
  job.report = (dir / "report.html").string();
  job.report_options.target = "MRR (Monthly Recurring Revenue)";
  const GenerateResult result = run_generate(job);
  EXPECT_GT(result.cross_fit_seconds, 0.0);
  const std::string page = read_text(job.report);
  EXPECT_NE(page.find("ML efficacy, cross-fitted"), std::string::npos);
  EXPECT_NE(page.find("judged on held-out rows the generator never saw"), std::string::npos);
  EXPECT_NE(page.find("refitted copula 26 times (5 folds x 5 repeats, and once on every row)"), std::string::npos);
  EXPECT_NE(page.find("TSTR in sample"), std::string::npos);

  GenerateJob in_sample = copula_job(dir);
  in_sample.report = (dir / "in_sample.html").string();
  const GenerateResult plain = run_generate(in_sample);
  EXPECT_EQ(plain.cross_fit_seconds, 0.0);
  EXPECT_EQ(read_text(in_sample.report).find("cross-fitted"), std::string::npos);
}

// A target too sparse to cross-fit leaves the cross-fit out, with the reason, not the report.
TEST(GenerateJob, ATargetTheFoldsCannotSupportLeavesOutOnlyTheCrossFit) {
  const auto dir = scratch_dir("generate-job-sparse-target");
  std::string text = "a,b,t\n";
  for (int r = 0; r < 20; ++r) text += fmt::format("{},{},{}\n", r * 0.37, (r * 7) % 11, r < 3 ? "1.5" : "");
  testing::write_text(dir / "sparse.csv", text);
  GenerateJob job;
  job.input = (dir / "sparse.csv").string();
  job.output = (dir / "rows.csv").string();
  job.report = (dir / "report.html").string();
  job.rows = 40;
  job.options.model = "copula";
  job.report_options.target = "t";
  const GenerateResult result = run_generate(job);
  EXPECT_EQ(result.cross_fit_seconds, 0.0);
  const std::string page = read_text(job.report);
  EXPECT_NE(page.find("Cross-fitted ML efficacy left out: training a model needs at least 2 rows"), std::string::npos);
  EXPECT_EQ(page.find("ML efficacy, cross-fitted"), std::string::npos);
  EXPECT_EQ(lines(read_text(job.output)), 41);
}

TEST(GenerateJob, BadJobsFailBeforeAnythingIsReadOrWrittenInTheLibrarysTerms) {
  const auto dir = scratch_dir("generate-job-bad");
  const auto expect_usage = [](const GenerateJob& job, const std::string& fragment) {
    try {
      run_generate(job, [](const PreparedInput&) { ADD_FAILURE() << "the input was prepared"; });
      ADD_FAILURE() << "ran; expected: " << fragment;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Usage) << e.what();
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  GenerateJob job = copula_job(dir);
  job.rows = -1;
  expect_usage(job, "`rows` expects a number of rows >= 0, got -1");
  job = copula_job(dir);
  job.report = (dir / "r.html").string();
  job.rows = 1;
  expect_usage(job, "`report` needs at least 2 synthetic rows; `rows` is 1");
  job = copula_job(dir);
  job.output = job.input;
  expect_usage(job, "`output` '" + job.input + "' is the input");
  job = copula_job(dir);
  job.report = job.output;
  testing::write_text(job.output, "kept\n");
  expect_usage(job, "`report` '" + job.output + "' is the synthetic table");
  EXPECT_EQ(read_text(job.output), "kept\n");
  // Paths of files that do not exist yet, one spelled through "./".
  job = copula_job(dir);
  job.output = (dir / "new.csv").string();
  job.report = (dir / "." / "new.csv").string();
  expect_usage(job, "`report` and `output` name the same file");
  EXPECT_FALSE(std::filesystem::exists(job.output));
  // A relative path and the same path spelled through "./" (weakly_canonical alone keeps the
  // first relative and makes the second absolute).
  const auto here = std::filesystem::current_path();
  std::filesystem::current_path(dir);
  job.output = "relative.csv";
  job.report = "./relative.csv";
  expect_usage(job, "`report` and `output` name the same file");
  std::filesystem::current_path(here);
}

}  // namespace
}  // namespace synthtab
