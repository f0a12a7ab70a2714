#pragma once
// The generation path end to end: a CSV file in, a fitted model (schema, preparation log,
// transformers, network weights) that can be saved, loaded and sampled, synthetic CSV out.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "synthtab/constraints/rule_set.hpp"
#include "synthtab/core/archive.hpp"
#include "synthtab/core/progress.hpp"
#include "synthtab/models/synthesizer.hpp"
#include "synthtab/prepare/clean.hpp"
#include "synthtab/prepare/infer_schema.hpp"
#include "synthtab/table/csv_reader.hpp"
#include "synthtab/table/csv_writer.hpp"
#include "synthtab/transform/pipeline.hpp"

namespace synthtab {

struct DependenceSums;  // models/gaussian_copula.hpp
struct ModelTraits;     // models/registry.hpp

// What preparation does with missing values. Model: keep them; the pipeline adds a
// missing-value indicator per column with gaps, which the model learns with the other columns,
// so the output has missing values at the real rate and pattern. Fill: the seed's rules (fill
// numeric gaps, drop incomplete rows, drop columns over 35 % missing). Auto: Model, except for
// the seed's own models (wgan, gan), which keep the seed's preparation.
enum class MissingValues { Auto, Model, Fill };

struct SynthesisOptions {
  std::string model = "auto";  // or a model's name (ModelRegistry::list())
  MissingValues missing = MissingValues::Auto;
  FitOptions fit;  // seed, epochs, learning rates, threads, progress
  CsvReadOptions csv;
  SchemaOverrides overrides;
  CleanOptions clean;
  PipelineOptions pipeline;  // unset quantile settings = the chosen model's seed default
  RuleOptions rules;         // business rules found in the rows or declared, kept in every row
  uint64_t max_memory = 0;   // bytes a run may use; 0 = no limit
  bool will_sample = false;  // rows are sampled after the fit (generate): one block more
};

// Which part of a run's rows to produce: shard `index` (1-based) of `count`.
struct Shard {
  int64_t index = 1;
  int64_t count = 1;
  // Rows [first, last) of a run of `total` rows that this shard produces.
  int64_t first(int64_t total) const;
  int64_t last(int64_t total) const;
};

// A prepared table and what preparation did.
struct PreparedInput {
  int64_t input_rows = 0;        // data rows in the file, before preparation
  double read_seconds = 0.0;     // reading and splitting the CSV
  double prepare_seconds = 0.0;  // inferring the types, typing and cleaning
  Schema schema;
  Prepared prepared;
};
PreparedInput prepare_csv(const std::string& path, const SynthesisOptions& options);
// The same for a table already split into text cells (a front end's data frame): its `source`
// names it in messages; a table larger than `max_memory` allows is refused before it is typed.
PreparedInput prepare_raw(RawTable raw, const SynthesisOptions& options);

// What sampling does with a synthetic row equal to a training row.
//   Holdout (default): such rows may be as frequent as unseen real rows equal to a training row
//     are (the real table's leave-one-out duplicate share: a row that occurs twice in the real
//     data would equal a training row if one of its occurrences were held out), and no more; a
//     row equal to a training row that is unique in the training data is always drawn again
//     (synthpop's rm.replicated.uniques). On a discrete table an equal row is then the
//     distribution, not a leak (SDMetrics' DCROverfittingProtection, Platzer & Reutterer 2021).
//   Never: every such row is drawn again (too discrete tables keep what cannot be avoided).
//   Allow: rows are kept as drawn.
enum class CopyPolicy { Holdout, Never, Allow };

// What sampling had to do to keep real rows out of the output.
struct SampleStats {
  int64_t redrawn = 0;       // rows that copied a training row and were drawn again
  int64_t unavoidable = 0;   // copies kept: the table is too discrete to avoid them
  int64_t allowed = 0;       // copies of repeated training rows kept under the holdout rule
  int64_t rule_redrawn = 0;  // rows drawn again because they broke a rule (the rest were accepted)
  int64_t rule_broken = 0;   // rows kept though they break a rule: redraws kept failing
  // write_sample_csv: time drawing the rows, and formatting and writing them (interleaved by block).
  double sample_seconds = 0.0;
  double write_seconds = 0.0;
  void add(const SampleStats& other) {
    redrawn += other.redrawn;
    unavoidable += other.unavoidable;
    allowed += other.allowed;
    rule_redrawn += other.rule_redrawn;
    rule_broken += other.rule_broken;
    sample_seconds += other.sample_seconds;
    write_seconds += other.write_seconds;
  }
};

// A column held at one value in every drawn row: "what if Google ads were 12,000?".
struct Condition {
  std::string column;
  std::string value;  // as in a CSV cell: a number (decimal point or comma), a category's label
};
// "COLUMN=VALUE" (spaces around either trimmed). A column name may hold '=': the split is at the
// first '=' whose left side names one of `columns`, else at the first '='. Throws Error(Usage)
// for text without '=' or with nothing on either side.
Condition parse_condition(const std::string& text, const std::vector<std::string>& columns);

class FittedModel {
 public:
  FittedModel();
  ~FittedModel();
  FittedModel(FittedModel&&) noexcept;
  FittedModel& operator=(FittedModel&&) noexcept;

  // Reads, prepares and transforms `path`, then fits options.model.
  static FittedModel fit_csv(const std::string& path, const SynthesisOptions& options);
  // Fits on a prepared input (keeps its schema and log: the output then has the input's
  // delimiter and decimal mark).
  static FittedModel fit_prepared(const PreparedInput& input, const SynthesisOptions& options);
  // Fits on an already prepared table (output as plain CSV: ',' and '.').
  static FittedModel fit_table(const Table& prepared, const SynthesisOptions& options);

  void save(const std::string& path) const;  // atomic
  // `memory_limit` (bytes, 0 = none): a model file whose loading would need more is refused
  // before it is read (model files are untrusted input).
  static FittedModel load(const std::string& path, uint64_t memory_limit = 0);
  // The model file's bytes, and a model from them (`source` names them in messages): what an
  // embedding program keeps in memory or sends elsewhere (Python's pickle).
  std::string to_bytes() const;
  static FittedModel from_bytes(std::string_view bytes, const std::string& source);

  // What a front end keeps with the model beside the library's own sections (the Python
  // package: its data frame's column types), saved and loaded as given; "" = none. Being
  // untrusted input like the rest of the file, it is the front end's to check.
  const std::string& front_end_data() const { return front_end_data_; }

  // Fitting on more rows than one machine holds (synthtab.dask.fit), for the copula: the sums its
  // dependence is fitted from over `rows` (read with this model's schema, its prepared columns
  // taken by name), against its marginals, ties broken with draws from (the fit's seed, `part`);
  // and the dependence fitted again from such sums added up over every row, the rest of the
  // model kept. Throws Error(Usage) for other models, and
  // Error(Input) for rows whose preparation cannot be replayed row by row (dates expanded into
  // columns, gaps filled with a table-wide value).
  DependenceSums dependence_sums(const RawTable& rows, uint64_t part) const;
  void refit_dependence(const DependenceSums& sums);
  void set_front_end_data(std::string data) { front_end_data_ = std::move(data); }

  // Rows [first, first + count) of the synthetic stream of `seed`, in the input's column
  // order, names, types and categories. Any split into calls gives the same rows.
  // A row equal to a training row (after the output's rounding) is kept or drawn again from its
  // own stream as the copy policy says (see CopyPolicy); where redraws keep landing on real rows
  // the table is too discrete for that, and the copies are kept and counted as unavoidable.
  Table sample(int64_t first, int64_t count, uint64_t seed, SampleStats* stats = nullptr) const;
  // Writes shard `shard` of a `rows`-row sample as CSV (atomically), block by block.
  SampleStats write_sample_csv(const std::string& path, int64_t rows, uint64_t seed, const Shard& shard = {},
                               Progress* progress = nullptr) const;
  // Every row drawn from now on holds these values (numbers, labels, dates as the column writes
  // them), drawn from the model's distribution given them: exactly, for the copula; other
  // models hold categories and whole numbers by drawing rows again (refusing values fewer than
  // 1 % of their rows hold) and refuse real numbers and dates. Throws Error(Usage) naming the
  // condition for a column the model lacks or a rule computes, a value of the wrong kind, a
  // category it never saw, or a number or date outside the values it learnt. Empty: none.
  void set_conditions(const std::vector<Condition>& conditions);
  const std::vector<Condition>& conditions() const { return conditions_; }
  // The share of the model's rows that hold the conditions where it draws rows again until they
  // do (a model that cannot condition, holding categories or whole numbers); 1 when it conditions.
  double held_acceptance() const { return held_acceptance_; }
  void set_copy_policy(CopyPolicy policy) { copy_policy_ = policy; }
  CopyPolicy copy_policy() const { return copy_policy_; }
  // The share of synthetic rows that may equal a (repeated) training row under CopyPolicy::Holdout.
  double copy_allowance() const { return copy_allowance_; }
  // write_sample_csv() refuses (Error(Resource)) when one block of rows needs more; 0 = no limit.
  void set_memory_limit(uint64_t bytes) { max_memory_ = bytes; }

  const std::string& model_name() const { return model_name_; }
  const Schema& schema() const { return schema_; }
  const PreparationLog& preparation_log() const { return log_; }
  const FitReport& fit_report() const { return report_; }
  // The model's parameters as the caller (or auto) gave them; the model's defaults hold the rest.
  const ModelParameters& parameters() const { return parameters_; }
  const Pipeline& pipeline() const { return pipeline_; }
  // The business rules every drawn row keeps (found in the training rows or declared).
  const RuleSet& rules() const { return rules_; }
  int64_t training_rows() const { return training_rows_; }
  uint64_t fit_seed() const { return fit_seed_; }
  CsvWriteOptions output_format() const;

 private:
  std::string model_name_;
  Schema schema_;
  PreparationLog log_;
  Pipeline pipeline_;
  std::unique_ptr<Synthesizer> synthesizer_;
  RuleSet rules_;
  FitReport report_;
  ModelParameters parameters_;
  int64_t training_rows_ = 0;
  uint64_t fit_seed_ = 0;
  std::vector<uint64_t> real_row_hashes_;      // sorted fingerprints of the training rows
  std::vector<uint64_t> repeated_row_hashes_;  // sorted fingerprints of rows seen twice or more
  double copy_allowance_ = 0.0;                // leave-one-out duplicate share of the training rows
  // How the fingerprints are computed: 2 (RowFingerprints) since labels are hashed once per
  // table; files without the 'fingerprint_version' section hold version 1 (row_hash).
  int fingerprint_version_ = 2;
  CopyPolicy copy_policy_ = CopyPolicy::Holdout;
  std::string front_end_data_;

  uint64_t max_memory_ = 0;
  // set_conditions: as given, in the model's space, and the cells they hold (prepared column,
  // value or category code) after decoding.
  std::vector<Condition> conditions_;
  std::vector<GivenValue> given_;
  std::vector<std::pair<size_t, double>> held_cells_;
  // Models that cannot condition hold categories and whole numbers by drawing rows again: the
  // share of the model's rows that hold every value (1 for a model that conditions).
  double held_acceptance_ = 1.0;
  // Sets the held cells in `rows`; marks in `broken` the rows where they had to be set again.
  void hold_conditions(Table& rows, std::vector<char>* broken) const;
  bool holds_conditions(const Table& rows, int64_t row) const;
  // One block's rows decoded, holding the conditions: drawn given them, or drawn again until
  // they hold them.
  Table draw_holding(int64_t block, uint64_t seed) const;

  ArchiveWriter archive() const;
  // Fits the pipeline and the synthesizer (already created) on the table the rules make of `prepared`.
  void fit_learned(const Table& prepared, const SynthesisOptions& options, const ModelTraits& traits);
  static FittedModel from_archive(const ArchiveReader& in);

  enum class RowMatch { None, Unique, Repeated };
  // The fingerprint of each row of `table`, as this model's file computes them.
  std::vector<uint64_t> fingerprints(const Table& table) const;
  RowMatch match_real_row(const Table& table, int64_t row, uint64_t fingerprint) const;
  // Fingerprints of the training rows and the share of copies the holdout rule allows.
  void remember_training_rows(const Table& prepared);
  // Throws Error(ModelFile) naming `path` when the loaded sections do not fit together.
  void check_consistent(const std::string& path) const;
  // One global block of rows, decoded; status[r] says whether row r was new, redrawn or a kept copy.
  Table decode_block(int64_t block, uint64_t seed, std::vector<char>& status) const;
  int64_t block_rows() const;
};

// The sampling stream of a run seeded with `seed`: fitting and drawing in one run gives the same
// rows as fitting, saving, loading and drawing with the same seed.
constexpr uint64_t sampling_seed(uint64_t seed) { return derive_seed(seed, 0x73616d706c65); }

// Rows per block when sampling: blocks are aligned to global row indices so that shards and
// whole runs compute exactly the same rows. 4096 rows, fewer (a power of two, at least 64) for
// tables wider than 1,024 model columns, so a block stays near 4M cells: a 20,000-column table
// asked for 100 rows then decodes 128 rows, not 4096.
int64_t sample_block_rows(int64_t model_columns);
inline constexpr int64_t kSampleBlockRows = 4096;

}  // namespace synthtab
