// FittedModel's file form: every section written, and read back as untrusted input (each
// checked, then all of them against each other).
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>

#include "synthtab/core/error.hpp"
#include "synthtab/core/json_checks.hpp"
#include "synthtab/engine/model_sections.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {

using json = nlohmann::json;

void FittedModel::save(const std::string& path) const { archive().write_file(path); }

std::string FittedModel::to_bytes() const { return archive().serialize(); }

FittedModel FittedModel::load(const std::string& path, uint64_t memory_limit) {
  return from_archive(ArchiveReader::read_file(path, memory_limit));
}

FittedModel FittedModel::from_bytes(std::string_view bytes, const std::string& source) {
  return from_archive(ArchiveReader::parse(bytes, source));
}

ArchiveWriter FittedModel::archive() const {
  ArchiveWriter out;
  const json meta = {{"model", model_name_},
                     {"training_rows", training_rows_},
                     {"fit_seed", fit_seed_},
                     {"parameters", parameters_to_json(parameters_)},
                     {"synthtab_version", "0.1.0"}};
  out.put("meta", meta.dump());
  out.put("schema", schema_to_json(schema_).dump());
  out.put("preparation_log", json(log_.actions).dump());
  out.put("pipeline", pipeline_.save());
  out.put("fit_report", report_to_json(report_).dump());
  out.put("real_rows", hashes_to_bytes(real_row_hashes_));
  out.put("repeated_rows", hashes_to_bytes(repeated_row_hashes_));
  out.put("copy_allowance", json(copy_allowance_).dump());
  out.put("fingerprint_version", json(fingerprint_version_).dump());
  if (!front_end_data_.empty()) out.put("front_end", front_end_data_);
  if (!rules_.empty()) out.put("rules", rules_.save());
  synthesizer_->save(out, "model/");
  return out;
}

FittedModel FittedModel::from_archive(const ArchiveReader& in) {
  const std::string& path = in.source();
  FittedModel model;
  const SectionCheck meta_check{path, "meta"};
  meta_check.guard([&] {
    const json meta = meta_check.parse_object(in.get("meta"));
    model.model_name_ = meta_check.string(meta, "model");
    model.training_rows_ = meta_check.integer(meta, "training_rows", 2, std::numeric_limits<int64_t>::max());
    model.fit_seed_ = meta_check.unsigned_integer(meta, "fit_seed");
    // Files written before parameters were stored have none.
    if (meta.contains("parameters")) model.parameters_ = parameters_from_json(meta["parameters"], meta_check);
  });
  const SectionCheck schema_check{path, "schema"};
  schema_check.guard(
      [&] { model.schema_ = schema_from_json(schema_check.parse_object(in.get("schema")), schema_check); });
  const SectionCheck log_check{path, "preparation_log"};
  log_check.guard([&] {
    const json log = log_check.parse(in.get("preparation_log"));
    if (!log.is_array()) log_check.fail("not a list");
    for (const auto& line : log) {
      if (!line.is_string()) log_check.fail("holds something that is not a string");
      model.log_.actions.push_back(line.get<std::string>());
    }
  });
  const SectionCheck report_check{path, "fit_report"};
  report_check.guard(
      [&] { model.report_ = report_from_json(report_check.parse_object(in.get("fit_report")), report_check); });
  const SectionCheck pipeline_check{path, "pipeline"};
  pipeline_check.guard([&] { model.pipeline_.load(in.get("pipeline")); });
  if (model.pipeline_.width() < 1) pipeline_check.fail("it has no columns");
  // Files written before rules were kept have none.
  if (in.has("rules"))
    model.rules_ = RuleSet::load(in.get("rules"), SectionCheck{path, "rules"}, model.pipeline_.prototype());
  model.real_row_hashes_ = hashes_from_bytes(in.get("real_rows"), SectionCheck{path, "real_rows"});
  // Files written before the holdout rule have neither section: every copy is then redrawn.
  if (in.has("repeated_rows")) {
    const SectionCheck repeated_check{path, "repeated_rows"};
    model.repeated_row_hashes_ = hashes_from_bytes(in.get("repeated_rows"), repeated_check);
    for (uint64_t hash : model.repeated_row_hashes_)
      if (!std::binary_search(model.real_row_hashes_.begin(), model.real_row_hashes_.end(), hash))
        repeated_check.fail("a repeated row's fingerprint is not among the training rows'");
    const SectionCheck allowance_check{path, "copy_allowance"};
    allowance_check.guard([&] {
      const json allowance = allowance_check.parse(in.get("copy_allowance"));
      if (!allowance.is_number() || !std::isfinite(allowance.get<double>()) || allowance.get<double>() < 0 ||
          allowance.get<double>() > 1)
        allowance_check.fail("expected a share between 0 and 1");
      model.copy_allowance_ = allowance.get<double>();
    });
    if (model.repeated_row_hashes_.empty() && model.copy_allowance_ > 0)
      allowance_check.fail("a share of copies is allowed, but no training row is repeated");
  }
  model.fingerprint_version_ = 1;  // files before the section
  if (in.has("fingerprint_version")) {
    const SectionCheck version_check{path, "fingerprint_version"};
    version_check.guard([&] {
      const json version = version_check.parse(in.get("fingerprint_version"));
      if (!version.is_number_integer() || version.get<int64_t>() != 2) version_check.fail("expected 2");
      model.fingerprint_version_ = 2;
    });
  }
  if (in.has("front_end")) model.front_end_data_ = in.get("front_end");
  try {
    model.synthesizer_ = ModelRegistry::instance().create(model.model_name_);
  } catch (const Error& e) {
    // A name no build knows is damage; a plugin model without the plugin is not.
    if (std::string(e.what()).rfind("unknown model", 0) == 0) meta_check.fail("'model': " + std::string(e.what()));
    throw;
  }
  try {
    check_parameters(model.model_name_, ModelRegistry::instance().traits(model.model_name_).parameters,
                     model.parameters_);
  } catch (const Error& e) {
    meta_check.fail("'parameters': " + std::string(e.what()));
  }
  // Synthesizers name their own sections in their messages; this names the usual one for the rest.
  const SectionCheck model_check{path, "model/" + model.model_name_};
  model_check.guard([&] { model.synthesizer_->load(in, "model/"); });
  model.check_consistent(path);
  return model;
}

// Sections that are each valid can still disagree (a pipeline from one model, weights from
// another); one drawn row shows it cheaply, before any output is opened.
void FittedModel::check_consistent(const std::string& path) const {
  const SectionCheck check{path, "model/" + model_name_};
  Matrix row;
  check.guard([&] { row = synthesizer_->sample(0, 1, fit_seed_); });
  if (row.cols != pipeline_.width())
    check.fail("the model draws " + std::to_string(row.cols) + " values per row, but the pipeline expects " +
               std::to_string(pipeline_.width()));
  if (row.rows != 1) check.fail("the model drew " + std::to_string(row.rows) + " rows when asked for 1");
  for (int64_t c = 0; c < row.cols; ++c)
    if (!std::isfinite(row(0, c))) check.fail("a drawn row holds a value that is not finite");
  const SectionCheck pipeline_check{path, "pipeline"};
  pipeline_check.guard([&] {
    Rng rng(fit_seed_);
    const Table decoded = pipeline_.inverse(row, rng);
    if (decoded.rows() != 1) pipeline_check.fail("a drawn row does not decode to one row");
  });
}

}  // namespace synthtab
