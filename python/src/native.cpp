// synthtab._native: the library's jobs for the Python package (python/synthtab/), which turns
// data frames into the column payloads read here and back. Everything long runs on a worker
// thread without the GIL, while the calling thread shows progress and answers Ctrl-C.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <exception>
#include <memory>
#include <mutex>

#include "frame_columns.hpp"
#include "released_work.hpp"
#include "synthtab/core/atomic_file.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/memory_limit.hpp"
#include "synthtab/engine/model_sections.hpp"
#include "synthtab/engine/option_values.hpp"
#include "synthtab/engine/planned_spend.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/engine/validation.hpp"
#include "synthtab/eval/evaluate.hpp"
#include "synthtab/eval/evaluation_input.hpp"
#include "synthtab/marketing/curve_report.hpp"
#include "synthtab/models/gaussian_copula.hpp"
#include "synthtab/models/registry.hpp"
#include "synthtab/report/curve_page.hpp"
#include "synthtab/report/report.hpp"
#include "synthtab/table/csv_writer.hpp"
#include "synthtab/table/value_parse.hpp"

namespace py = pybind11;
using nlohmann::json;

namespace synthtab::python {
namespace {

// --- options ---------------------------------------------------------------------------------

// Keyword arguments as the CLI's text: numbers and choices by the model's schema.
std::map<std::string, std::string> parameter_text(const py::dict& parameters) {
  std::map<std::string, std::string> text;
  for (const auto& [key, value] : parameters) {
    const auto name = py::cast<std::string>(key);
    if (py::isinstance<py::bool_>(value))
      throw usage_error("parameter `" + name + "` expects a number or a name, not True or False");
    text[name] = py::cast<std::string>(py::str(value));
  }
  return text;
}

SchemaOverrides overrides_from(const py::dict& options) {
  SchemaOverrides overrides;
  auto names = [&](const char* key) {
    return options.contains(key) ? options[key].cast<std::vector<std::string>>() : std::vector<std::string>{};
  };
  overrides.categorical = names("categorical");
  overrides.numeric = names("numeric");
  overrides.datetime = names("datetime");
  overrides.drop = names("drop");
  return overrides;
}

template <typename T>
T get_or(const py::dict& options, const char* key, T fallback) {
  return options.contains(key) && !options[key].is_none() ? options[key].cast<T>() : fallback;
}

// --- the fitted model ------------------------------------------------------------------------

// Values every drawn row holds: (column, value as text) pairs.
using Given = std::vector<std::pair<std::string, std::string>>;

std::vector<Condition> conditions(const Given& given) {
  std::vector<Condition> out;
  for (const auto& [column, value] : given) out.push_back({column, value});
  return out;
}

class Model {
 public:
  explicit Model(FittedModel model) : model_(std::move(model)) {}

  FittedModel& get() { return model_; }

  // The curve's what-if: this model's rows at planned spends, one draw at a time like sample().
  marketing::PlannedSpends planned_spends(const Table& real, const marketing::CurveOptions& options,
                                          const std::vector<PlannedValue>& plan) {
    const std::lock_guard lock(*sampling_);
    return draw_at_planned_spends(model_, real, options.spend, options.response, kPlannedSpendRows, options.seed, plan);
  }

  py::list sample(int64_t first, int64_t count, uint64_t seed, const std::string& copies, const Given& given,
                  py::dict stats_out, const py::object& show) {
    if (count < 0) throw usage_error("the number of rows must be >= 0, got " + std::to_string(count));
    const CopyPolicy policy = parse_copy_policy(copies);
    // In blocks: progress and Ctrl-C are answered between them; any split gives the same rows.
    const int64_t block = std::max<int64_t>(sample_block_rows(model_.pipeline().width()) * 16, 1);
    SampleStats stats;
    double seconds = 0.0;
    Table rows = run_released<Table>(show, [&](SharedProgress& progress) {
      // Python threads may share a model: one sample at a time sets its copy policy and draws.
      const std::lock_guard lock(*sampling_);
      model_.set_copy_policy(policy);
      model_.set_conditions(conditions(given));
      const auto start = std::chrono::steady_clock::now();
      progress.begin("sampling", count);
      Table all = model_.sample(first, std::min(block, count), seed, &stats);
      for (int64_t done = std::min(block, count); done < count; done += block) {
        progress.update(done, "");
        SampleStats part;
        all.append(model_.sample(first + done, std::min(block, count - done), seed, &part));
        stats.add(part);
      }
      progress.end();
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return all;
    });
    stats_out["seconds"] = seconds;  // the library's own time, for bench/python_bench.py
    stats_out["redrawn"] = stats.redrawn;
    stats_out["unavoidable"] = stats.unavoidable;
    stats_out["allowed"] = stats.allowed;
    return columns_out(std::move(rows));
  }

  // Shard `index` of `count` of a `rows`-row sample as CSV, written atomically: the bytes of
  // `synthtab sample --shard index/count`.
  py::dict write_csv(const std::string& path, int64_t rows, uint64_t seed, const std::string& copies,
                     const Given& given, int64_t index, int64_t count, const py::object& show) {
    const CopyPolicy policy = parse_copy_policy(copies);
    const Shard shard = parse_shard(std::to_string(index) + "/" + std::to_string(count));
    const SampleStats stats = run_released<SampleStats>(show, [&](SharedProgress& progress) {
      const std::lock_guard lock(*sampling_);
      model_.set_copy_policy(policy);
      model_.set_conditions(conditions(given));
      return model_.write_sample_csv(path, rows, seed, shard, &progress);
    });
    py::dict out;
    out["redrawn"] = stats.redrawn;
    out["unavoidable"] = stats.unavoidable;
    out["allowed"] = stats.allowed;
    return out;
  }

  py::bytes to_bytes() const { return py::bytes(model_.to_bytes()); }

  // synthtab.dask.fit's second pass: the copula's dependence sums over a frame's rows (one
  // partition), and the dependence fitted again from their total.
  py::array_t<double> dependence_sums(const py::list& columns, const std::string& source, uint64_t part) const {
    const FrameTable frame = frame_table(source, columns);
    std::vector<double> sums;
    {
      py::gil_scoped_release release;
      sums = model_.dependence_sums(frame.raw, part).to_vector();
    }
    return py::array_t<double>(static_cast<py::ssize_t>(sums.size()), sums.data());
  }

  void refit_dependence(const py::array_t<double, py::array::c_style | py::array::forcecast>& sums) {
    const std::lock_guard lock(*sampling_);
    model_.refit_dependence(DependenceSums::from_vector(
        std::span<const double>(sums.data(), static_cast<size_t>(sums.size())), model_.pipeline().width()));
  }

  // What the model is: its name, parameters, settings, schema and preparation log.
  py::dict info() const {
    py::dict out;
    out["model"] = model_.model_name();
    out["training_rows"] = model_.training_rows();
    out["seed"] = model_.fit_seed();
    out["parameters"] = py::module_::import("json").attr("loads")(parameters_to_json(model_.parameters()).dump());
    out["settings"] = model_.fit_report().settings;
    out["fit_seconds"] = model_.fit_report().seconds;
    out["preparation"] = model_.preparation_log().actions;
    py::list columns;
    for (const ColumnSchema& column : model_.schema().columns) {
      py::dict entry;
      entry["name"] = column.name;
      entry["role"] = to_string(column.role);
      entry["reason"] = column.reason;
      entry["forced"] = column.forced;
      columns.append(entry);
    }
    out["columns"] = columns;
    out["rules"] = model_.rules().describe();
    return out;
  }

  const std::string& front_end_data() const { return model_.front_end_data(); }

 private:
  FittedModel model_;
  std::unique_ptr<std::mutex> sampling_ = std::make_unique<std::mutex>();
};

SynthesisOptions synthesis_options(const std::string& model, uint64_t seed, const py::dict& parameters,
                                   const py::dict& options) {
  SynthesisOptions out;
  out.model = model;
  out.fit.seed = seed;
  out.fit.threads = get_or<int>(options, "threads", 0);
  out.overrides = overrides_from(options);
  out.missing = parse_missing_values(get_or<std::string>(options, "missing", "auto"));
  out.clean.expand_datetimes = get_or<bool>(options, "expand_dates", false);
  out.rules.declared = get_or<std::vector<std::string>>(options, "constraints", {});
  out.rules.find = get_or<bool>(options, "find_constraints", true);
  out.rules.dropped = get_or<std::vector<int64_t>>(options, "drop_constraints", {});
  if (parameters.size() > 0) out.fit.parameters = parse_model_parameters(model, parameter_text(parameters));
  out.max_memory = get_or<uint64_t>(options, "max_memory", 0);
  check_model_parameters(out);
  return out;
}

// A table to learn from: a CSV path (the library reads it, as the CLI does) or a frame's columns.
struct LearningInput {
  std::optional<FrameTable> frame;
  std::string path;
};

LearningInput learning_input(const py::object& data, const py::dict& options) {
  LearningInput input;
  if (py::isinstance<py::str>(data))
    input.path = data.cast<std::string>();
  else
    input.frame = frame_table(get_or<std::string>(options, "source", "data frame"), data.cast<py::list>());
  return input;
}

Model fit(const py::object& data, const std::string& model, uint64_t seed, const py::dict& parameters,
          const py::dict& options, const std::string& front_end_data, const py::object& show) {
  SynthesisOptions synthesis = synthesis_options(model, seed, parameters, options);
  LearningInput table = learning_input(data, options);
  FittedModel fitted = run_released<FittedModel>(show, [&](SharedProgress& progress) {
    synthesis.fit.progress = &progress;
    if (!table.frame) return FittedModel::fit_csv(table.path, synthesis);
    const PreparedInput input = prepare_raw(std::move(table.frame->raw), synthesis);
    progress.stop_if_asked();
    return FittedModel::fit_prepared(input, synthesis);
  });
  fitted.set_front_end_data(front_end_data);
  return Model(std::move(fitted));
}

// Cross-fitted validation of the model `model` names on a table (a CSV path or a frame's columns):
// the JSON of `synthtab validate --json`.
std::string validate_table(const py::object& data, const std::string& model, uint64_t seed, const py::dict& parameters,
                           const py::dict& options, const py::object& show) {
  SynthesisOptions synthesis = synthesis_options(model, seed, parameters, options);
  LearningInput table = learning_input(data, options);
  eval::ValidationOptions validation;
  validation.target = get_or<std::string>(options, "target", "");
  validation.task = parse_task(get_or<std::string>(options, "task", ""));
  validation.folds = get_or<int>(options, "folds", 5);
  validation.repeats = get_or<int>(options, "repeats", 0);
  validation.rows = get_or<int64_t>(options, "rows", 0);
  validation.seed = seed;
  validation.threads = synthesis.fit.threads;
  return run_released<std::string>(show, [&](SharedProgress& progress) {
    validation.progress = &progress;
    const PreparedInput input =
        table.frame ? prepare_raw(std::move(table.frame->raw), synthesis) : prepare_csv(table.path, synthesis);
    return eval::to_json(validate(input.prepared.table, synthesis, validation)).dump();
  });
}

Model load(const std::string& path, uint64_t memory_limit) {
  py::gil_scoped_release release;
  return Model(FittedModel::load(path, memory_limit));
}

Model from_bytes(const py::bytes& bytes, const std::string& source) {
  std::string copy = bytes;
  py::gil_scoped_release release;
  return Model(FittedModel::from_bytes(copy, source));
}

// --- evaluation, report, response curves ------------------------------------------------------

eval::EvaluationInput evaluation_tables(const py::object& real, const py::object& synthetic, const py::object& holdout,
                                        const py::dict& options) {
  const FrameTable real_table = table_input(real, "real");
  const FrameTable synthetic_table = table_input(synthetic, "synthetic");
  std::optional<FrameTable> holdout_table;
  if (!holdout.is_none()) holdout_table = table_input(holdout, "holdout");
  return eval::evaluation_input(real_table.raw, synthetic_table.raw, holdout_table ? &holdout_table->raw : nullptr,
                                overrides_from(options));
}

template <typename Options>
void set_shared_evaluation_options(Options& out, const py::dict& options) {
  out.target = get_or<std::string>(options, "target", "");
  out.task = parse_task(get_or<std::string>(options, "task", ""));
  out.seed = get_or<uint64_t>(options, "seed", 42);
  out.threads = get_or<int>(options, "threads", 0);
  out.permutations = get_or<int>(options, "permutations", 200);
  out.memory_limit = get_or<uint64_t>(options, "max_memory", 0);
}

// Every figure, as the CLI's --json has them (a JSON text).
std::string evaluate(const py::object& real, const py::object& synthetic, const py::object& holdout,
                     const py::dict& options, const py::object& show) {
  eval::EvaluationInput input = evaluation_tables(real, synthetic, holdout, options);
  eval::EvaluateOptions evaluate_options;
  set_shared_evaluation_options(evaluate_options, options);
  evaluate_options.geometry = get_or<bool>(options, "geometry", false);
  evaluate_options.topology = get_or<bool>(options, "topology", false);
  evaluate_options.raw = get_or<bool>(options, "raw", false);
  evaluate_options.topology_points = get_or<int64_t>(options, "topology_points", 0);
  evaluate_options.mmd_seed_compatible = get_or<bool>(options, "mmd_seed_compatible", false);
  return run_released<std::string>(show, [&](SharedProgress& progress) {
    evaluate_options.progress = &progress;
    eval::Evaluation evaluation =
        eval::evaluate(input.real, input.synthetic, evaluate_options, input.holdout ? &*input.holdout : nullptr);
    evaluation.notes.insert(evaluation.notes.begin(), input.notes.begin(), input.notes.end());
    return eval::to_json(evaluation).dump();
  });
}

// The HTML page.
std::string report_html(const py::object& real, const py::object& synthetic, const py::object& holdout,
                        const py::dict& options, const py::object& show) {
  eval::EvaluationInput input = evaluation_tables(real, synthetic, holdout, options);
  report::ReportOptions report_options;
  set_shared_evaluation_options(report_options, options);
  report_options.geometry = get_or<bool>(options, "geometry", true);
  report_options.topology = get_or<bool>(options, "topology", true);
  report_options.topology_points = get_or<int64_t>(options, "topology_points", 300);
  report_options.real_name = get_or<std::string>(options, "real_name", "real");
  report_options.synthetic_name = get_or<std::string>(options, "synthetic_name", "synthetic");
  report_options.charts.x = get_or<std::string>(options, "x", "");
  report_options.charts.y = get_or<std::string>(options, "y", "");
  report_options.charts.color = get_or<std::string>(options, "color", "");
  return run_released<std::string>(show, [&](SharedProgress& progress) {
    report_options.progress = &progress;
    const report::ReportInput page =
        report::prepare_report(std::move(input.real), std::move(input.synthetic), report_options, std::nullopt,
                               std::move(input.notes), std::move(input.holdout));
    return report::render_html(page);
  });
}

// The response-curve analysis as a JSON text, and its plain-text summary.
// The figures as JSON, the text summary, and the S-curve page (also written to options["report"]
// when it names a file).
std::tuple<std::string, std::string, std::string> curve(const py::object& data, const py::object& synthetic,
                                                        const py::object& model, const py::dict& options,
                                                        const py::object& show) {
  marketing::CurveOptions curve_options;
  curve_options.spend = options["spend"].cast<std::vector<std::string>>();
  curve_options.response = options["response"].cast<std::string>();
  curve_options.time = get_or<std::string>(options, "time", "");
  curve_options.adstock = marketing::parse_adstock(get_or<std::string>(options, "adstock", "auto"));
  curve_options.shape = marketing::parse_curve_shape(get_or<std::string>(options, "shape", "auto"));
  curve_options.kind = marketing::parse_response_kind(get_or<std::string>(options, "response_kind", "auto"));
  curve_options.trend = marketing::parse_trend(get_or<std::string>(options, "trend", "auto"));
  curve_options.seasonality = marketing::parse_seasonality(get_or<std::string>(options, "seasonality", "auto"));
  curve_options.period = get_or<double>(options, "period", 0.0);
  curve_options.controls = get_or<std::vector<std::string>>(options, "controls", {});
  curve_options.payback_periods = get_or<double>(options, "payback", 12.0);
  curve_options.ridge = marketing::parse_ridge(get_or<std::string>(options, "ridge", "none"));
  curve_options.bootstrap = get_or<int>(options, "bootstrap", 500);
  curve_options.marginal_step = get_or<double>(options, "step", 1000.0);
  curve_options.seed = get_or<uint64_t>(options, "seed", 42);
  curve_options.threads = get_or<int>(options, "threads", 0);
  std::optional<double> budget;
  if (options.contains("budget") && !options["budget"].is_none()) budget = options["budget"].cast<double>();
  const Table real = marketing::curve_table(table_input(data, "data").raw, curve_options);
  std::optional<Table> synthetic_table;
  if (!synthetic.is_none())
    synthetic_table = marketing::curve_table(table_input(synthetic, "synthetic").raw, curve_options);
  const std::string report_path = get_or<std::string>(options, "report", "");
  if (!report_path.empty()) check_writable(report_path);
  Model* planned_model = model.is_none() ? nullptr : &model.cast<Model&>();
  std::vector<PlannedValue> plan;
  for (const auto& text : get_or<std::vector<std::string>>(options, "plan", {}))
    plan.push_back(parse_planned_value(text, curve_options.spend));
  return run_released<std::tuple<std::string, std::string, std::string>>(show, [&](SharedProgress&) {
    marketing::CurveReport result =
        marketing::analyse_response(real, synthetic_table ? &*synthetic_table : nullptr, curve_options, budget);
    if (planned_model) result.planned = planned_model->planned_spends(real, curve_options, plan);
    report::CurvePageOptions page;
    page.real_name = "data";
    page.synthetic_name = "synthetic";
    std::string html = report::render_curve_html(result, real, synthetic_table ? &*synthetic_table : nullptr, page);
    if (!report_path.empty()) write_file_atomically(report_path, html);
    return std::tuple{marketing::to_json(result).dump(), marketing::format_report(result), std::move(html)};
  });
}

// The registry: every model with its parameters (name, type, help, default, expected values).
py::list models() {
  py::list out;
  auto& registry = ModelRegistry::instance();
  for (const ModelTraits& traits : registry.list()) {
    py::list parameters;
    for (const ParameterSpec& spec : traits.parameters) {
      py::dict parameter;
      parameter["name"] = spec.name;
      parameter["type"] = spec.type == ParameterType::Integer ? "integer"
                          : spec.type == ParameterType::Real  ? "number"
                                                              : "choice";
      parameter["help"] = spec.help;
      parameter["default"] = spec.default_value;
      parameter["expected"] = spec.expected();
      parameters.append(parameter);
    }
    py::dict model;
    model["name"] = traits.name;
    model["description"] = traits.description;
    model["needs_torch"] = traits.needs_torch;
    model["parameters"] = parameters;
    out.append(model);
  }
  return out;
}

void write_text_atomically(const std::string& path, const std::string& text) {
  py::gil_scoped_release release;
  write_file_atomically(path, text);
}

}  // namespace
}  // namespace synthtab::python

PYBIND11_MODULE(_native, m) {
  using namespace synthtab;
  using namespace synthtab::python;
  m.doc() = "synthtab's C++ library; use the synthtab package, not this module.";

  static py::exception<Error> model_file_error(m, "ModelFileError", PyExc_ValueError);
  // The library's errors as Python's: bad data or options are ValueErrors, files OSErrors, model
  // files ModelFileErrors, limits MemoryErrors; the one-line message is kept.
  py::register_exception_translator([](std::exception_ptr failure) {
    try {
      if (failure) std::rethrow_exception(failure);
    } catch (const Error& e) {
      switch (e.kind()) {
        case ErrorKind::ModelFile:
          PyErr_SetString(model_file_error.ptr(), e.what());
          return;
        case ErrorKind::Output:
          PyErr_SetString(PyExc_OSError, e.what());
          return;
        case ErrorKind::Resource:
          PyErr_SetString(PyExc_MemoryError, e.what());
          return;
        case ErrorKind::Interrupted:
          PyErr_SetString(PyExc_KeyboardInterrupt, e.what());
          return;
        case ErrorKind::Usage:
        case ErrorKind::Input:
          PyErr_SetString(PyExc_ValueError, e.what());
          return;
      }
      PyErr_SetString(PyExc_RuntimeError, e.what());
    }
  });

  py::class_<Model>(m, "Model")
      .def("sample", &Model::sample)
      .def("write_csv", &Model::write_csv)
      .def("to_bytes", &Model::to_bytes)
      .def("dependence_sums", &Model::dependence_sums)
      .def("refit_dependence", &Model::refit_dependence)
      .def("info", &Model::info)
      .def("front_end_data", &Model::front_end_data)
      .def("set_front_end_data", [](Model& self, const std::string& data) { self.get().set_front_end_data(data); })
      .def("save", [](Model& self, const std::string& path) {
        py::gil_scoped_release release;
        self.get().save(path);
      });
  m.def("fit", &fit);
  m.def("load", &load);
  m.def("from_bytes", &from_bytes);
  m.def("evaluate", &evaluate);
  m.def("validate", &validate_table);
  m.def("report", &report_html);
  m.def("curve", &curve);
  m.def("models", &models);
  m.def("write_text", &write_text_atomically);
  m.def("memory_limit", [](const py::object& value) -> uint64_t {
    if (value.is_none()) return default_memory_limit();
    if (py::isinstance<py::str>(value)) return parse_memory_size(value.cast<std::string>());
    const auto bytes = value.cast<int64_t>();
    if (bytes <= 0) throw usage_error("`max_memory` expects a size > 0, e.g. 4G, 500M or a number of bytes");
    return static_cast<uint64_t>(bytes);
  });
  m.def("sampling_seed", [](uint64_t seed) { return sampling_seed(seed); });
}
