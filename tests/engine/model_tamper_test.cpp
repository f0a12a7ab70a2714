// A model file altered on purpose, with its checksum recomputed so that only the loader's own
// checks stand between the damage and the user: every single-byte change must either be
// refused with one clean Error(ModelFile) line naming the file, or load into a model that
// samples finite rows. A changed digit inside a number that stays a valid value cannot be told
// from a real model and loads; the test reports how often that happened.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <string>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/hash.hpp"
#include "synthtab/engine/synthesis.hpp"

namespace synthtab {
namespace {

using testing::data_path;
using testing::read_text;
using testing::scratch_dir;
using testing::write_text;

constexpr size_t kPayloadStart = 20;  // magic (8) + version (4) + payload size (8)

std::string with_checksum(std::string model) {
  const std::string payload = model.substr(kPayloadStart, model.size() - kPayloadStart - 8);
  const uint64_t sum = fnv1a64(payload);
  for (size_t i = 0; i < 8; ++i) model[model.size() - 8 + i] = static_cast<char>((sum >> (8 * i)) & 0xff);
  return model;
}

struct Tally {
  int refused = 0;
  int loaded = 0;
};

Tally flip_bytes(const std::string& model_name, int flips, uint64_t seed) {
  const auto dir = scratch_dir("tamper-" + model_name);
  SynthesisOptions options;
  options.model = model_name;
  options.fit.threads = 1;
  const auto good = (dir / "good.synthtab").string();
  FittedModel::fit_csv(data_path("ROI.csv"), options).save(good);
  const std::string model = read_text(good);
  EXPECT_EQ(with_checksum(model), model);  // the checksum helper agrees with the writer

  std::mt19937_64 rng(seed);
  Tally tally;
  const auto path = (dir / "tampered.synthtab").string();
  for (int i = 0; i < flips; ++i) {
    std::string bytes = model;
    const size_t at = kPayloadStart + rng() % (model.size() - kPayloadStart - 8);
    const auto old_byte = static_cast<unsigned char>(bytes[at]);
    auto new_byte = static_cast<unsigned char>(rng() % 255);
    if (new_byte >= old_byte) ++new_byte;  // always a different byte
    bytes[at] = static_cast<char>(new_byte);
    write_text(path, with_checksum(bytes));
    SCOPED_TRACE("byte " + std::to_string(at) + ": " + std::to_string(old_byte) + " -> " + std::to_string(new_byte));
    try {
      FittedModel loaded = FittedModel::load(path);
      ++tally.loaded;
      const Table rows = loaded.sample(0, 300, 7);
      EXPECT_EQ(rows.rows(), 300);
      int64_t bad = 0;
      for (const auto& column : rows.columns) {
        for (int64_t r = 0; r < rows.rows(); ++r) {
          if (column.is_categorical()) {
            const int32_t code = column.codes[static_cast<size_t>(r)];
            bad += !(code >= 0 && code < static_cast<int32_t>(column.categories.size()));
          } else {
            bad += !std::isfinite(column.values[static_cast<size_t>(r)]);
          }
        }
      }
      EXPECT_EQ(bad, 0) << "cells that are missing, not finite or without a category";
      loaded.write_sample_csv((dir / "out.csv").string(), 300, 7);
    } catch (const Error& e) {
      ++tally.refused;
      const std::string message = e.what();
      EXPECT_EQ(e.kind(), ErrorKind::ModelFile) << message;
      EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << "the message must name the file: " << message;
      EXPECT_EQ(message.find("json.exception"), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a clean refusal: " << e.what();
    }
  }
  std::printf(
      "[ tamper  ] %s: %d single-byte changes with recomputed checksum: %d refused, %d loaded and "
      "sampled finite rows\n",
      model_name.c_str(), flips, tally.refused, tally.loaded);
  std::filesystem::remove_all(dir);
  return tally;
}

TEST(ModelTamper, CopulaFlipsAreRefusedCleanlyOrSampleFiniteRows) {
  const Tally tally = flip_bytes("copula", 200, 1);
  EXPECT_EQ(tally.refused + tally.loaded, 200);
  EXPECT_GT(tally.refused, tally.loaded);  // most changes break the structure
}

TEST(ModelTamper, CartFlipsAreRefusedCleanlyOrSampleFiniteRows) {
  const Tally tally = flip_bytes("cart", 200, 2);
  EXPECT_EQ(tally.refused + tally.loaded, 200);
  EXPECT_GT(tally.refused, tally.loaded);
}

TEST(ModelTamper, BayesNetFlipsAreRefusedCleanlyOrSampleFiniteRows) {
  const Tally tally = flip_bytes("bayesnet", 200, 3);
  EXPECT_EQ(tally.refused + tally.loaded, 200);
  EXPECT_GT(tally.refused, tally.loaded);
}

TEST(ModelTamper, MrfFlipsAreRefusedCleanlyOrSampleFiniteRows) {
  const Tally tally = flip_bytes("mrf", 200, 4);
  EXPECT_EQ(tally.refused + tally.loaded, 200);
  EXPECT_GT(tally.refused, 0);
}

}  // namespace
}  // namespace synthtab
