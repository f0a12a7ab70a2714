#include "synthtab/cli/option_flags.hpp"

#include <map>

#include "synthtab/core/option_terms.hpp"

namespace synthtab::cli {

std::string flag_for(std::string_view name) {
  static const std::map<std::string_view, std::string_view> flags = {
      {"categorical", "--categorical"},
      {"color", "--color"},
      {"copies", "--copies"},
      {"datetime", "--datetime"},
      {"drop", "--drop"},
      {"holdout", "--holdout"},
      {"marginals", "--marginals"},
      {"max_memory", "--max-memory"},
      {"missing", "--missing"},
      {"numeric", "--numeric"},
      {"report", "generate --report"},
      {"response", "--response"},
      {"shard", "--shard"},
      {"smoothing", "--smoothing"},
      {"spend", "--spend"},
      {"target", "--target"},
      {"task", "--task"},
      {"time", "--time"},
      {"x", "--x"},
      {"y", "--y"},
  };
  const auto it = flags.find(name);
  return it == flags.end() ? std::string() : std::string(it->second);
}

std::string in_cli_terms(std::string_view text) { return rename_options(text, flag_for); }

}  // namespace synthtab::cli
