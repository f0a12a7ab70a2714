#include "synthtab/models/synthesizer.hpp"

#include <chrono>
#include <stdexcept>

#include <fmt/format.h>

#include "synthtab/models/registry.hpp"

namespace synthtab {

FitReport Synthesizer::fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) {
  if (data.rows < 2 || data.cols < 1)
    throw Error(ErrorKind::Input,
                fmt::format("{} needs at least 2 rows and 1 column, got {} x {}", name(), data.rows, data.cols));
  if (static_cast<int64_t>(layout.size()) != data.cols)
    throw Error(ErrorKind::Usage,
                fmt::format("{}: {} model columns but a layout of {}", name(), data.cols, layout.size()));
  // A model with nothing given needs no registry entry (a test's stand-in model).
  if (!options.parameters.empty())
    check_parameters(name(), ModelRegistry::instance().traits(name()).parameters, options.parameters);
  const auto start = std::chrono::steady_clock::now();
  FitReport report = do_fit(data, layout, options);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

Matrix Synthesizer::sample(int64_t first_row, int64_t count, uint64_t seed) const {
  if (first_row < 0 || count < 0)
    throw std::logic_error(fmt::format("{}: rows [{}, +{}) asked for", name(), first_row, count));
  Matrix rows = do_sample(first_row, count, seed);
  if (rows.rows != count) throw std::logic_error(fmt::format("{} drew {} rows, not {}", name(), rows.rows, count));
  return rows;
}

Matrix Synthesizer::sample_given(int64_t first_row, int64_t count, uint64_t seed,
                                 const std::vector<GivenValue>& given) const {
  if (first_row < 0 || count < 0)
    throw std::logic_error(fmt::format("{}: rows [{}, +{}) asked for", name(), first_row, count));
  Matrix rows = given.empty() ? do_sample(first_row, count, seed) : do_sample_given(first_row, count, seed, given);
  if (rows.rows != count) throw std::logic_error(fmt::format("{} drew {} rows, not {}", name(), rows.rows, count));
  return rows;
}

Matrix Synthesizer::do_sample_given(int64_t, int64_t, uint64_t, const std::vector<GivenValue>&) const {
  throw usage_error(fmt::format("the {} model cannot draw rows given some of their values; the copula can", name()));
}

}  // namespace synthtab
