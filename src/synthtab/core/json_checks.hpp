#pragma once
// Checked reading of a model file's JSON sections.
//
// A model file's checksum only proves that the bytes were not damaged in transit; a file edited
// by hand (or by a tool that recomputed the checksum) can still hold any JSON. Every loader reads
// its section through these helpers, so that whatever is wrong ends as ONE clean message:
//
//   FILE: model file section 'X' is invalid: <what>          (Error(ModelFile), exit code 4)
//
// and never as a raw nlohmann exception text. Usage:
//
//   const SectionCheck check{in.source(), "model/copula"};
//   const json state = check.parse(in.get("model/copula"));
//   const int64_t cols = check.integer(state, "columns", 1, 1'000'000);
//   const auto corr = check.finite_array(state, "correlation", cols * cols);
//   check.correlation_matrix(corr, cols, "correlation");
//
// Each check names the key it looked at, so the message says what was wrong where.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "synthtab/core/error.hpp"

namespace synthtab {

// Model files are untrusted input: JSON that nests deeper than this is refused before it is
// parsed (nlohmann's dump() recurses once per level: a section nested 100,000 levels deep
// overflowed the stack). synthtab's own sections nest at most 4 levels.
inline constexpr int kMaxJsonDepth = 64;

// True when JSON text nests arrays and objects deeper than `limit` (brackets inside strings
// do not count). A linear scan, so that a hostile section costs no more than its length.
inline bool json_nests_deeper_than(std::string_view text, int limit) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

// Parses untrusted JSON text; discarded when it is not valid JSON or nests deeper than
// kMaxJsonDepth (then *too_deep is set, when given).
inline nlohmann::json parse_untrusted_json(std::string_view text, bool* too_deep = nullptr) {
  const bool deep = json_nests_deeper_than(text, kMaxJsonDepth);
  if (too_deep != nullptr) *too_deep = deep;
  if (deep) return nlohmann::json(nlohmann::json::value_t::discarded);
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

// A JSON value as it may appear in an error message: its text, cut to 40 characters.
inline std::string json_excerpt(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

struct SectionCheck {
  std::string file;     // the model file, as the user named it
  std::string section;  // the archive section name, e.g. "model/copula"

  // The Error every failed check throws.
  Error invalid(const std::string& what) const {
    return Error(ErrorKind::ModelFile, file + ": model file section '" + section + "' is invalid: " + what);
  }
  [[noreturn]] void fail(const std::string& what) const { throw invalid(what); }

  // Parses the section's text; a JSON syntax error keeps only its byte position as the reason.
  nlohmann::json parse(const std::string& text) const {
    bool too_deep = false;
    nlohmann::json out = parse_untrusted_json(text, &too_deep);
    if (too_deep) fail("nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    if (out.is_discarded()) fail("not valid JSON");
    return out;
  }
  nlohmann::json parse_object(const std::string& text) const {
    nlohmann::json out = parse(text);
    if (!out.is_object()) fail("not a JSON object");
    return out;
  }

  // The member `key` of object `j` (which must be an object).
  const nlohmann::json& member(const nlohmann::json& j, const std::string& key) const {
    if (!j.is_object()) fail("'" + key + "' is looked up in something that is not an object");
    const auto it = j.find(key);
    if (it == j.end()) fail("'" + key + "' is missing");
    return *it;
  }
  const nlohmann::json& array(const nlohmann::json& j, const std::string& key) const {
    const auto& v = member(j, key);
    if (!v.is_array()) fail("'" + key + "' is not a list");
    return v;
  }
  const nlohmann::json& object(const nlohmann::json& j, const std::string& key) const {
    const auto& v = member(j, key);
    if (!v.is_object()) fail("'" + key + "' is not an object");
    return v;
  }
  std::string string(const nlohmann::json& j, const std::string& key) const {
    const auto& v = member(j, key);
    if (!v.is_string()) fail("'" + key + "' is not a string");
    return v.get<std::string>();
  }
  bool boolean(const nlohmann::json& j, const std::string& key) const {
    const auto& v = member(j, key);
    if (!v.is_boolean()) fail("'" + key + "' is not true or false");
    return v.get<bool>();
  }
  // An integer in [lo, hi] (a JSON number without fraction).
  int64_t integer(const nlohmann::json& j, const std::string& key, int64_t lo, int64_t hi) const {
    return integer_value(member(j, key), "'" + key + "'", lo, hi);
  }
  int64_t integer_value(const nlohmann::json& v, const std::string& what, int64_t lo, int64_t hi) const {
    if (!v.is_number_integer()) fail(what + " is not a whole number");
    const std::string range = ", expected " + std::to_string(lo) + ".." + std::to_string(hi);
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(hi))
      fail(what + " is " + json_excerpt(v) + range);
    const auto x = v.get<int64_t>();
    if (x < lo || x > hi) fail(what + " is " + std::to_string(x) + range);
    return x;
  }
  uint64_t unsigned_integer(const nlohmann::json& j, const std::string& key) const {
    const auto& v = member(j, key);
    if (!v.is_number_unsigned()) fail("'" + key + "' is not a non-negative whole number");
    return v.get<uint64_t>();
  }
  double finite(const nlohmann::json& j, const std::string& key) const {
    return finite_value(member(j, key), "'" + key + "'");
  }
  double finite_value(const nlohmann::json& v, const std::string& what) const {
    if (!v.is_number()) fail(what + " is not a number");
    const double x = v.get<double>();
    if (!std::isfinite(x)) fail(what + " is not finite");
    return x;
  }

  // A list of finite numbers; `size` >= 0 demands that many.
  template <typename T = double>
  std::vector<T> finite_array(const nlohmann::json& j, const std::string& key, int64_t size = -1) const {
    return finite_list<T>(array(j, key), "'" + key + "'", size);
  }
  template <typename T = double>
  std::vector<T> finite_list(const nlohmann::json& list, const std::string& what, int64_t size = -1) const {
    if (!list.is_array()) fail(what + " is not a list");
    if (size >= 0 && list.size() != static_cast<size_t>(size))
      fail(what + " has " + std::to_string(list.size()) + " entries, expected " + std::to_string(size));
    std::vector<T> out;
    out.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      const double x = finite_value(list[i], what + " entry " + std::to_string(i));
      if constexpr (std::is_floating_point_v<T>) {
        if (std::abs(x) > static_cast<double>(std::numeric_limits<T>::max()))
          fail(what + " entry " + std::to_string(i) + " is out of range");
      }
      out.push_back(static_cast<T>(x));
    }
    return out;
  }
  // A list of whole numbers in [lo, hi].
  std::vector<int64_t> integer_array(const nlohmann::json& j, const std::string& key, int64_t lo, int64_t hi,
                                     int64_t size = -1) const {
    const auto& list = array(j, key);
    if (size >= 0 && list.size() != static_cast<size_t>(size))
      fail("'" + key + "' has " + std::to_string(list.size()) + " entries, expected " + std::to_string(size));
    std::vector<int64_t> out;
    out.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i)
      out.push_back(integer_value(list[i], "'" + key + "' entry " + std::to_string(i), lo, hi));
    return out;
  }

  // A list of strings, of `size` entries unless size < 0.
  std::vector<std::string> string_array(const nlohmann::json& j, const std::string& key, int64_t size = -1) const {
    const auto& list = array(j, key);
    if (size >= 0 && list.size() != static_cast<size_t>(size))
      fail("'" + key + "' has " + std::to_string(list.size()) + " entries, expected " + std::to_string(size));
    std::vector<std::string> out;
    out.reserve(list.size());
    for (size_t i = 0; i < list.size(); ++i) {
      if (!list[i].is_string()) fail("'" + key + "' entry " + std::to_string(i) + " is not a string");
      out.push_back(list[i].get<std::string>());
    }
    return out;
  }

  // Non-decreasing values.
  template <typename T>
  void sorted(const std::vector<T>& values, const std::string& what) const {
    for (size_t i = 1; i < values.size(); ++i)
      if (values[i] < values[i - 1]) fail(what + " is not sorted (at entry " + std::to_string(i) + ")");
  }
  // Each value in [0, 1] and (with `sum_to_one`) summing to 1 within 1e-6 per entry.
  template <typename T>
  void probabilities(const std::vector<T>& values, const std::string& what, bool sum_to_one = true) const {
    double sum = 0.0;
    for (size_t i = 0; i < values.size(); ++i) {
      const auto p = static_cast<double>(values[i]);
      if (!(p >= 0.0 && p <= 1.0)) fail(what + " entry " + std::to_string(i) + " is not a probability in [0, 1]");
      sum += p;
    }
    const double tolerance = 1e-6 * static_cast<double>(std::max<size_t>(values.size(), 1));
    if (sum_to_one && std::abs(sum - 1.0) > tolerance) fail(what + " sums to " + std::to_string(sum) + ", not 1");
  }
  // A row-major n x n correlation matrix: finite, symmetric, unit diagonal, entries in [-1, 1],
  // and for n <= kMaxCholeskyCheck positive definite (a Cholesky factorisation succeeds). That
  // part is O(n^3): beyond the bound, check the stored Cholesky factor with lower_triangular().
  static constexpr int64_t kMaxCholeskyCheck = 1500;
  void correlation_matrix(const std::vector<double>& m, int64_t n, const std::string& what) const {
    const auto size = static_cast<size_t>(n);
    if (n < 0 || m.size() != size * size)
      fail(what + " has " + std::to_string(m.size()) + " entries, expected " + std::to_string(size * size));
    for (size_t i = 0; i < size; ++i) {
      if (std::abs(m[i * size + i] - 1.0) > 1e-9) fail(what + " has no unit diagonal");
      for (size_t j = 0; j < i; ++j) {
        const double a = m[i * size + j], b = m[j * size + i];
        if (!std::isfinite(a) || std::abs(a - b) > 1e-9 * std::max(1.0, std::abs(a))) fail(what + " is not symmetric");
        if (a < -1.0 - 1e-9 || a > 1.0 + 1e-9) fail(what + " has an entry outside [-1, 1]");
      }
    }
    if (n <= kMaxCholeskyCheck && !cholesky_succeeds(m, size)) fail(what + " is not positive definite");
  }
  // A row-major n x n lower-triangular factor L with a positive diagonal, finite entries and
  // zeros above the diagonal.
  void lower_triangular(const std::vector<double>& m, int64_t n, const std::string& what) const {
    const auto size = static_cast<size_t>(n);
    if (n < 0 || m.size() != size * size)
      fail(what + " has " + std::to_string(m.size()) + " entries, expected " + std::to_string(size * size));
    for (size_t i = 0; i < size; ++i)
      for (size_t j = 0; j < size; ++j) {
        const double x = m[i * size + j];
        if (!std::isfinite(x)) fail(what + " has an entry that is not finite");
        if (j > i && x != 0.0) fail(what + " is not lower triangular");
        if (j == i && !(x > 0.0)) fail(what + " has a diagonal entry that is not positive");
      }
  }

  static bool cholesky_succeeds(const std::vector<double>& m, size_t n) {
    std::vector<double> l(n * n, 0.0);
    for (size_t j = 0; j < n; ++j) {
      double d = m[j * n + j];
      for (size_t k = 0; k < j; ++k) d -= l[j * n + k] * l[j * n + k];
      if (!(d > 0.0) || !std::isfinite(d)) return false;
      const double root = std::sqrt(d);
      l[j * n + j] = root;
      for (size_t i = j + 1; i < n; ++i) {
        double s = m[i * n + j];
        for (size_t k = 0; k < j; ++k) s -= l[i * n + k] * l[j * n + k];
        l[i * n + j] = s / root;
      }
    }
    return true;
  }

  // Runs `load` and turns any non-clean failure (a raw JSON exception, an out-of-range access,
  // a ModelFile error without this file's prefix) into this section's clean message.
  template <typename Load>
  void guard(Load&& load) const {
    try {
      load();
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::ModelFile) throw;
      std::string message = e.what();
      const bool named = message.rfind(file + ": ", 0) == 0;
      // Already in this form, or about the archive itself ("FILE: model file has no 'x' section").
      if (named && message.find("[json.exception") == std::string::npos &&
          (message.find("model file section '") != std::string::npos || message.rfind(file + ": model file ", 0) == 0))
        throw;
      if (named) message = message.substr(file.size() + 2);
      fail(short_reason(message));
    } catch (const nlohmann::json::exception& e) {
      fail(short_reason(e.what()));
    } catch (const std::bad_alloc&) {
      throw;
    } catch (const std::exception& e) {
      fail(e.what());
    }
  }

  // Drops nlohmann's "[json.exception.type_error.302] " tags: "type must be number, but is string".
  static std::string short_reason(std::string text) {
    for (auto at = text.find("[json.exception"); at != std::string::npos; at = text.find("[json.exception", at)) {
      const auto close = text.find("] ", at);
      if (close == std::string::npos) break;
      text.erase(at, close + 2 - at);
    }
    return text;
  }
};

}  // namespace synthtab
