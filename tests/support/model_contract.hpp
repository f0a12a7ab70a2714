#pragma once
// The contract every Synthesizer keeps (models/synthesizer.hpp): the same data and seed give the
// same saved bytes; row r depends only on (seed, r), so shards concatenate to the whole run; another
// seed gives other rows; a loaded model draws the same rows and saves the same bytes.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "synthtab/core/archive.hpp"
#include "synthtab/models/synthesizer.hpp"

namespace synthtab::testing {

// `make` returns a new, unfitted model (e.g. a lambda calling ModelRegistry::create).
template <typename MakeModel>
void expect_model_contract_of(const MakeModel& make, const Matrix& real, const std::vector<ModelColumn>& layout) {
  const std::unique_ptr<Synthesizer> model = make(), again = make(), loaded = make();
  model->fit(real, layout, {});
  again->fit(real, layout, {});
  ArchiveWriter w1, w2;
  model->save(w1, "model/");
  again->save(w2, "model/");
  EXPECT_EQ(w1.serialize(), w2.serialize());  // same data and seed: same bytes
  const Matrix whole = model->sample(0, 100, 9);
  const Matrix first = model->sample(0, 50, 9), second = model->sample(50, 50, 9);
  std::vector<float> joined = first.data;
  joined.insert(joined.end(), second.data.begin(), second.data.end());
  EXPECT_EQ(joined, whole.data);
  EXPECT_NE(model->sample(0, 100, 10).data, whole.data);
  loaded->load(ArchiveReader::parse(w1.serialize(), "m.synthtab"), "model/");
  EXPECT_EQ(loaded->sample(0, 100, 9).data, whole.data);
  ArchiveWriter w3;
  loaded->save(w3, "model/");
  EXPECT_EQ(w3.serialize(), w1.serialize());
}

template <typename Model>
void expect_model_contract(const Matrix& real, const std::vector<ModelColumn>& layout) {
  expect_model_contract_of([] { return std::make_unique<Model>(); }, real, layout);
}

}  // namespace synthtab::testing
