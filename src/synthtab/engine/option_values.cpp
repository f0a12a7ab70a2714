#include "synthtab/engine/option_values.hpp"

#include <charconv>
#include <string_view>

#include "synthtab/core/error.hpp"

namespace synthtab {

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  Shard shard;
  auto parse = [&](std::string_view part, int64_t& out) {
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && ptr == part.data() + part.size();
  };
  if (slash == std::string::npos || !parse(std::string_view(text).substr(0, slash), shard.index) ||
      !parse(std::string_view(text).substr(slash + 1), shard.count) || shard.count < 1 || shard.index < 1 ||
      shard.index > shard.count)
    throw usage_error("`shard` expects i/K with 1 <= i <= K (e.g. 2/8), got '" + text + "'");
  return shard;
}

CopyPolicy parse_copy_policy(const std::string& text) {
  if (text == "holdout") return CopyPolicy::Holdout;
  if (text == "never") return CopyPolicy::Never;
  if (text == "allow") return CopyPolicy::Allow;
  throw usage_error("`copies` expects holdout, never or allow, got '" + text + "'");
}

const char* copy_policy_name(CopyPolicy policy) {
  return policy == CopyPolicy::Holdout ? "holdout" : policy == CopyPolicy::Never ? "never" : "allow";
}

MissingValues parse_missing_values(const std::string& text) {
  if (text == "auto") return MissingValues::Auto;
  if (text == "model") return MissingValues::Model;
  if (text == "fill") return MissingValues::Fill;
  throw usage_error("`missing` expects model, fill or auto, got '" + text + "'");
}

Marginals parse_marginals(const std::string& text) {
  if (text == "empirical") return Marginals::Empirical;
  if (text == "parametric") return Marginals::Parametric;
  throw usage_error("`marginals` expects empirical or parametric, got '" + text + "'");
}

Smoothing parse_smoothing(const std::string& text) {
  if (text == "density") return Smoothing::Density;
  if (text == "none") return Smoothing::None;
  throw usage_error("`smoothing` expects density or none, got '" + text + "'");
}

std::optional<Task> parse_task(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text == "regression") return Task::Regression;
  if (text == "classification") return Task::Classification;
  throw usage_error("`task` expects regression or classification, got '" + text + "'");
}

}  // namespace synthtab
