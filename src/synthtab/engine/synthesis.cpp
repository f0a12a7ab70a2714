#include "synthtab/engine/synthesis.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "synthtab/core/atomic_file.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/memory_limit.hpp"
#include "synthtab/engine/model_choice.hpp"
#include "synthtab/engine/model_sections.hpp"
#include "synthtab/engine/option_values.hpp"
#include "synthtab/models/gaussian_copula.hpp"
#include "synthtab/models/registry.hpp"
#include "synthtab/table/row_key.hpp"

namespace synthtab {
namespace {

constexpr uint64_t kInverseStream = 0x696e7665727365;         // "inverse"
constexpr uint64_t kRedrawStream = 0x726564726177;            // "redraw"
constexpr uint64_t kSubstituteStream = 0x7375627374;          // "subst"
constexpr uint64_t kDependenceSumsStream = 0x6465702d73756d;  // "dep-sum"
constexpr uint64_t kRuleStream = 0x72756c6573;                // "rules"
constexpr uint64_t kHoldStream = 0x686f6c64;                  // "hold"
constexpr int kMaxRedraws = 20;
constexpr int64_t kRuleProbeRows = 2048;  // rows drawn after a fit to see how often it breaks a rule
constexpr int kFruitlessPasses = 3;       // redraw passes in a row that replace no copy: give up
constexpr char kRowNew = 0, kRowRedrawn = 1, kRowCopyKept = 2, kRowCopyAllowed = 3;
// Flags beside those: the row as first drawn broke a rule; the row kept breaks a rule.
constexpr char kRowRuleRedrawn = 16, kRowRuleKeptBroken = 32, kRowCopyStatus = 15;
// Why a row is drawn again: it equals a training row, it breaks a rule.
constexpr char kRejectCopy = 1, kRejectRule = 2;

// Copies row `from` of `source` over row `to` of `target` (same columns).
void copy_row(const Table& source, int64_t from, Table& target, int64_t to) {
  for (size_t c = 0; c < target.columns.size(); ++c) {
    Column& column = target.columns[c];
    if (column.is_categorical())
      column.codes[static_cast<size_t>(to)] = source.columns[c].codes[static_cast<size_t>(from)];
    else
      column.values[static_cast<size_t>(to)] = source.columns[c].values[static_cast<size_t>(from)];
  }
}

// The pipeline the model reads: the caller's options, adapted to what the model needs.
PipelineOptions pipeline_options_for(const SynthesisOptions& options, const ModelTraits& model) {
  PipelineOptions out = options.pipeline;
  if (model.input_space) model.input_space(options.fit, out);
  // Missing values that reach the pipeline (kept by preparation, or in a table passed to
  // fit_table) are modelled through indicators rather than refused.
  out.model_missing = true;
  return out;
}

bool keeps_missing(const SynthesisOptions& options) {
  // auto's candidates all model missing values.
  if (options.missing == MissingValues::Auto)
    return options.model == "auto" || ModelRegistry::instance().traits(options.model).models_missing;
  return options.missing == MissingValues::Model;
}

ModelMemory fit_memory(const std::string& model) {
  return model == "auto" ? auto_fit_memory() : ModelRegistry::instance().traits(model).memory;
}

// Fails early, before hours of work, when the output cannot fit on its disk.
void check_disk_space(const std::string& path, double bytes_per_row, int64_t rows) {
  if (is_stream_target(path)) return;  // a pipe or device: no disk to fill
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  const auto space = std::filesystem::space(parent, ec);
  if (ec) return;  // unknown: let the writes themselves report a full disk
  const double needed = bytes_per_row * static_cast<double>(rows);
  if (needed > static_cast<double>(space.available))
    throw Error(ErrorKind::Resource,
                fmt::format("{}: {} rows need about {}, but only {} are free there", path, rows, format_bytes(needed),
                            format_bytes(static_cast<double>(space.available))));
}

// The holdout rule's bookkeeping for one block: a copy of a repeated training row is kept while
// the kept ones stay within the allowance of every prefix of the block (kept + 1 <= allowance x
// (row + 1)), so a run that starts at a block's first row never holds a larger share; the
// decision depends only on the block's own rows, so shards decide alike.
struct CopyAllowance {
  double allowance = 0.0;  // share of rows that may copy a repeated training row
  std::vector<char>& status;
  int64_t kept = 0;

  // Keeps row r (marked kRowCopyAllowed) when it copies a repeated row within the allowance.
  bool keep(bool repeated, int64_t r) {
    if (!repeated || static_cast<double>(kept + 1) > allowance * static_cast<double>(r + 1)) return false;
    ++kept;
    status[static_cast<size_t>(r)] = kRowCopyAllowed;
    return true;
  }
};

std::vector<uint64_t> missing_patterns(const Table& table) {
  std::vector<uint64_t> pattern;
  for (int64_t r = 0; r < table.rows(); ++r) pattern.push_back(missing_pattern(table, r));
  return pattern;
}

// What the redraw passes could not replace takes the place of a random accepted row of the same
// block with the same missing cells (rejection sampling's answer, without more passes); only
// where no such row was accepted (every combination of values of that pattern is a real row, or
// breaks a rule) is the row kept. `rejected` ascend; `why` says why each row of the block is.
void substitute_rejected(Table& decoded, const std::vector<int64_t>& rejected, const std::vector<uint64_t>& pattern,
                         const std::vector<char>& why, std::vector<char>& status, uint64_t seed, int64_t block) {
  std::map<uint64_t, std::vector<int64_t>> accepted;  // by pattern: rows equal to no training row
  for (int64_t r = 0; r < decoded.rows() && !rejected.empty(); ++r) {
    const char copy_status = status[static_cast<size_t>(r)] & kRowCopyStatus;
    if ((copy_status == kRowNew && !std::binary_search(rejected.begin(), rejected.end(), r)) ||
        copy_status == kRowRedrawn)
      accepted[pattern[static_cast<size_t>(r)]].push_back(r);
  }
  Rng substitute_rng(derive_seed(seed, kSubstituteStream, static_cast<uint64_t>(block)));
  for (int64_t r : rejected) {
    char& row_status = status[static_cast<size_t>(r)];
    const auto same = accepted.find(pattern[static_cast<size_t>(r)]);
    if (same == accepted.end()) {
      const char reason = why[static_cast<size_t>(r)];
      row_status =
          static_cast<char>((row_status & ~kRowCopyStatus) | ((reason & kRejectCopy) ? kRowCopyKept : kRowNew) |
                            ((reason & kRejectRule) ? kRowRuleKeptBroken : 0));
      continue;
    }
    copy_row(decoded, same->second[substitute_rng.below(same->second.size())], decoded, r);
    row_status = static_cast<char>((row_status & ~kRowCopyStatus) | kRowRedrawn);
  }
}

}  // namespace

int64_t Shard::first(int64_t total) const {
  return static_cast<int64_t>((static_cast<__int128>(total) * (index - 1)) / count);
}
int64_t Shard::last(int64_t total) const {
  return static_cast<int64_t>((static_cast<__int128>(total) * index) / count);
}

PreparedInput prepare_csv(const std::string& path, const SynthesisOptions& options) {
  CsvReadOptions csv = options.csv;
  if (csv.memory_limit == 0) csv.memory_limit = options.max_memory;
  if (options.max_memory > 0 && !csv.size_check) {
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(path, ec);
    const uint64_t file_bytes = ec ? 0 : size;
    // Checked while reading: a table too large stops after its first rows, not at the OOM killer.
    const ModelMemory memory = fit_memory(options.model);
    csv.size_check = [&options, &path, file_bytes, memory](int64_t rows, int64_t cols, bool estimated) {
      uint64_t need = fit_bytes(memory, rows, cols, file_bytes);
      if (options.will_sample) need += sample_block_bytes(sample_block_rows(cols), cols);
      check_memory(need, options.max_memory, path, rows, cols, estimated);
    };
  }
  const auto start = std::chrono::steady_clock::now();
  RawTable raw = read_csv(path, csv);
  const double read_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  PreparedInput out = prepare_raw(std::move(raw), options);
  out.read_seconds = read_seconds;
  return out;
}

PreparedInput prepare_raw(RawTable raw, const SynthesisOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (options.max_memory > 0) {  // (prepare_csv checked this while reading, with the file's size too)
    const auto cols = static_cast<int64_t>(raw.names.size());
    uint64_t need = fit_bytes(fit_memory(options.model), raw.rows(), cols, 0);
    if (options.will_sample) need += sample_block_bytes(sample_block_rows(cols), cols);
    check_memory(need, options.max_memory, raw.source, raw.rows(), cols, false);
  }
  PreparedInput out;
  out.input_rows = raw.rows();
  out.schema = infer_schema(raw, options.overrides);
  Table typed = to_table(raw, out.schema);
  const std::string source = raw.source;
  raw = RawTable{};  // the text is no longer needed; free it before cleaning
  CleanOptions clean_options = options.clean;
  clean_options.keep_missing = clean_options.keep_missing || keeps_missing(options);
  out.prepared = clean(std::move(typed), out.schema, clean_options, source);
  out.prepare_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

FittedModel::FittedModel() = default;
FittedModel::~FittedModel() = default;
FittedModel::FittedModel(FittedModel&&) noexcept = default;
FittedModel& FittedModel::operator=(FittedModel&&) noexcept = default;

FittedModel FittedModel::fit_csv(const std::string& path, const SynthesisOptions& options) {
  check_model_parameters(options);  // before reading the file: a wrong value fails at once
  return fit_prepared(prepare_csv(path, options), options);
}

FittedModel FittedModel::fit_prepared(const PreparedInput& input, const SynthesisOptions& options) {
  FittedModel model = fit_table(input.prepared.table, options);
  model.schema_ = input.schema;
  model.log_ = input.prepared.log;
  return model;
}

FittedModel FittedModel::fit_table(const Table& prepared, const SynthesisOptions& options) {
  if (prepared.rows() < 2)
    throw Error(ErrorKind::Input, "need at least 2 rows to learn from, got " + std::to_string(prepared.rows()));
  check_model_parameters(options);
  if (options.model == "auto") {
    // A wrong declared rule fails here, not as every candidate's failure; the candidates keep the
    // rules the final model will keep (none with no rules asked for).
    const ModelChoice choice = choose_model(prepared, options.fit, rule_options_for_part(prepared, options.rules));
    // The winner first; should it fail on all the rows, the next in rank, and so on.
    std::string failures;
    for (size_t index : choice.ranking) {
      const CandidateScore& candidate = choice.candidates[index];
      SynthesisOptions chosen = options;
      chosen.model = candidate.model;
      chosen.fit.parameters = candidate.parameters;
      try {
        FittedModel model = fit_table(prepared, chosen);
        model.report_.settings["auto"] = choice.describe(candidate.label, failures);
        return model;
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::Interrupted) throw;  // asked to stop, not a failure of the candidate
        failures += fmt::format(" {} failed on all {} rows: {}.", candidate.label, prepared.rows(), e.what());
      }
    }
    throw Error(ErrorKind::Input, "auto could not fit any candidate model:" + failures);
  }
  FittedModel model;
  model.model_name_ = options.model;
  model.parameters_ = options.fit.parameters;
  const ModelTraits traits = ModelRegistry::instance().traits(options.model);
  model.synthesizer_ = traits.create();
  RuleOptions rules = options.rules;
  rules.missing_parts = rules.missing_parts && !traits.one_joint_table;
  model.rules_ = RuleSet::build(prepared, rules);
  model.fit_learned(prepared, options, traits);
  // Inequalities the model breaks in more than 5 % of drawn rows are learnt as differences:
  // drawing such rows again would bend the rest of the row.
  std::vector<size_t> often_broken;
  if (!model.rules_.empty()) {
    Rng rng(derive_seed(options.fit.seed, kRuleStream));
    Table drawn = model.pipeline_.inverse(model.synthesizer_->sample(0, kRuleProbeRows, options.fit.seed), rng);
    model.rules_.restore(drawn, options.fit.seed);
    const std::vector<double> kept = rule_adherence(model.rules_.rules(), drawn);
    for (size_t i = 0; i < kept.size(); ++i)
      if (model.rules_.keeping(i) == Keeping::Rejection && model.rules_.rules()[i].kind == RuleKind::AtMost &&
          kept[i] < 0.95)
        often_broken.push_back(i);
  }
  if (!often_broken.empty() && model.rules_.model_differences(prepared, often_broken)) {
    model.synthesizer_ = traits.create();
    model.fit_learned(prepared, options, traits);
  }
  model.remember_training_rows(prepared);
  return model;
}

void FittedModel::fit_learned(const Table& prepared, const SynthesisOptions& options, const ModelTraits& traits) {
  // The model learns the rules' own columns (an inequality's difference, a derived column's residual).
  FittedModel& model = *this;
  const Table modelled = model.rules_.empty() ? Table{} : model.rules_.to_model(prepared);
  const Table& learned = model.rules_.empty() ? prepared : modelled;
  model.pipeline_ = Pipeline();
  model.pipeline_.fit(learned, pipeline_options_for(options, traits));
  if (options.fit.progress != nullptr) options.fit.progress->checkpoint();
  model.training_rows_ = prepared.rows();
  model.fit_seed_ = options.fit.seed;
  model.schema_.columns.clear();
  for (const auto& column : prepared.columns)
    model.schema_.columns.push_back({column.name,
                                     column.type == ColumnType::Categorical ? ColumnRole::Categorical
                                     : column.type == ColumnType::Integer   ? ColumnRole::Integer
                                     : column.type == ColumnType::Datetime  ? ColumnRole::Datetime
                                                                            : ColumnRole::Float,
                                     "", column.datetime_format, false});
  const Matrix data = model.pipeline_.transform(learned);
  model.report_ = model.synthesizer_->fit(data, model.pipeline_.layout(), options.fit);
}

DependenceSums FittedModel::dependence_sums(const RawTable& rows, uint64_t part) const {
  const auto* copula = dynamic_cast<const GaussianCopula*>(synthesizer_.get());
  if (copula == nullptr)
    throw usage_error("only the copula's dependence can be summed over more rows; this model is " + model_name_);
  Table typed = to_table(rows, schema_);
  const Table& prototype = pipeline_.prototype();
  Table prepared;
  for (size_t i = 0; i < prototype.columns.size(); ++i) {
    const std::string& name = prototype.columns[i].name;
    const int64_t at = typed.find(name);
    if (at < 0)
      throw Error(ErrorKind::Input, rows.source + ": the model prepared a column " + in_quotes(name) +
                                        " that these rows do not have; its preparation (such as dates expanded "
                                        "into columns) cannot be replayed row by row");
    Column& column = typed.columns[static_cast<size_t>(at)];
    if (column.missing_count() > 0 && !pipeline_.has_missing_indicator(i))
      throw Error(ErrorKind::Input, rows.source + ": column " + in_quotes(name) +
                                        " has missing values, which the model's preparation filled with a value of "
                                        "the whole table; fit with missing values modelled to sum over more rows");
    prepared.columns.push_back(std::move(column));
  }
  if (!rules_.empty()) prepared = rules_.to_model(prepared);
  return copula->dependence_sums(pipeline_.transform(prepared), pipeline_.layout(),
                                 derive_seed(fit_seed_, kDependenceSumsStream, part));
}

void FittedModel::refit_dependence(const DependenceSums& sums) {
  auto* copula = dynamic_cast<GaussianCopula*>(synthesizer_.get());
  if (copula == nullptr)
    throw usage_error("only the copula's dependence can be fitted again from sums; this model is " + model_name_);
  copula->refit_dependence(sums, pipeline_.layout());
  report_.settings["dependence rows"] = fmt::format("{:.0f}", sums.rows);
}

std::vector<uint64_t> FittedModel::fingerprints(const Table& table) const {
  std::vector<uint64_t> out(static_cast<size_t>(table.rows()));
  if (fingerprint_version_ == 1) {
    for (int64_t r = 0; r < table.rows(); ++r) out[static_cast<size_t>(r)] = row_hash(table, r);
    return out;
  }
  const RowFingerprints fingerprint(table);
  for (int64_t r = 0; r < table.rows(); ++r) out[static_cast<size_t>(r)] = fingerprint(r);
  return out;
}

void FittedModel::remember_training_rows(const Table& prepared) {
  fingerprint_version_ = 2;
  const std::vector<uint64_t> hashes = fingerprints(prepared);
  std::vector<char> empty(static_cast<size_t>(prepared.rows()), 0);
  for (int64_t r = 0; r < prepared.rows(); ++r) empty[static_cast<size_t>(r)] = row_is_empty(prepared, r);
  std::vector<uint64_t> sorted = hashes;
  std::sort(sorted.begin(), sorted.end());
  real_row_hashes_ = sorted;
  real_row_hashes_.erase(std::unique(real_row_hashes_.begin(), real_row_hashes_.end()), real_row_hashes_.end());
  repeated_row_hashes_.clear();
  for (size_t i = 1; i < sorted.size(); ++i)
    if (sorted[i] == sorted[i - 1] && (repeated_row_hashes_.empty() || repeated_row_hashes_.back() != sorted[i]))
      repeated_row_hashes_.push_back(sorted[i]);
  // Leave-one-out: a row whose twin stays in the training data would equal a training row if it
  // were held out. Empty rows are never copies (row_is_empty), so they do not count.
  int64_t matching = 0;
  for (int64_t r = 0; r < prepared.rows(); ++r)
    matching +=
        !empty[static_cast<size_t>(r)] &&
        std::binary_search(repeated_row_hashes_.begin(), repeated_row_hashes_.end(), hashes[static_cast<size_t>(r)]);
  copy_allowance_ = prepared.rows() > 0 ? static_cast<double>(matching) / static_cast<double>(prepared.rows()) : 0.0;
}

FittedModel::RowMatch FittedModel::match_real_row(const Table& table, int64_t row, uint64_t hash) const {
  // Redrawing an empty row would lower the real rate of empty rows (see row_is_empty).
  if (row_is_empty(table, row)) return RowMatch::None;
  if (!std::binary_search(real_row_hashes_.begin(), real_row_hashes_.end(), hash)) return RowMatch::None;
  return std::binary_search(repeated_row_hashes_.begin(), repeated_row_hashes_.end(), hash) ? RowMatch::Repeated
                                                                                            : RowMatch::Unique;
}

int64_t sample_block_rows(int64_t model_columns) {
  constexpr int64_t kBlockCells = int64_t{1} << 22;
  if (model_columns * kSampleBlockRows <= kBlockCells) return kSampleBlockRows;
  return std::max<int64_t>(64,
                           static_cast<int64_t>(std::bit_floor(static_cast<uint64_t>(kBlockCells / model_columns))));
}

int64_t FittedModel::block_rows() const { return sample_block_rows(pipeline_.width()); }

Table FittedModel::draw_holding(int64_t block, uint64_t seed) const {
  const int64_t block_size = block_rows();
  const int64_t block_start = block * block_size;
  Rng rng(derive_seed(seed, kInverseStream, static_cast<uint64_t>(block)));
  if (held_cells_.empty() || synthesizer_->can_condition()) {
    Table decoded = pipeline_.inverse(synthesizer_->sample_given(block_start, block_size, seed, given_), rng);
    hold_conditions(decoded, nullptr);  // exactly: the model's space rounds them
    return decoded;
  }
  // Drawing again: row r takes the first of its draws (seed, attempt) that holds every value, so
  // the result depends only on (seed, block), as shards need. A row none of them holds (a chance
  // below e^-30 per row at the acceptance set_conditions measured) is held by force.
  Table decoded = pipeline_.inverse(synthesizer_->sample(block_start, block_size, seed), rng);
  std::vector<int64_t> waiting;
  for (int64_t r = 0; r < decoded.rows(); ++r)
    if (!holds_conditions(decoded, r)) waiting.push_back(r);
  const int attempts = static_cast<int>(std::ceil(30.0 / held_acceptance_));
  for (int attempt = 1; attempt <= attempts && !waiting.empty(); ++attempt) {
    const uint64_t attempt_seed = derive_seed(seed, kHoldStream, static_cast<uint64_t>(attempt));
    Rng attempt_rng(derive_seed(attempt_seed, kInverseStream, static_cast<uint64_t>(block)));
    const Table drawn = pipeline_.inverse(synthesizer_->sample(block_start, block_size, attempt_seed), attempt_rng);
    std::vector<int64_t> still;
    for (int64_t r : waiting) {
      if (holds_conditions(drawn, r))
        copy_row(drawn, r, decoded, r);
      else
        still.push_back(r);
    }
    waiting = std::move(still);
  }
  hold_conditions(decoded, nullptr);
  return decoded;
}

Table FittedModel::decode_block(int64_t block, uint64_t seed, std::vector<char>& status) const {
  Table decoded = draw_holding(block, seed);
  // A row whose rules moved a held value is drawn again.
  std::vector<char> broken = rules_.restore(decoded, derive_seed(seed, kRuleStream, static_cast<uint64_t>(block)));
  hold_conditions(decoded, &broken);
  status.assign(static_cast<size_t>(decoded.rows()), kRowNew);
  const bool check_copies = copy_policy_ != CopyPolicy::Allow && !real_row_hashes_.empty();
  const bool any_broken = std::find(broken.begin(), broken.end(), 1) != broken.end();
  if (!check_copies && !any_broken) return decoded;
  CopyAllowance allowed{copy_policy_ == CopyPolicy::Holdout ? copy_allowance_ : 0.0, status};
  // Rows drawn again (copies of training rows, rows that break a rule), and why each row is.
  std::vector<int64_t> copies;
  std::vector<char> why(static_cast<size_t>(decoded.rows()), 0);
  const auto rejection = [&](const Table& table, int64_t r, const std::vector<uint64_t>& hashes,
                             const std::vector<char>& breaks, RowMatch* match) {
    char reason = breaks[static_cast<size_t>(r)] ? kRejectRule : 0;
    *match = check_copies ? match_real_row(table, r, hashes[static_cast<size_t>(r)]) : RowMatch::None;
    // The allowance is spent only on rows otherwise accepted.
    if (*match != RowMatch::None && (reason != 0 || !allowed.keep(*match == RowMatch::Repeated, r)))
      reason |= kRejectCopy;
    return reason;
  };
  std::vector<uint64_t> hashes;
  if (check_copies) hashes = fingerprints(decoded);
  for (int64_t r = 0; r < decoded.rows(); ++r) {
    RowMatch match = RowMatch::None;
    why[static_cast<size_t>(r)] = rejection(decoded, r, hashes, broken, &match);
    if (why[static_cast<size_t>(r)] == 0) continue;
    copies.push_back(r);
    if (broken[static_cast<size_t>(r)]) status[static_cast<size_t>(r)] |= kRowRuleRedrawn;
  }
  // A copy is replaced only by a row with the same missing cells: copies are rarer among rows
  // with missing values, and replacing complete rows by any new row drifted the missing rates
  // (a table with 8 % and 11 % missing came out with 17-26 %, and all-empty rows 11-19 %).
  std::vector<uint64_t> pattern;
  if (!copies.empty()) pattern = missing_patterns(decoded);
  // Each pass draws the whole block again from its own stream (one batched call, cheap for every
  // model) and takes row r from it where that row is new: the result depends only on
  // (seed, block, pass), so every shard that computes this block decides alike. Passes that
  // replace nothing, several in a row, mean the table is too discrete for more passes to help.
  int passes_without_progress = 0;
  for (int pass = 1; pass <= kMaxRedraws && !copies.empty(); ++pass) {
    const uint64_t redraw_seed = derive_seed(seed, kRedrawStream, static_cast<uint64_t>(pass));
    Table redrawn = draw_holding(block, redraw_seed);
    std::vector<char> redrawn_broken =
        rules_.restore(redrawn, derive_seed(redraw_seed, kRuleStream, static_cast<uint64_t>(block)));
    hold_conditions(redrawn, &redrawn_broken);
    std::vector<uint64_t> redrawn_hashes;
    if (check_copies) redrawn_hashes = fingerprints(redrawn);
    std::vector<int64_t> still_copies;
    for (int64_t r : copies) {
      RowMatch match = RowMatch::None;
      if (missing_pattern(redrawn, r) != pattern[static_cast<size_t>(r)] ||
          rejection(redrawn, r, redrawn_hashes, redrawn_broken, &match) != 0) {
        still_copies.push_back(r);
        continue;
      }
      copy_row(redrawn, r, decoded, r);
      why[static_cast<size_t>(r)] = 0;
      if (match == RowMatch::None)
        status[static_cast<size_t>(r)] = (status[static_cast<size_t>(r)] & ~kRowCopyStatus) | kRowRedrawn;
    }
    passes_without_progress = still_copies.size() < copies.size() ? 0 : passes_without_progress + 1;
    copies = std::move(still_copies);
    if (passes_without_progress == kFruitlessPasses) break;
  }
  substitute_rejected(decoded, copies, pattern, why, status, seed, block);
  return decoded;
}

Table FittedModel::sample(int64_t first, int64_t count, uint64_t seed, SampleStats* stats) const {
  if (first < 0 || count < 0) throw usage_error("row range must not be negative");
  Table out;
  if (count == 0) {
    for (const auto& c : pipeline_.prototype().columns) out.columns.push_back(c.empty_like());
    return out;
  }
  // Whole global blocks, sliced: the same rows whatever range is asked for.
  const int64_t block_size = block_rows();
  const int64_t first_block = first / block_size;
  const int64_t last_block = (first + count - 1) / block_size;
  std::vector<char> status;
  for (int64_t block = first_block; block <= last_block; ++block) {
    const Table decoded = decode_block(block, seed, status);
    const int64_t block_start = block * block_size;
    const int64_t from = std::max(first, block_start) - block_start;
    const int64_t to = std::min(first + count, block_start + block_size) - block_start;
    out.append(decoded.slice(from, to - from));
    if (stats == nullptr) continue;
    for (int64_t r = from; r < to; ++r) {
      const char row = status[static_cast<size_t>(r)];
      const char copy_status = row & kRowCopyStatus;
      // A row drawn again for a rule alone is counted there, not as a copy redrawn.
      stats->redrawn += copy_status == kRowRedrawn && !(row & kRowRuleRedrawn);
      stats->unavoidable += copy_status == kRowCopyKept;
      stats->allowed += copy_status == kRowCopyAllowed;
      stats->rule_redrawn += (row & kRowRuleRedrawn) != 0;
      stats->rule_broken += (row & kRowRuleKeptBroken) != 0;
    }
  }
  return out;
}

CsvWriteOptions FittedModel::output_format() const {
  CsvWriteOptions options;
  options.delimiter = schema_.delimiter;
  options.decimal = schema_.decimal;
  return options;
}

SampleStats FittedModel::write_sample_csv(const std::string& path, int64_t rows, uint64_t seed, const Shard& shard,
                                          Progress* progress) const {
  SampleStats stats;
  if (rows < 0) throw usage_error("the number of rows must not be negative");
  NullProgress quiet;
  Progress& report = progress != nullptr ? *progress : quiet;
  const CsvWriteOptions format = output_format();
  const int64_t first = shard.first(rows);
  const int64_t last = shard.last(rows);
  // Only one block of rows is held at a time (the text is flushed every MiB).
  const auto columns = std::max<int64_t>(pipeline_.width(), static_cast<int64_t>(pipeline_.prototype().columns.size()));
  const int64_t block_size = block_rows();
  check_memory(sample_block_bytes(block_size, columns) + (2u << 20), max_memory_, path + " (one block of sampled rows)",
               block_size, columns, false);
  AtomicFile file(path);
  std::string text;
  Table header = sample(0, 0, seed);
  append_csv_header(header, format, text);
  report.begin("sampling", last - first);
  for (int64_t begin = first; begin < last;) {
    // Stop at block boundaries so each call computes whole blocks once.
    const int64_t end = std::min(last, (begin / block_size + 1) * block_size);
    const auto block_start = std::chrono::steady_clock::now();
    const Table part = sample(begin, end - begin, seed, &stats);
    const auto sampled = std::chrono::steady_clock::now();
    const size_t before = text.size();
    append_csv_rows(part, 0, part.rows(), format, text);
    if (begin == first)
      check_disk_space(path, static_cast<double>(text.size() - before) / static_cast<double>(part.rows()),
                       last - first);
    if (text.size() > (1u << 20)) {
      file.write(text);
      text.clear();
    }
    stats.sample_seconds += std::chrono::duration<double>(sampled - block_start).count();
    stats.write_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - sampled).count();
    begin = end;
    report.update(begin - first, "");
  }
  const auto flush_start = std::chrono::steady_clock::now();
  file.write(text);
  file.commit();
  stats.write_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - flush_start).count();
  report.end();
  return stats;
}

}  // namespace synthtab
