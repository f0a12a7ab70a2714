// What an embedding front end (the Python package) uses beside the file-based jobs: tables
// already split into cells, and model files as bytes in memory.
#include <gtest/gtest.h>

#include <string>

#include "support/errors.hpp"
#include "support/test_paths.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/eval/evaluation_input.hpp"
#include "synthtab/marketing/curve_report.hpp"
#include "synthtab/report/report.hpp"
#include "synthtab/table/csv_writer.hpp"

namespace synthtab {
namespace {

using testing::data_path;
using testing::error_of;
using testing::read_text;
using testing::scratch_dir;

RawTable roi_cells(const std::string& source) { return parse_csv(read_text(data_path("ROI.csv")), source); }

std::string csv_of(const Table& table) {
  std::string text;
  append_csv_header(table, {}, text);
  append_csv_rows(table, 0, table.rows(), {}, text);
  return text;
}

SynthesisOptions copula_options() {
  SynthesisOptions options;
  options.model = "copula";
  options.fit.seed = 9;
  return options;
}

TEST(Embedding, CellsArePreparedExactlyAsTheirCsvFile) {
  const SynthesisOptions options = copula_options();
  const PreparedInput from_file = prepare_csv(data_path("ROI.csv"), options);
  const PreparedInput from_cells = prepare_raw(roi_cells("frame"), options);
  ASSERT_EQ(from_cells.schema.columns.size(), from_file.schema.columns.size());
  for (size_t c = 0; c < from_file.schema.columns.size(); ++c) {
    EXPECT_EQ(from_cells.schema.columns[c].role, from_file.schema.columns[c].role);
    EXPECT_EQ(from_cells.schema.columns[c].reason, from_file.schema.columns[c].reason);
  }
  EXPECT_EQ(csv_of(from_cells.prepared.table), csv_of(from_file.prepared.table));
  EXPECT_EQ(from_cells.prepared.log.actions, from_file.prepared.log.actions);
  EXPECT_EQ(from_cells.input_rows, 19);
}

TEST(Embedding, CellsTooLargeForTheMemoryLimitAreRefusedNamingTheirSource) {
  SynthesisOptions options = copula_options();
  options.max_memory = 1024;
  const std::string message = error_of([&] { prepare_raw(roi_cells("my frame"), options); }, ErrorKind::Resource);
  EXPECT_NE(message.find("my frame"), std::string::npos) << message;
}

TEST(Embedding, AModelAsBytesSamplesTheSameRowsAsItsFile) {
  FittedModel model = FittedModel::fit_csv(data_path("ROI.csv"), copula_options());
  model.set_front_end_data(R"({"kept": "as given"})");
  const auto path = scratch_dir("embedding_bytes") / "roi.synthtab";
  model.save(path.string());
  const std::string bytes = model.to_bytes();
  EXPECT_EQ(bytes, read_text(path));
  const FittedModel from_bytes = FittedModel::from_bytes(bytes, "in memory");
  const FittedModel from_file = FittedModel::load(path.string());
  const uint64_t seed = sampling_seed(9);
  EXPECT_EQ(csv_of(from_bytes.sample(0, 300, seed)), csv_of(model.sample(0, 300, seed)));
  EXPECT_EQ(csv_of(from_file.sample(0, 300, seed)), csv_of(model.sample(0, 300, seed)));
  EXPECT_EQ(from_bytes.front_end_data(), R"({"kept": "as given"})");
  EXPECT_EQ(from_file.front_end_data(), R"({"kept": "as given"})");
}

TEST(Embedding, WithoutFrontEndDataTheFileHasNoSuchSection) {
  const FittedModel model = FittedModel::fit_csv(data_path("ROI.csv"), copula_options());
  EXPECT_EQ(model.to_bytes().find("front_end"), std::string::npos);
  EXPECT_EQ(FittedModel::from_bytes(model.to_bytes(), "in memory").front_end_data(), "");
}

TEST(Embedding, DamagedBytesAreAModelFileErrorNamingTheirSource) {
  std::string bytes = FittedModel::fit_csv(data_path("ROI.csv"), copula_options()).to_bytes();
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5A);
  const std::string message = error_of([&] { FittedModel::from_bytes(bytes, "pickled model"); }, ErrorKind::ModelFile);
  EXPECT_EQ(message.rfind("pickled model", 0), 0u) << message;
}

TEST(Embedding, CellsAreEvaluatedAsTheirFilesAre) {
  const eval::EvaluationInput files =
      eval::read_evaluation_files(data_path("ROI.csv"), data_path("ROI.csv"), "", {}, {});
  const eval::EvaluationInput cells = eval::evaluation_input(roi_cells("real"), roi_cells("synthetic"), nullptr, {});
  EXPECT_EQ(csv_of(cells.real), csv_of(files.real));
  EXPECT_EQ(csv_of(cells.synthetic), csv_of(files.synthetic));
  EXPECT_EQ(cells.notes, files.notes);
  RawTable other = roi_cells("synthetic frame");
  other.names[1] = "Bing ads";
  const std::string message =
      error_of([&] { eval::evaluation_input(roi_cells("real"), other, nullptr, {}); }, ErrorKind::Input);
  EXPECT_NE(message.find("synthetic frame"), std::string::npos) << message;
  EXPECT_NE(message.find("Bing ads"), std::string::npos) << message;
}

TEST(Embedding, CellsAreReadForCurvesAsTheirFileIs) {
  marketing::CurveOptions options;
  options.spend = {"Google ads"};
  options.response = "MRR (Monthly Recurring Revenue)";
  EXPECT_EQ(csv_of(marketing::curve_table(roi_cells("frame"), options)),
            csv_of(marketing::read_curve_csv(data_path("ROI.csv"), options)));
  options.spend = {"Bing ads"};
  const std::string message =
      error_of([&] { marketing::curve_table(roi_cells("my frame"), options); }, ErrorKind::Usage);
  EXPECT_NE(message.find("Bing ads"), std::string::npos) << message;
}

// Asks the work to stop at its `stop_at`-th checkpoint, as the Python package does on Ctrl-C.
class StopAtCheckpoint final : public Progress {
 public:
  explicit StopAtCheckpoint(int stop_at) : stop_at_(stop_at) {}
  void begin(const std::string&, long long) override {}
  void update(long long, const std::string&) override {}
  void end() override {}
  void checkpoint() override {
    if (++seen_ >= stop_at_) throw Error(ErrorKind::Interrupted, "interrupted");
  }
  int seen() const { return seen_; }

 private:
  int stop_at_;
  int seen_ = 0;
};

TEST(Embedding, AStopAskedAtACheckpointEndsTheFitInsteadOfFailingACandidate) {
  for (const std::string model : {"auto", "cart", "copula"}) {
    for (int stop_at : {1, 2, 3}) {
      SynthesisOptions options = copula_options();
      options.model = model;
      StopAtCheckpoint progress(stop_at);
      options.fit.progress = &progress;
      try {
        FittedModel::fit_csv(data_path("ROI.csv"), options);
        EXPECT_LT(progress.seen(), stop_at) << model << ": finished with a stop asked";
      } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Interrupted) << model << ": " << e.what();
        EXPECT_EQ(progress.seen(), stop_at) << model;
      }
    }
  }
  // auto on ROI checks before each of its 10 splits, after the pipeline and between cart's trees.
  SynthesisOptions options = copula_options();
  options.model = "auto";
  StopAtCheckpoint never(1000);
  options.fit.progress = &never;
  FittedModel::fit_csv(data_path("ROI.csv"), options);
  EXPECT_GE(never.seen(), 11);
}

// Counts the evaluation's steps, asking it to stop at step `stop_at` (0: never).
class StepCounter final : public Progress {
 public:
  explicit StepCounter(long long stop_at) : stop_at_(stop_at) {}
  void begin(const std::string& phase, long long total) override {
    phase_ = phase;
    total_ = total;
  }
  void update(long long done, const std::string&) override {
    steps_ = done;
    if (done == stop_at_) throw Error(ErrorKind::Interrupted, "interrupted");
  }
  void end() override { ended_ = true; }
  std::string phase_;
  long long total_ = 0, steps_ = 0, stop_at_;
  bool ended_ = false;
};

TEST(Embedding, EvaluationAndReportShowTheirStepsAndStopBetweenThem) {
  const eval::EvaluationInput input = eval::evaluation_input(roi_cells("real"), roi_cells("synthetic"), nullptr, {});
  eval::EvaluateOptions options;
  options.permutations = 20;
  options.threads = 1;
  StepCounter all(0);
  options.progress = &all;
  eval::evaluate(input.real, input.synthetic, options);
  EXPECT_EQ(all.phase_, "evaluating");
  EXPECT_EQ(all.steps_, all.total_);
  EXPECT_TRUE(all.ended_);
  StepCounter stop(3);
  options.progress = &stop;
  EXPECT_NE(error_of([&] { eval::evaluate(input.real, input.synthetic, options); }, ErrorKind::Interrupted), "");
  EXPECT_EQ(stop.steps_, 3);
  EXPECT_FALSE(stop.ended_);
  // The report's evaluation stops too (its target's failure is a note; a stop is not).
  report::ReportOptions report_options;
  report_options.permutations = 20;
  report_options.threads = 1;
  report_options.target = "MRR (Monthly Recurring Revenue)";
  StepCounter report_stop(6);
  report_options.progress = &report_stop;
  EXPECT_NE(
      error_of([&] { report::prepare_report(input.real, input.synthetic, report_options); }, ErrorKind::Interrupted),
      "");
}

}  // namespace
}  // namespace synthtab
