#include "synthtab/engine/synthesis.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <chrono>
#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include "synthtab/core/atomic_file.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/engine/model_choice.hpp"
#include "synthtab/models/registry.hpp"
#include "synthtab/table/row_key.hpp"

namespace synthtab {
namespace {

using json = nlohmann::json;

constexpr uint64_t kInverseStream = 0x696e7665727365;  // "inverse"
constexpr uint64_t kRedrawStream = 0x726564726177;     // "redraw"
constexpr int kMaxRedraws = 20;
constexpr char kRowNew = 0, kRowRedrawn = 1, kRowCopyKept = 2;
constexpr int64_t kDiscreteBlockShare = 4;  // > 1/4 of a block copied: too discrete to redraw

std::string hashes_to_bytes(const std::vector<uint64_t>& hashes) {
  std::string out(hashes.size() * sizeof(uint64_t), '\0');
  for (size_t i = 0; i < hashes.size(); ++i)
    for (size_t b = 0; b < sizeof(uint64_t); ++b) out[i * 8 + b] = static_cast<char>((hashes[i] >> (8 * b)) & 0xff);
  return out;
}

std::vector<uint64_t> hashes_from_bytes(const std::string& bytes, const std::string& source) {
  if (bytes.size() % sizeof(uint64_t) != 0)
    throw Error(ErrorKind::ModelFile, source + ": malformed real-row fingerprints");
  std::vector<uint64_t> out(bytes.size() / sizeof(uint64_t), 0);
  for (size_t i = 0; i < out.size(); ++i)
    for (size_t b = 0; b < sizeof(uint64_t); ++b)
      out[i] |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i * 8 + b])) << (8 * b);
  if (!std::is_sorted(out.begin(), out.end()))
    throw Error(ErrorKind::ModelFile, source + ": malformed real-row fingerprints (not sorted)");
  return out;
}

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

json schema_to_json(const Schema& schema) {
  json columns = json::array();
  for (const auto& c : schema.columns)
    columns.push_back({{"name", c.name},
                       {"role", to_string(c.role)},
                       {"reason", c.reason},
                       {"datetime_format", c.datetime_format},
                       {"forced", c.forced}});
  return {{"columns", columns},
          {"decimal", std::string(1, schema.decimal)},
          {"delimiter", std::string(1, schema.delimiter)}};
}

ColumnRole role_from_string(const std::string& text, const std::string& source) {
  for (auto role : {ColumnRole::Integer, ColumnRole::Float, ColumnRole::Categorical,
                    ColumnRole::Datetime, ColumnRole::Id, ColumnRole::Constant,
                    ColumnRole::Dropped})
    if (text == to_string(role)) return role;
  throw Error(ErrorKind::ModelFile, source + ": unknown column role '" + text + "'");
}

Schema schema_from_json(const json& j, const std::string& source) {
  Schema schema;
  for (const auto& c : j.at("columns")) {
    ColumnSchema column;
    column.name = c.at("name").get<std::string>();
    column.role = role_from_string(c.at("role").get<std::string>(), source);
    column.reason = c.at("reason").get<std::string>();
    column.datetime_format = c.at("datetime_format").get<std::string>();
    column.forced = c.at("forced").get<bool>();
    schema.columns.push_back(std::move(column));
  }
  const auto decimal = j.at("decimal").get<std::string>();
  const auto delimiter = j.at("delimiter").get<std::string>();
  if (decimal.size() != 1 || delimiter.size() != 1)
    throw Error(ErrorKind::ModelFile, source + ": malformed schema (decimal/delimiter)");
  schema.decimal = decimal[0];
  schema.delimiter = delimiter[0];
  return schema;
}

json report_to_json(const FitReport& report) {
  return {{"settings", report.settings},
          {"critic_loss", report.critic_loss},
          {"generator_loss", report.generator_loss},
          {"seconds", report.seconds}};
}

FitReport report_from_json(const json& j) {
  FitReport report;
  report.settings = j.at("settings").get<std::map<std::string, std::string>>();
  report.critic_loss = j.at("critic_loss").get<std::vector<double>>();
  report.generator_loss = j.at("generator_loss").get<std::vector<double>>();
  report.seconds = j.at("seconds").get<double>();
  return report;
}

// The seed's quantile count differs by model: 70 % of the rows on its WGAN path,
// min(100, rows) on its vanilla GAN path.
PipelineOptions pipeline_options_for(const SynthesisOptions& options) {
  PipelineOptions out = options.pipeline;
  if (out.n_quantiles == 0 && out.quantile_share == 0.0 && options.model == "wgan")
    out.quantile_share = 0.7;
  return out;
}

std::string describe_choice(const ModelChoice& choice) {
  std::string out = "chose " + choice.model + " by quality on held-out rows (" + std::to_string(choice.splits) +
                    " split" + (choice.splits == 1 ? "" : "s") + "):";
  for (const auto& c : choice.candidates) {
    out += " " + c.model + " " + (c.note.empty() || c.eligible ? fmt::format("{:.3f}", c.quality) : "-");
    if (!c.eligible) out += " (left out: " + c.note + ")";
    out += ";";
  }
  out.pop_back();
  return out;
}

// Fails early, before hours of work, when the output cannot fit on its disk.
void check_disk_space(const std::string& path, double bytes_per_row, int64_t rows) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) parent = ".";
  const auto space = std::filesystem::space(parent, ec);
  if (ec) return;  // unknown: let the writes themselves report a full disk
  const double needed = bytes_per_row * static_cast<double>(rows);
  if (needed > static_cast<double>(space.available))
    throw Error(ErrorKind::Resource,
                fmt::format("{}: {} rows need about {:.1f} GB, but only {:.1f} GB are free there", path, rows,
                            needed / 1e9, static_cast<double>(space.available) / 1e9));
}

}  // namespace

int64_t Shard::first(int64_t total) const {
  return static_cast<int64_t>((static_cast<__int128>(total) * (index - 1)) / count);
}
int64_t Shard::last(int64_t total) const {
  return static_cast<int64_t>((static_cast<__int128>(total) * index) / count);
}

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  Shard shard;
  auto parse = [&](std::string_view part, int64_t& out) {
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && ptr == part.data() + part.size();
  };
  if (slash == std::string::npos || !parse(std::string_view(text).substr(0, slash), shard.index) ||
      !parse(std::string_view(text).substr(slash + 1), shard.count) || shard.count < 1 ||
      shard.index < 1 || shard.index > shard.count)
    throw usage_error("--shard expects i/K with 1 <= i <= K (e.g. --shard 2/8), got '" + text +
                      "'");
  return shard;
}

PreparedInput prepare_csv(const std::string& path, const SynthesisOptions& options) {
  RawTable raw = read_csv(path, options.csv);
  PreparedInput out;
  out.input_rows = raw.rows();
  out.schema = infer_schema(raw, options.overrides);
  Table typed = to_table(raw, out.schema);
  raw = RawTable{};  // the text is no longer needed; free it before cleaning
  out.prepared = clean(std::move(typed), out.schema, options.clean, path);
  return out;
}

FittedModel::FittedModel() = default;
FittedModel::~FittedModel() = default;
FittedModel::FittedModel(FittedModel&&) noexcept = default;
FittedModel& FittedModel::operator=(FittedModel&&) noexcept = default;

FittedModel FittedModel::fit_csv(const std::string& path, const SynthesisOptions& options) {
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
    throw Error(ErrorKind::Input, "need at least 2 rows to learn from, got " +
                                      std::to_string(prepared.rows()));
  if (options.model == "auto") {
    const ModelChoice choice = choose_model(prepared, options.fit);
    SynthesisOptions chosen = options;
    chosen.model = choice.model;
    FittedModel model = fit_table(prepared, chosen);
    model.report_.settings["auto"] = describe_choice(choice);
    return model;
  }
  FittedModel model;
  model.model_name_ = options.model;
  model.synthesizer_ = ModelRegistry::instance().create(options.model);
  model.pipeline_.fit(prepared, pipeline_options_for(options));
  model.training_rows_ = prepared.rows();
  model.fit_seed_ = options.fit.seed;
  for (const auto& column : prepared.columns)
    model.schema_.columns.push_back({column.name,
                                     column.type == ColumnType::Categorical ? ColumnRole::Categorical
                                     : column.type == ColumnType::Integer   ? ColumnRole::Integer
                                     : column.type == ColumnType::Datetime  ? ColumnRole::Datetime
                                                                            : ColumnRole::Float,
                                     "", column.datetime_format, false});
  for (int64_t r = 0; r < prepared.rows(); ++r) model.real_row_hashes_.push_back(row_hash(prepared, r));
  std::sort(model.real_row_hashes_.begin(), model.real_row_hashes_.end());
  model.real_row_hashes_.erase(std::unique(model.real_row_hashes_.begin(), model.real_row_hashes_.end()),
                               model.real_row_hashes_.end());
  const Matrix data = model.pipeline_.transform(prepared);
  const auto start = std::chrono::steady_clock::now();
  model.report_ = model.synthesizer_->fit(data, model.pipeline_.layout(), options.fit);
  model.report_.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return model;
}

void FittedModel::save(const std::string& path) const {
  ArchiveWriter out;
  const json meta = {{"model", model_name_},
                     {"training_rows", training_rows_},
                     {"fit_seed", fit_seed_},
                     {"synthtab_version", "0.1.0"}};
  out.put("meta", meta.dump());
  out.put("schema", schema_to_json(schema_).dump());
  out.put("preparation_log", json(log_.actions).dump());
  out.put("pipeline", pipeline_.save());
  out.put("fit_report", report_to_json(report_).dump());
  out.put("real_rows", hashes_to_bytes(real_row_hashes_));
  synthesizer_->save(out, "model/");
  out.write_file(path);
}

FittedModel FittedModel::load(const std::string& path) {
  const ArchiveReader in = ArchiveReader::read_file(path);
  FittedModel model;
  try {
    const json meta = json::parse(in.get("meta"));
    model.model_name_ = meta.at("model").get<std::string>();
    model.training_rows_ = meta.at("training_rows").get<int64_t>();
    model.fit_seed_ = meta.at("fit_seed").get<uint64_t>();
    model.schema_ = schema_from_json(json::parse(in.get("schema")), path);
    model.log_.actions = json::parse(in.get("preparation_log")).get<std::vector<std::string>>();
    model.report_ = report_from_json(json::parse(in.get("fit_report")));
  } catch (const json::exception& e) {
    throw Error(ErrorKind::ModelFile, path + ": malformed model metadata: " + e.what());
  }
  model.pipeline_.load(in.get("pipeline"));
  model.real_row_hashes_ = hashes_from_bytes(in.get("real_rows"), path);
  model.synthesizer_ = ModelRegistry::instance().create(model.model_name_);
  model.synthesizer_->load(in, "model/");
  return model;
}

bool FittedModel::is_real_row(const Table& table, int64_t row) const {
  return std::binary_search(real_row_hashes_.begin(), real_row_hashes_.end(), row_hash(table, row));
}

Table FittedModel::decode_block(int64_t block, uint64_t seed, std::vector<char>& status) const {
  const int64_t block_start = block * kSampleBlockRows;
  const Matrix rows = synthesizer_->sample(block_start, kSampleBlockRows, seed);
  Rng rng(derive_seed(seed, kInverseStream, static_cast<uint64_t>(block)));
  Table decoded = pipeline_.inverse(rows, rng);
  status.assign(static_cast<size_t>(decoded.rows()), kRowNew);
  if (allow_copies_ || real_row_hashes_.empty()) return decoded;
  std::vector<int64_t> copies;
  for (int64_t r = 0; r < decoded.rows(); ++r)
    if (is_real_row(decoded, r)) copies.push_back(r);
  // Decided on the whole block, so every shard that computes it decides alike.
  if (static_cast<int64_t>(copies.size()) * kDiscreteBlockShare > decoded.rows()) {
    for (int64_t r : copies) status[static_cast<size_t>(r)] = kRowCopyKept;
    return decoded;
  }
  for (int64_t r : copies) {
    bool replaced = false;
    for (int attempt = 1; attempt <= kMaxRedraws && !replaced; ++attempt) {
      // Row r's redraw depends only on (seed, r, attempt).
      const uint64_t redraw_seed = derive_seed(seed, kRedrawStream, static_cast<uint64_t>(attempt));
      const Matrix again = synthesizer_->sample(block_start + r, 1, redraw_seed);
      Rng redraw_rng(derive_seed(redraw_seed, kInverseStream, static_cast<uint64_t>(block_start + r)));
      const Table row = pipeline_.inverse(again, redraw_rng);
      if (is_real_row(row, 0)) continue;
      copy_row(row, 0, decoded, r);
      replaced = true;
    }
    status[static_cast<size_t>(r)] = replaced ? kRowRedrawn : kRowCopyKept;
  }
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
  const int64_t first_block = first / kSampleBlockRows;
  const int64_t last_block = (first + count - 1) / kSampleBlockRows;
  std::vector<char> status;
  for (int64_t block = first_block; block <= last_block; ++block) {
    const Table decoded = decode_block(block, seed, status);
    const int64_t block_start = block * kSampleBlockRows;
    const int64_t from = std::max(first, block_start) - block_start;
    const int64_t to = std::min(first + count, block_start + kSampleBlockRows) - block_start;
    out.append(decoded.slice(from, to - from));
    if (stats == nullptr) continue;
    for (int64_t r = from; r < to; ++r) {
      stats->redrawn += status[static_cast<size_t>(r)] == kRowRedrawn;
      stats->unavoidable += status[static_cast<size_t>(r)] == kRowCopyKept;
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

SampleStats FittedModel::write_sample_csv(const std::string& path, int64_t rows, uint64_t seed,
                                          const Shard& shard, Progress* progress) const {
  SampleStats stats;
  if (rows < 0) throw usage_error("the number of rows must not be negative");
  NullProgress quiet;
  Progress& report = progress != nullptr ? *progress : quiet;
  const CsvWriteOptions format = output_format();
  const int64_t first = shard.first(rows);
  const int64_t last = shard.last(rows);
  AtomicFile file(path);
  std::string text;
  Table header = sample(0, 0, seed);
  append_csv_header(header, format, text);
  report.begin("sampling", last - first);
  for (int64_t begin = first; begin < last;) {
    // Stop at block boundaries so each call computes whole blocks once.
    const int64_t end = std::min(last, (begin / kSampleBlockRows + 1) * kSampleBlockRows);
    const Table part = sample(begin, end - begin, seed, &stats);
    const size_t before = text.size();
    append_csv_rows(part, 0, part.rows(), format, text);
    if (begin == first) check_disk_space(path, static_cast<double>(text.size() - before) / static_cast<double>(part.rows()),
                                         last - first);
    if (text.size() > (1u << 20)) {
      file.write(text);
      text.clear();
    }
    begin = end;
    report.update(begin - first, "");
  }
  file.write(text);
  file.commit();
  report.end();
  return stats;
}

}  // namespace synthtab
