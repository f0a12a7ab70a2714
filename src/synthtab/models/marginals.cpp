// "marginals": each column drawn on its own, from its own training values. It keeps every
// column's distribution (its missing cells too) and no relationship between columns: the
// reference any model must beat on relationships, and the benchmark's reference row.
//
// The model's columns that come from one table column (a value and its missing-value indicator)
// are drawn together, from one training row, so a value and its "missing" flag never disagree.
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "synthtab/core/error.hpp"
#include "synthtab/core/json_checks.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

constexpr uint64_t kMarginalsRowStream = 0x6d617267;  // "marg"
constexpr int64_t kStateVersion = 1;

class IndependentMarginals final : public Synthesizer {
 public:
  std::string name() const override { return "marginals"; }

  FitReport do_fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions&) override {
    data_ = data;
    groups_.assign(layout.size(), 0);
    for (size_t c = 1; c < layout.size(); ++c)
      groups_[c] = groups_[c - 1] + (layout[c].source == layout[c - 1].source ? 0 : 1);
    find_spans();
    FitReport report;
    report.settings = {{"model", "marginals"},
                       {"columns", "each drawn on its own from its training values (no relationship kept)"}};
    return report;
  }

  Matrix do_sample(int64_t first_row, int64_t count, uint64_t seed) const override {
    Matrix out(count, data_.cols);
    for (int64_t i = 0; i < count; ++i) {
      // Row r's draws depend only on (seed, r): any split into shards gives the same rows.
      Rng rng(derive_seed(seed, kMarginalsRowStream, static_cast<uint64_t>(first_row + i)));
      float* row = out.row(i);
      for (const auto& [begin, end] : spans_) {
        const float* donor = data_.row(static_cast<int64_t>(rng.below(static_cast<uint64_t>(data_.rows))));
        for (int64_t c = begin; c < end; ++c) row[c] = donor[c];
      }
    }
    return out;
  }

  void do_save(ArchiveWriter& out, const std::string& prefix) const override {
    const nlohmann::json state = {{"version", kStateVersion},
                                  {"rows", data_.rows},
                                  {"cols", data_.cols},
                                  {"data", data_.data},
                                  {"groups", groups_}};
    out.put(prefix + "marginals", state.dump());
  }

  void do_load(const ArchiveReader& in, const std::string& prefix) override {
    const SectionCheck check{in.source(), prefix + "marginals"};
    check.guard([&] {
      const auto state = check.parse_object(in.get(prefix + "marginals"));
      if (check.integer(state, "version", 1, std::numeric_limits<int64_t>::max()) != kStateVersion)
        check.fail("is version " + state["version"].dump() + "; this synthtab reads version " +
                   std::to_string(kStateVersion));
      const int64_t rows = check.integer(state, "rows", 2, std::numeric_limits<int32_t>::max());
      const int64_t cols = check.integer(state, "cols", 1, 1'000'000);  // rows * cols cannot overflow
      Matrix data;
      data.data = check.finite_array<float>(state, "data", rows * cols);
      data.rows = rows;
      data.cols = cols;
      std::vector<int64_t> groups = check.integer_array(state, "groups", 0, cols - 1, cols);
      for (size_t c = 0; c < groups.size(); ++c) {
        const bool next = c == 0 ? groups[c] == 0 : groups[c] == groups[c - 1] || groups[c] == groups[c - 1] + 1;
        if (!next) check.fail("'groups' must start at 0 and grow by 0 or 1 from one column to the next");
      }
      data_ = std::move(data);
      groups_ = std::move(groups);
    });
    find_spans();
  }

 private:
  void find_spans() {
    spans_.clear();
    for (int64_t c = 0; c < static_cast<int64_t>(groups_.size()); ++c) {
      if (c == 0 || groups_[static_cast<size_t>(c)] != groups_[static_cast<size_t>(c - 1)])
        spans_.emplace_back(c, c + 1);
      else
        spans_.back().second = c + 1;
    }
  }

  Matrix data_;                                     // the training rows, in model space
  std::vector<int64_t> groups_;                     // per model column: which table column it is from
  std::vector<std::pair<int64_t, int64_t>> spans_;  // [begin, end) of each group's model columns
};

const ModelRegistration registered{plain_model<IndependentMarginals>(
    "marginals",
    "each column drawn on its own from its training values: keeps every column's distribution and no relationship "
    "(the reference to beat)")};

}  // namespace
}  // namespace synthtab
