// End-to-end tests of the generation path: CSV in, model, CSV out.
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/engine/option_values.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "support/test_paths.hpp"
#include "synthtab/constraints/rule_set.hpp"
#include "synthtab/core/archive.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/eval/privacy.hpp"
#include "synthtab/eval/quality.hpp"
#include "synthtab/table/csv_reader.hpp"
#include "synthtab/table/row_key.hpp"

namespace synthtab {
namespace {

using testing::data_path;
using testing::read_text;
using testing::scratch_dir;

SynthesisOptions quick_options(uint64_t seed = 42) {
  SynthesisOptions options;
  options.model = "wgan";  // the seed's model: most of these tests are about its path
  options.fit.seed = seed;
  options.fit.threads = 1;
  return options;
}

// The ROI model is small and fast; fit it once for the tests that only read it.
const FittedModel& roi_model() {
  static const FittedModel model = FittedModel::fit_csv(data_path("ROI.csv"), quick_options());
  return model;
}

std::set<std::string> labels_seen(const Column& column) {
  std::set<std::string> out;
  for (int32_t code : column.codes) out.insert(column.categories.at(static_cast<size_t>(code)));
  return out;
}

TEST(Synthesis, RoiEndToEndKeepsNamesTypesRangesAndCategories) {
  const FittedModel& model = roi_model();
  const Table synthetic = model.sample(0, 2000, sampling_seed(42));
  ASSERT_EQ(synthetic.rows(), 2000);
  ASSERT_EQ(synthetic.cols(), 4);  // the unnamed index column is an ID and is dropped
  EXPECT_EQ(synthetic.columns[0].name, "Google ads");
  EXPECT_EQ(synthetic.columns[1].name, "MRR (Monthly Recurring Revenue)");
  EXPECT_EQ(synthetic.columns[2].name, "Month");
  EXPECT_EQ(synthetic.columns[3].name, "Year");
  EXPECT_EQ(synthetic.columns[0].type, ColumnType::Float);
  EXPECT_EQ(synthetic.columns[2].type, ColumnType::Integer);
  EXPECT_EQ(synthetic.columns[3].type, ColumnType::Categorical);

  // Real ranges, read independently of the library from the file's known contents.
  const double spend_min = 490.0, spend_max = 13494.04, mrr_min = 205.13, mrr_max = 46571.6;
  for (double v : synthetic.columns[0].values) {
    EXPECT_GE(v, spend_min);
    EXPECT_LE(v, spend_max);
  }
  for (double v : synthetic.columns[1].values) {
    EXPECT_GE(v, mrr_min);
    EXPECT_LE(v, mrr_max);
  }
  for (double v : synthetic.columns[2].values) {
    EXPECT_EQ(v, std::round(v));
    EXPECT_GE(v, 1);
    EXPECT_LE(v, 12);
  }
  const auto years = labels_seen(synthetic.columns[3]);
  for (const auto& y : years) EXPECT_TRUE(y == "2021" || y == "2022") << y;
}

TEST(Synthesis, SameSeedGivesIdenticalRowsAndOtherSeedDoesNot) {
  const FittedModel again = FittedModel::fit_csv(data_path("ROI.csv"), quick_options());
  const auto dir = scratch_dir("determinism");
  roi_model().write_sample_csv((dir / "a.csv").string(), 3000, sampling_seed(42));
  again.write_sample_csv((dir / "b.csv").string(), 3000, sampling_seed(42));
  EXPECT_EQ(read_text(dir / "a.csv"), read_text(dir / "b.csv"));
  roi_model().write_sample_csv((dir / "c.csv").string(), 3000, sampling_seed(43));
  EXPECT_NE(read_text(dir / "a.csv"), read_text(dir / "c.csv"));
}

TEST(Synthesis, ShardsConcatenateToTheWholeRun) {
  const auto dir = scratch_dir("shards");
  const int64_t rows = 10007;  // not a multiple of the block size nor of the shard count
  roi_model().write_sample_csv((dir / "all.csv").string(), rows, 7);
  std::string joined;
  for (int64_t i = 1; i <= 3; ++i) {
    const auto path = dir / ("part" + std::to_string(i) + ".csv");
    roi_model().write_sample_csv(path.string(), rows, 7, Shard{i, 3});
    std::string text = read_text(path);
    if (i > 1) text = text.substr(text.find('\n') + 1);  // drop the repeated header
    joined += text;
  }
  EXPECT_EQ(joined, read_text(dir / "all.csv"));
  // And ranges that cut blocks anywhere give the same rows as one call.
  const Table whole = roi_model().sample(0, 9000, 7);
  Table pieces = roi_model().sample(0, 4095, 7);
  pieces.append(roi_model().sample(4095, 2, 7));
  pieces.append(roi_model().sample(4097, 4903, 7));
  ASSERT_EQ(pieces.rows(), whole.rows());
  for (size_t c = 0; c < whole.columns.size(); ++c) {
    EXPECT_EQ(whole.columns[c].codes, pieces.columns[c].codes);
    ASSERT_EQ(whole.columns[c].values.size(), pieces.columns[c].values.size());
    for (size_t r = 0; r < whole.columns[c].values.size(); ++r)
      ASSERT_EQ(whole.columns[c].values[r], pieces.columns[c].values[r]) << c << "," << r;
  }
}

TEST(Synthesis, WideTablesSampleInSmallerBlocksAndShardsStillAgree) {
  EXPECT_EQ(sample_block_rows(10), 4096);
  EXPECT_EQ(sample_block_rows(1024), 4096);
  EXPECT_EQ(sample_block_rows(1025), 2048);
  EXPECT_EQ(sample_block_rows(20000), 128);
  EXPECT_EQ(sample_block_rows(1000000), 64);
  // 1,100 numeric columns: blocks of 2,048 rows; the shard boundary (row 1,050) cuts a block.
  const auto dir = scratch_dir("wide");
  std::string text;
  for (int c = 0; c < 1100; ++c) text.append(c ? ",c" : "c").append(std::to_string(c));
  text += '\n';
  Rng rng(5);
  for (int r = 0; r < 6; ++r)
    for (int c = 0; c < 1100; ++c)
      text += std::to_string(rng.below(1000)) + "." + std::to_string(rng.below(10)) + (c < 1099 ? "," : "\n");
  testing::write_text(dir / "wide.csv", text);
  SynthesisOptions options = quick_options();
  options.model = "copula";
  const FittedModel model = FittedModel::fit_csv((dir / "wide.csv").string(), options);
  const int64_t rows = 2100;
  model.write_sample_csv((dir / "all.csv").string(), rows, 3);
  std::string joined;
  for (int64_t i = 1; i <= 2; ++i) {
    const auto path = dir / ("part" + std::to_string(i) + ".csv");
    model.write_sample_csv(path.string(), rows, 3, Shard{i, 2});
    std::string part = read_text(path);
    if (i > 1) part = part.substr(part.find('\n') + 1);
    joined += part;
  }
  EXPECT_EQ(joined, read_text(dir / "all.csv"));
}

TEST(Synthesis, TaskParsing) {
  EXPECT_FALSE(parse_task("").has_value());
  EXPECT_EQ(parse_task("regression"), Task::Regression);
  EXPECT_EQ(parse_task("classification"), Task::Classification);
  try {
    parse_task("Regression");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find("`task` expects regression or classification"), std::string::npos) << e.what();
  }
}

TEST(Synthesis, ShardParsing) {
  EXPECT_EQ(parse_shard("3/8").index, 3);
  EXPECT_EQ(parse_shard("3/8").count, 8);
  for (const char* bad : {"0/4", "5/4", "1/0", "a/b", "3", "3/", "/3", "-1/4", "1/4x"}) {
    try {
      parse_shard(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Usage);
      EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
    }
  }
  const Shard shard{2, 3};
  EXPECT_EQ(shard.first(10), 3);
  EXPECT_EQ(shard.last(10), 6);
}

TEST(Synthesis, SaveLoadRoundTripSamplesIdentically) {
  const auto dir = scratch_dir("saveload");
  const auto path = (dir / "roi.synthtab").string();
  roi_model().save(path);
  const FittedModel loaded = FittedModel::load(path);
  EXPECT_EQ(loaded.model_name(), "wgan");
  EXPECT_EQ(loaded.training_rows(), 19);
  EXPECT_EQ(loaded.preparation_log().actions, roi_model().preparation_log().actions);
  roi_model().write_sample_csv((dir / "a.csv").string(), 5000, 11);
  loaded.write_sample_csv((dir / "b.csv").string(), 5000, 11);
  EXPECT_EQ(read_text(dir / "a.csv"), read_text(dir / "b.csv"));
}

void expect_model_file_error(const std::string& path, const std::string& fragment) {
  try {
    FittedModel::load(path);
    ADD_FAILURE() << "loaded a bad model file; expected: " << fragment;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ModelFile) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(Synthesis, DamagedModelFilesAreRefusedWithAClearMessage) {
  const auto dir = scratch_dir("damaged");
  const auto good = (dir / "good.synthtab").string();
  roi_model().save(good);
  const std::string bytes = read_text(good);
  const auto bad = (dir / "bad.synthtab").string();
  // Truncated at every tenth byte (a sample of positions for speed: every tenth of the first
  // 2000 bytes, then every ten-thousandth).
  for (size_t cut = 0; cut < bytes.size(); cut += (cut < 2000 ? 10 : 10000)) {
    testing::write_text(bad, bytes.substr(0, cut));
    expect_model_file_error(bad, cut < 8 ? "not a synthtab model file" : "truncated");
  }
  // One flipped byte in the payload.
  std::string flipped = bytes;
  flipped[bytes.size() / 2] = static_cast<char>(flipped[bytes.size() / 2] ^ 0x20);
  testing::write_text(bad, flipped);
  expect_model_file_error(bad, "corrupted");
  // A newer format version.
  std::string newer = bytes;
  newer[8] = static_cast<char>(kModelFormatVersion + 1);
  testing::write_text(bad, newer);
  expect_model_file_error(bad, "newer");
  expect_model_file_error((dir / "missing.synthtab").string(), "cannot open");
}

TEST(Synthesis, TheModelFileKeepsTheGivenParametersAndRefusesOnesOutsideTheSchema) {
  const auto dir = scratch_dir("parameters");
  SynthesisOptions options = quick_options();
  options.model = "copula";
  options.fit.parameters = {{"marginals", "parametric"}};
  const auto good = (dir / "good.synthtab").string();
  FittedModel::fit_csv(data_path("ROI.csv"), options).save(good);
  const FittedModel loaded = FittedModel::load(good);
  EXPECT_EQ(loaded.parameters().choice("marginals"), "parametric");
  EXPECT_EQ(loaded.parameters().values().size(), 1u);

  // The same file with its meta section's parameters replaced.
  const ArchiveReader archive = ArchiveReader::read_file(good);
  const auto with_parameters = [&](const nlohmann::json& parameters) {
    ArchiveWriter out;
    for (const auto& [name, bytes] : archive.sections()) {
      if (name != "meta") {
        out.put(name, bytes);
        continue;
      }
      nlohmann::json meta = nlohmann::json::parse(bytes);
      if (parameters.is_null())
        meta.erase("parameters");
      else
        meta["parameters"] = parameters;
      out.put(name, meta.dump());
    }
    const auto bad = (dir / "bad.synthtab").string();
    out.write_file(bad);
    return bad;
  };
  expect_model_file_error(with_parameters({{"marginals", "weird"}}), "`marginals` of copula expects");
  expect_model_file_error(with_parameters({{"epochs", 5}}), "`epochs` is not a parameter of copula");
  expect_model_file_error(with_parameters({{"marginals", {1}}}), "neither a finite number nor text");
  expect_model_file_error(with_parameters(nlohmann::json::array()), "'parameters' is not an object");
  // Files from before parameters were stored load, with none.
  EXPECT_TRUE(FittedModel::load(with_parameters(nullptr)).parameters().empty());
}

TEST(Synthesis, MarketingCampaignsKeepsDecimalCommaAndNumbers) {
  const auto dir = scratch_dir("marketing");
  const FittedModel model = FittedModel::fit_csv(data_path("Marketing_campaigns.csv"), quick_options());
  const auto out = (dir / "synthetic.csv").string();
  model.write_sample_csv(out, 500, 3);
  // The delimiter and the decimal mark are both ',': the saved model must load and sample alike.
  const auto model_path = (dir / "marketing.synthtab").string();
  model.save(model_path);
  const auto reloaded_out = (dir / "reloaded.csv").string();
  FittedModel::load(model_path).write_sample_csv(reloaded_out, 500, 3);
  EXPECT_EQ(testing::read_text(reloaded_out), testing::read_text(out));
  const RawTable written = read_csv(out);
  ASSERT_EQ(written.rows(), 500);
  EXPECT_EQ(written.names.front(), "% costFemale");
  EXPECT_EQ(written.names.back(), "ROAS");
  EXPECT_EQ(model.output_format().decimal, ',');
  const Table synthetic = model.sample(0, 500, 3);
  for (const auto& column : synthetic.columns) {
    if (column.is_categorical()) continue;
    for (double v : column.values) ASSERT_FALSE(std::isnan(v)) << column.name;
  }
  const int64_t roas = synthetic.find("ROAS");
  ASSERT_GE(roas, 0);
  for (double v : synthetic.columns[static_cast<size_t>(roas)].values) {
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 1.8);  // the real ROAS range is [0, 1.8] (pandas, decimal=",")
  }
}

// The seed's second table: its cost shares by sex and by age sum to 1, and in 15 of 39 rows the
// age of the whole cost is unknown (the four age parts 0, %CostAgeUn 1). The copula (auto's
// choice here) keeps both sums and draws the unknown age as often as the real rows have it; learnt
// as four separate spikes at 0 it did in 22 % of rows.
TEST(Synthesis, MarketingShareGroupsKeepTheirSumsAndHowOftenTheAgeIsUnknown) {
  SynthesisOptions options;
  options.model = "copula";
  options.fit.seed = 5;
  const FittedModel model = FittedModel::fit_csv(data_path("Marketing_campaigns.csv"), options);
  const Table real = prepare_csv(data_path("Marketing_campaigns.csv"), options).prepared.table;
  const Table drawn = model.sample(0, 2000, 3);
  const auto age_unknown = [](const Table& t) {
    int64_t count = 0;
    for (size_t r = 0; r < static_cast<size_t>(t.rows()); ++r) {
      bool all_zero = true;
      for (const char* part : {"%Cost 18_24", "%Cost 25_34", "%Cost 35_44", "%Cost 45_54"})
        all_zero = all_zero && t.column(part).values[r] == 0.0;
      count += all_zero && t.column("%CostAgeUn").values[r] == 1.0;
    }
    return static_cast<double>(count) / static_cast<double>(t.rows());
  };
  EXPECT_NEAR(age_unknown(real), 15.0 / 39, 1e-12);
  EXPECT_NEAR(age_unknown(drawn), age_unknown(real), 0.05);
  const std::vector<double> kept = rule_adherence(model.rules().rules(), drawn);
  ASSERT_GE(kept.size(), 2u);
  for (size_t i = 0; i < 2; ++i) EXPECT_GE(kept[i], 0.95) << model.rules().rules()[i].describe();
}

TEST(Synthesis, CopulaOnRoiIsFaithfulWhereTheSeedsGanIsNot) {
  SynthesisOptions options = quick_options();
  options.model = "copula";
  const auto input = prepare_csv(data_path("ROI.csv"), options);
  const FittedModel copula = FittedModel::fit_prepared(input, options);
  const Table real = input.prepared.table;
  const eval::QualityReport ours = eval::quality(real, copula.sample(0, 2000, 1));
  const eval::QualityReport seed = eval::quality(real, roi_model().sample(0, 2000, 1));
  EXPECT_GT(ours.overall, 0.85);
  EXPECT_GT(ours.overall, seed.overall);
  EXPECT_EQ(eval::count_exact_copies(real, copula.sample(0, 2000, 1)), 0);
}

TEST(Synthesis, NoRealRowIsCopiedUnlessAllowed) {
  // 100 real rows among 10 x 100 possible (label, whole number) pairs: about one synthetic row
  // in ten copies a real one by chance, too few to call the table "too discrete".
  const auto dir = testing::scratch_dir("copies");
  Rng rng(3);
  std::string text = "label,amount\n";
  for (int i = 0; i < 100; ++i)
    text.append("L")
        .append(std::to_string(rng.below(10)))
        .append(",")
        .append(std::to_string(100 + rng.below(100)))
        .append("\n");
  testing::write_text(dir / "t.csv", text);
  SynthesisOptions options = quick_options();
  options.model = "copula";
  const auto input = prepare_csv((dir / "t.csv").string(), options);
  FittedModel model = FittedModel::fit_prepared(input, options);
  const Table& real = input.prepared.table;
  model.set_copy_policy(CopyPolicy::Allow);
  SampleStats allowed;
  const int64_t copies = eval::count_exact_copies(real, model.sample(0, 5000, 9, &allowed));
  EXPECT_EQ(allowed.redrawn, 0);
  ASSERT_GT(copies, 100);
  model.set_copy_policy(CopyPolicy::Never);
  SampleStats stats;
  const Table without = model.sample(0, 5000, 9, &stats);
  EXPECT_EQ(eval::count_exact_copies(real, without), 0);
  EXPECT_EQ(stats.redrawn, copies);
  EXPECT_EQ(stats.unavoidable, 0);
  // Redraws keep shards consistent: a sub-range equals the same rows of the whole run.
  const Table part = model.sample(1234, 100, 9);
  for (int64_t r = 0; r < 100; ++r) EXPECT_EQ(part.columns[0].codes[r], without.columns[0].codes[1234 + r]);
}

TEST(Synthesis, ModelFilesWithVersion1FingerprintsStillFindCopies) {
  // A file written before fingerprint version 2 has no 'fingerprint_version' section and holds
  // row_hash fingerprints: its copies are still found and redrawn.
  const auto dir = testing::scratch_dir("fingerprints_v1");
  Rng rng(5);
  std::string text = "label,amount\n";
  for (int i = 0; i < 100; ++i) text += fmt::format("L{},{}\n", rng.below(10), 100 + rng.below(100));
  testing::write_text(dir / "t.csv", text);
  SynthesisOptions options = quick_options();
  options.model = "copula";
  const auto input = prepare_csv((dir / "t.csv").string(), options);
  const Table& real = input.prepared.table;
  FittedModel::fit_prepared(input, options).save((dir / "v2.synthtab").string());
  const ArchiveReader v2 = ArchiveReader::read_file((dir / "v2.synthtab").string());
  ASSERT_TRUE(v2.has("fingerprint_version"));
  std::vector<uint64_t> hashes;
  for (int64_t r = 0; r < real.rows(); ++r) hashes.push_back(row_hash(real, r));
  std::sort(hashes.begin(), hashes.end());
  std::vector<uint64_t> unique = hashes, repeated;
  unique.erase(std::unique(unique.begin(), unique.end()), unique.end());
  for (size_t i = 1; i < hashes.size(); ++i)
    if (hashes[i] == hashes[i - 1] && (repeated.empty() || repeated.back() != hashes[i])) repeated.push_back(hashes[i]);
  auto bytes = [](const std::vector<uint64_t>& list) {  // little-endian, as the file holds them
    std::string out;
    for (uint64_t h : list)
      for (int b = 0; b < 8; ++b) out.push_back(static_cast<char>((h >> (8 * b)) & 0xff));
    return out;
  };
  ArchiveWriter v1;
  for (const auto& [name, data] : v2.sections())
    if (name != "fingerprint_version") v1.put(name, data);
  v1.put("real_rows", bytes(unique));
  v1.put("repeated_rows", bytes(repeated));
  v1.write_file((dir / "v1.synthtab").string());
  FittedModel old = FittedModel::load((dir / "v1.synthtab").string());
  old.set_copy_policy(CopyPolicy::Allow);
  ASSERT_GT(eval::count_exact_copies(real, old.sample(0, 3000, 9)), 100);
  old.set_copy_policy(CopyPolicy::Never);
  SampleStats stats;
  EXPECT_EQ(eval::count_exact_copies(real, old.sample(0, 3000, 9, &stats)), 0);
  EXPECT_GT(stats.redrawn, 100);
}

TEST(Synthesis, TooDiscreteTablesKeepTheirCopiesAndSaySo) {
  const auto dir = testing::scratch_dir("discrete");
  testing::write_text(dir / "d.csv", "a,b\nx,1\ny,2\nx,2\ny,1\nx,1\n");
  SynthesisOptions options = quick_options();
  options.model = "copula";
  FittedModel model = FittedModel::fit_csv((dir / "d.csv").string(), options);
  model.set_copy_policy(CopyPolicy::Never);
  SampleStats stats;
  model.sample(0, 100, 1, &stats);
  EXPECT_EQ(stats.unavoidable, 100);  // every combination exists in the real rows
  EXPECT_EQ(stats.redrawn, 0);
}

TEST(Synthesis, AvoidingCopiesKeepsTheMissingRatesUnderEveryPolicy) {
  // Issue 19's cases: two factors with 8 % and 11 % missing (all-empty rows 1 %), and one factor
  // with 16.7 % missing. Redrawing copies moved rows into patterns with missing cells (where
  // copies are rarer): 17-26 % missing, 11-19 % empty rows, or 294 of 300 rows empty.
  const auto dir = testing::scratch_dir("copies_missing");
  Rng rng(3);
  std::string two = "x,y\n", one = "c\n";
  for (int i = 0; i < 300; ++i) {
    const auto x = static_cast<char>('p' + rng.below(4)), y = static_cast<char>('k' + rng.below(4));
    two += fmt::format("{},{}\n", i % 12 == 0 ? "" : std::string(1, x), i % 9 == 4 ? "" : std::string(1, y));
  }
  for (int i = 0; i < 30; ++i)
    one += i % 6 == 0 ? std::string("\"\"\n") : fmt::format("{}\n", static_cast<char>('a' + i % 5));
  testing::write_text(dir / "two.csv", two);
  testing::write_text(dir / "one.csv", one);
  for (const char* name : {"two.csv", "one.csv"})
    for (const char* model_name : {"copula", "cart"}) {
      SynthesisOptions options = quick_options();
      options.model = model_name;
      const auto input = prepare_csv((dir / name).string(), options);
      FittedModel model = FittedModel::fit_prepared(input, options);
      const Table& real = input.prepared.table;
      auto missing_share = [](const Table& t, size_t c) {
        int64_t n = 0;
        for (int64_t r = 0; r < t.rows(); ++r) n += t.columns[c].is_missing(r);
        return static_cast<double>(n) / static_cast<double>(t.rows());
      };
      auto empty_share = [](const Table& t) {
        int64_t n = 0;
        for (int64_t r = 0; r < t.rows(); ++r) n += row_is_empty(t, r);
        return static_cast<double>(n) / static_cast<double>(t.rows());
      };
      ASSERT_GT(missing_share(real, 0), 0.05) << name;
      for (CopyPolicy policy : {CopyPolicy::Holdout, CopyPolicy::Never, CopyPolicy::Allow}) {
        SCOPED_TRACE(fmt::format("{} {} policy {}", name, model_name, static_cast<int>(policy)));
        model.set_copy_policy(policy);
        const Table rows = model.sample(0, 3000, 5);
        for (size_t c = 0; c < real.columns.size(); ++c)
          EXPECT_NEAR(missing_share(rows, c), missing_share(real, c), 0.03) << "column " << c;
        EXPECT_LE(empty_share(rows), empty_share(real) + 0.02);
      }
    }
}

TEST(Synthesis, UnknownModelIsAUsageError) {
  SynthesisOptions options = quick_options();
  options.model = "no-such-model";
  try {
    FittedModel::fit_csv(data_path("ROI.csv"), options);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find("wgan"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace synthtab
