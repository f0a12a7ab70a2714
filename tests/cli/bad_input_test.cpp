// The catalogue of hostile and broken inputs (tests/bad_input/cases.txt): every case must fail
// with a documented exit code and exactly one clear error line, without crashing, without
// leaving an output or a temporary file behind.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"
#include "support/test_paths.hpp"

namespace synthtab {
namespace {

namespace fs = std::filesystem;
using testing::data_path;
using testing::read_text;
using testing::scratch_dir;
using testing::write_text;

const fs::path kCatalogue = fs::path(SYNTHTAB_SOURCE_DIR) / "tests" / "bad_input";

using Outcome = testing::CommandResult;
using testing::run_cli;

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

struct Case {
  int line = 0;
  std::string name;
  std::string command;  // with {dir} and {data}
  int exit_code = -1;
  std::string fragment;
};

// `name | command | code | fragment`; the command may itself contain " | ", the fragment not.
std::vector<Case> read_manifest() {
  const std::string text = read_text(kCatalogue / "cases.txt");
  std::vector<Case> cases;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  const std::string sep = " | ";
  while (std::getline(lines, line)) {
    ++number;
    if (trim(line).empty() || trim(line)[0] == '#') continue;
    const auto first = line.find(sep);
    const auto last = line.rfind(sep);
    const auto middle = last == std::string::npos || last == 0 ? std::string::npos : line.rfind(sep, last - 1);
    if (first == std::string::npos || middle == std::string::npos || middle <= first) {
      ADD_FAILURE() << "cases.txt:" << number << ": expected 'name | command | code | fragment': " << line;
      continue;
    }
    Case c;
    c.line = number;
    c.name = trim(line.substr(0, first));
    c.command = trim(line.substr(first + sep.size(), middle - first - sep.size()));
    const std::string code = trim(line.substr(middle + sep.size(), last - middle - sep.size()));
    c.fragment = trim(line.substr(last + sep.size()));
    try {
      c.exit_code = std::stoi(code);
    } catch (const std::exception&) {
      ADD_FAILURE() << "cases.txt:" << number << ": exit code '" << code << "' is not a number";
      continue;
    }
    cases.push_back(c);
  }
  return cases;
}

uint64_t fnv1a64(const std::string& bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

void put_u64(std::string& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// A model file with another payload and a checksum that matches it: the damage is found by
// the section parser, not by the checksum.
std::string with_payload(const std::string& model, const std::string& payload) {
  std::string out = model.substr(0, 12);  // magic "SYNTHTAB" + u32 format version
  put_u64(out, payload.size());
  out += payload;
  put_u64(out, fnv1a64(payload));
  return out;
}

using Sections = std::vector<std::pair<std::string, std::string>>;

uint64_t get_le(const std::string& bytes, size_t at, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < size; ++i)
    value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[at + i])) << (8 * i);
  return value;
}

// The named sections of a valid model file, in file order.
Sections sections_of(const std::string& model) {
  Sections out;
  size_t at = 20;
  const auto count = get_le(model, at, 4);
  at += 4;
  for (uint64_t i = 0; i < count; ++i) {
    const auto name_size = get_le(model, at, 4);
    std::string name = model.substr(at + 4, name_size);
    at += 4 + name_size;
    const auto size = get_le(model, at, 8);
    out.emplace_back(std::move(name), model.substr(at + 8, size));
    at += 8 + size;
  }
  return out;
}

// A model file holding `sections` (repeats allowed) and `extra` bytes after them, with a
// checksum that matches: only the loader's own checks can find what is wrong.
std::string archive_of(const std::string& model, const Sections& sections, const std::string& extra = "") {
  std::string payload;
  for (int i = 0; i < 4; ++i) payload.push_back(static_cast<char>((sections.size() >> (8 * i)) & 0xff));
  for (const auto& [name, data] : sections) {
    for (int i = 0; i < 4; ++i) payload.push_back(static_cast<char>((name.size() >> (8 * i)) & 0xff));
    payload += name;
    put_u64(payload, data.size());
    payload += data;
  }
  return with_payload(model, payload + extra);
}

// `model` with section `name` replaced by what `edit` makes of its text.
template <typename Edit>
std::string edited(const std::string& model, const std::string& name, Edit edit) {
  Sections sections = sections_of(model);
  bool found = false;
  for (auto& [section, data] : sections)
    if (section == name) {
      data = edit(data);
      found = true;
    }
  EXPECT_TRUE(found) << "no section " << name;
  return archive_of(model, sections);
}

// `model` with the JSON section `name` changed by `edit`.
template <typename Edit>
std::string edited_json(const std::string& model, const std::string& name, Edit edit) {
  return edited(model, name, [&](const std::string& text) {
    nlohmann::json j = nlohmann::json::parse(text);
    edit(j);
    return j.dump();
  });
}

// Altered model files with recomputed checksums: every section's own checks.
void generate_tampered_models(const fs::path& dir, const fs::path& logs, const std::string& model) {
  using nlohmann::json;
  Sections sections = sections_of(model);
  ASSERT_GE(sections.size(), 6u);
  EXPECT_EQ(archive_of(model, sections), model) << "sections_of/archive_of must round-trip";
  Sections twice = sections;
  twice.push_back(*std::find_if(sections.begin(), sections.end(), [](const auto& s) { return s.first == "meta"; }));
  write_text(dir / "model_duplicate_section.synthtab", archive_of(model, twice));
  write_text(dir / "model_payload_trailing.synthtab", archive_of(model, sections, "xyz"));
  Sections without;
  for (const auto& section : sections)
    if (section.first != "pipeline") without.push_back(section);
  write_text(dir / "model_no_pipeline.synthtab", archive_of(model, without));
  const auto replace = [](std::string text) { return [text](const std::string&) { return text; }; };
  write_text(dir / "model_meta_not_json.synthtab", edited(model, "meta", replace("{\"model\": ")));
  write_text(dir / "model_meta_rows_negative.synthtab",
             edited_json(model, "meta", [](json& j) { j["training_rows"] = -3; }));
  write_text(dir / "model_meta_seed_text.synthtab", edited_json(model, "meta", [](json& j) { j["fit_seed"] = "42"; }));
  write_text(dir / "model_meta_unknown_model.synthtab",
             edited_json(model, "meta", [](json& j) { j["model"] = "nosuch"; }));
  write_text(dir / "model_schema_bad_delimiter.synthtab",
             edited_json(model, "schema", [](json& j) { j["delimiter"] = "\""; }));
  write_text(dir / "model_schema_nul_delimiter.synthtab",
             edited_json(model, "schema", [](json& j) { j["delimiter"] = std::string(1, '\0'); }));
  write_text(dir / "model_schema_bad_role.synthtab",
             edited_json(model, "schema", [](json& j) { j["columns"][0]["role"] = "banana"; }));
  write_text(dir / "model_log_numbers.synthtab", edited(model, "preparation_log", replace("[1, 2]")));
  write_text(dir / "model_report_seconds_text.synthtab",
             edited_json(model, "fit_report", [](json& j) { j["seconds"] = "soon"; }));
  write_text(dir / "model_fingerprint_version_3.synthtab", edited(model, "fingerprint_version", replace("3")));
  write_text(dir / "model_real_rows_7_bytes.synthtab", edited(model, "real_rows", replace("1234567")));
  write_text(dir / "model_real_rows_unsorted.synthtab", edited(model, "real_rows", [](const std::string& bytes) {
               return bytes.substr(8, 8) + bytes.substr(0, 8) + bytes.substr(16);
             }));
  write_text(dir / "model_pipeline_not_json.synthtab", edited(model, "pipeline", replace("{\"format\"")));
  write_text(dir / "model_pipeline_decreasing.synthtab", edited_json(model, "pipeline", [](json& j) {
               auto& q = j["columns"][0]["state"]["quantiles"];
               std::swap(q[0], q[q.size() - 1]);
             }));
  // Found by the model-file fuzzer: a rounding unit of 1e-320 made every drawn value infinite.
  write_text(dir / "model_pipeline_tiny_unit.synthtab",
             edited_json(model, "pipeline", [](json& j) { j["columns"][0]["state"]["resolution"] = 1e-320; }));
  write_text(dir / "model_copula_wrong_type.synthtab", edited_json(model, "model/copula", [](json& j) {
               for (auto& [key, value] : j.items())
                 if (value.is_array()) value = "not a list";
             }));
  write_text(dir / "model_copula_not_json.synthtab",
             edited(model, "model/copula", [](const std::string& text) { return text.substr(0, text.size() / 2); }));
  // Nested 100,000 levels deep: refused before parsing (dump() recursed once per level).
  const std::string deep = std::string(100000, '[') + std::string(100000, ']');
  write_text(dir / "model_pipeline_deep.synthtab", edited(model, "pipeline", replace("{\"format\": " + deep + "}")));
  write_text(dir / "model_copula_deep_version.synthtab",
             edited(model, "model/copula", replace("{\"version\": " + deep + "}")));
  write_text(dir / "model_meta_deep.synthtab", edited(model, "meta", replace("{\"model\": " + deep + "}")));
  // A rank whose product with the column count wraps to 0.
  write_text(dir / "model_copula_rank_overflow.synthtab", edited_json(model, "model/copula", [](json& j) {
               j["factor"] = json::array();
               j["rank"] = int64_t{4611686018427387904};
             }));

  const auto cart_path = dir / "cart.synthtab";
  const auto fit = run_cli("fit " + data_path("ROI.csv") + " --model cart -q -o " + cart_path.string(), logs);
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  const std::string cart = read_text(cart_path);
  fs::remove(cart_path);
  write_text(dir / "cart_data_short.synthtab", edited_json(cart, "model/cart", [](json& j) { j["data"].erase(0); }));
  write_text(dir / "cart_data_text.synthtab", edited_json(cart, "model/cart", [](json& j) { j["data"][0] = "x"; }));
  write_text(dir / "cart_flag_7.synthtab", edited_json(cart, "model/cart", [](json& j) { j["categorical"][0] = 7; }));
  write_text(dir / "cart_min_leaf_0.synthtab", edited_json(cart, "model/cart", [](json& j) { j["min_leaf"] = 0; }));
  // 2 rows x 100,000 columns: a small file whose trees would take minutes to grow at load.
  write_text(dir / "cart_wide.synthtab", edited_json(cart, "model/cart", [](json& j) {
               j["rows"] = 2;
               j["cols"] = 100000;
               j["data"] = std::vector<float>(200000, 0.5f);
               j["categorical"] = std::vector<int>(100000, 0);
               j["min_leaf"] = 1;
             }));
  write_text(dir / "cart_huge_rows.synthtab",
             edited_json(cart, "model/cart", [](json& j) { j["rows"] = 99999999999999LL; }));

  // The network's weights are raw floats: a changed byte loads unless it makes a weight non-finite.
  const auto wgan_path = dir / "wgan.synthtab";
  const auto wgan_fit =
      run_cli("fit " + data_path("ROI.csv") + " --model wgan --epochs 1 -q -o " + wgan_path.string(), logs);
  ASSERT_EQ(wgan_fit.exit_code, 0) << wgan_fit.err;
  const std::string wgan = read_text(wgan_path);
  fs::remove(wgan_path);
  write_text(dir / "wgan_nan_weight.synthtab", edited(wgan, "model/generator", [](std::string bytes) {
               bytes.replace(bytes.size() - 4, 4, std::string("\x00\x00\xC0\x7F", 4));  // the last float: NaN
               return bytes;
             }));
  // A million features, consistently declared: the network would need 4.9 GB; the file holds KBs.
  write_text(dir / "wgan_features_bomb.synthtab", edited_json(wgan, "model/meta", [](json& j) {
               j["features"] = 1000000;
               j["latent"] = 750000;
             }));
  write_text(dir / "wgan_features_mismatch.synthtab",
             edited_json(wgan, "model/meta", [](json& j) { j["features"] = 7; }));
}

// The cases that cannot be checked in as text, written into the scratch directory.
void generate_files(const fs::path& dir, const fs::path& logs) {
  using namespace std::string_literals;
  write_text(dir / "bom_only.csv", "\xEF\xBB\xBF");
  write_text(dir / "crlf_unterminated_quote.csv", "a,b\r\n1,2\r\n\"3\r\n");
  write_text(dir / "nul_byte.csv",
             "a,b\n1,2\n3,\0"s
             "4\n5,6\n");
  write_text(dir / "invalid_utf8.csv", "a,b\n1,x\n3,\xFF\xFE\n5,y\n");
  write_text(dir / "utf16.csv",
             "\xFF\xFE"
             "a\0,\0b\0\n\0"
             "1\0,\0"
             "2\0\n\0"s);
  const std::string ten_mb(10'000'000, 'x');
  write_text(dir / "huge_field_unterminated.csv", "a,b\n1,2\n3,\"" + ten_mb + "\n4,5\n");
  write_text(dir / "huge_field_ragged.csv", "a,b\n1,2\n3," + ten_mb + ",z\n4,5\n");
  std::string header;
  std::string full_row;
  for (int i = 0; i < 20000; ++i) {
    header += (i ? ",c" : "c") + std::to_string(i);
    full_row += i ? ",1" : "1";
  }
  const std::string short_row = full_row.substr(0, full_row.size() - 2);  // 19,999 fields
  write_text(dir / "wide_ragged.csv", header + "\n" + full_row + "\n" + full_row + "\n" + short_row + "\n");
  write_text(dir / "wide_one_row.csv", header + "\n" + full_row + "\n");
  // 40 rows x 8,000 float columns: 1.3e9 row-predictor visits for cart's trees.
  std::string wide_cart;
  for (int c = 0; c < 8000; ++c) wide_cart.append(c ? ",c" : "c").append(std::to_string(c));
  for (int r = 0; r < 40; ++r) {
    wide_cart += '\n';
    for (int c = 0; c < 8000; ++c)
      wide_cart.append(c ? "," : "").append(std::to_string((r * 7 + c * 3) % 11)).append(".5");
  }
  write_text(dir / "wide_cart.csv", wide_cart + "\n");
  fs::create_directories(dir / "a_directory");

  // Damaged copies of a real model file.
  const auto good = dir / "good.synthtab";
  const auto fit = run_cli("fit " + data_path("ROI.csv") + " --model copula -q -o " + good.string(), logs);
  ASSERT_EQ(fit.exit_code, 0) << fit.err;
  const std::string model = read_text(good);
  ASSERT_GT(model.size(), 300u);
  ASSERT_EQ(model.substr(0, 8), "SYNTHTAB");
  for (const size_t cut : {0, 4, 11, 19, 20, 100})
    write_text(dir / ("model_truncated_" + std::to_string(cut) + ".synthtab"), model.substr(0, cut));
  write_text(dir / "model_truncated_half.synthtab", model.substr(0, model.size() / 2));
  write_text(dir / "model_truncated_last_byte.synthtab", model.substr(0, model.size() - 1));
  write_text(dir / "model_no_checksum.synthtab", model.substr(0, model.size() - 8));
  std::string damaged = model;
  damaged[200] = static_cast<char>(damaged[200] ^ 0xFF);
  write_text(dir / "model_flipped_byte.synthtab", damaged);
  damaged = model;
  damaged.back() = static_cast<char>(damaged.back() ^ 0x01);
  write_text(dir / "model_flipped_checksum.synthtab", damaged);
  damaged = model;
  damaged[8] = 99;
  write_text(dir / "model_newer_version.synthtab", damaged);
  damaged = model;
  damaged.replace(8, 4, std::string(4, '\0'));
  write_text(dir / "model_version_0.synthtab", damaged);
  damaged = model;
  damaged[7] = 'X';
  write_text(dir / "model_wrong_magic.synthtab", damaged);
  write_text(dir / "model_trailing_bytes.synthtab", model + "junk");
  damaged = model;
  damaged.replace(12, 8, std::string(8, '\xFF'));
  write_text(dir / "model_huge_payload_size.synthtab", damaged);
  const std::string payload = model.substr(20, model.size() - 28);
  write_text(dir / "model_empty_payload.synthtab", with_payload(model, ""));
  write_text(dir / "model_half_payload.synthtab", with_payload(model, payload.substr(0, payload.size() / 2)));
  generate_tampered_models(dir, logs, model);

  // A moderate table (100,000 rows x 10 columns, 5.6 MB) for the memory limit.
  std::string moderate = "a,b,c,d,e,f,g,h,i,j\n";
  for (int r = 0; r < 100000; ++r) {
    for (int c = 0; c < 10; ++c) moderate += std::to_string((r * 7919 + c * 104729) % 100003) + (c < 9 ? "," : "\n");
  }
  write_text(dir / "moderate.csv", moderate);

  // Other names for the input file, which an output must not overwrite.
  fs::create_symlink(dir / "same_input.csv", dir / "same_input_symlink.csv");
  fs::create_hard_link(dir / "same_input.csv", dir / "same_input_hardlink.csv");
}

std::vector<std::string> temp_files(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.path().filename().string().find(".tmp-") != std::string::npos) found.push_back(entry.path().string());
  return found;
}

// Everything a case may have written instead of failing; removed so the next case starts clean.
std::vector<std::string> take_outputs(const fs::path& dir) {
  std::vector<std::string> found;
  for (const char* name : {"out.csv", "out.json", "out.synthtab", "missing"}) {
    if (fs::exists(dir / name)) {
      found.push_back((dir / name).string());
      fs::remove_all(dir / name);
    }
  }
  if (!fs::is_directory(dir / "a_directory") || !fs::is_empty(dir / "a_directory")) {
    found.push_back((dir / "a_directory").string());
    fs::remove_all(dir / "a_directory");
    fs::create_directories(dir / "a_directory");
  }
  for (const auto& path : temp_files(dir)) {
    found.push_back(path);
    fs::remove(path);
  }
  return found;
}

TEST(BadInput, ManifestIsWellFormedAndUsesEveryCheckedInFile) {
  const auto cases = read_manifest();
  EXPECT_GE(cases.size(), 40u);
  std::set<std::string> names;
  std::string commands;
  for (const auto& c : cases) {
    EXPECT_TRUE(names.insert(c.name).second) << "cases.txt:" << c.line << ": duplicate case name " << c.name;
    EXPECT_FALSE(c.fragment.empty()) << "cases.txt:" << c.line;
    EXPECT_TRUE(c.exit_code >= 2 && c.exit_code <= 6)
        << "cases.txt:" << c.line << ": a failure case expects a documented error code, not " << c.exit_code;
    commands += c.command + "\n";
  }
  for (const auto& entry : fs::directory_iterator(kCatalogue)) {
    const std::string name = entry.path().filename().string();
    if (name == "cases.txt") continue;
    EXPECT_NE(commands.find("{dir}/" + name), std::string::npos) << name << " is used by no case";
  }
}

TEST(BadInput, EveryCaseFailsWithOneClearLine) {
  const auto cases = read_manifest();
  ASSERT_FALSE(cases.empty());
  const auto dir = scratch_dir("bad-input");
  const auto logs = scratch_dir("bad-input-logs");
  for (const auto& entry : fs::directory_iterator(kCatalogue))
    if (entry.path().filename() != "cases.txt") fs::copy_file(entry.path(), dir / entry.path().filename());
  generate_files(dir, logs);
  if (HasFatalFailure()) return;

  for (const auto& c : cases) {
    SCOPED_TRACE("cases.txt:" + std::to_string(c.line) + ": " + c.name);
    const std::string args =
        replace_all(replace_all(c.command, "{dir}", dir.string()), "{data}", std::string(SYNTHTAB_TEST_DATA));
    const std::string fragment = replace_all(c.fragment, "{dir}", dir.string());
    const auto r = run_cli(args, logs);
    const std::string context = "synthtab " + args + "\nstderr: " + r.err;
    EXPECT_LT(r.exit_code, 128) << "crashed; " << context;
    EXPECT_EQ(r.exit_code, c.exit_code) << context;
    EXPECT_NE(r.err.find(fragment), std::string::npos) << "expected the fragment: " << fragment << "\n" << context;
    EXPECT_EQ(r.err.rfind("synthtab: error:", 0), 0u) << context;
    EXPECT_EQ(r.err.find("json.exception"), std::string::npos) << "raw library text; " << context;
    EXPECT_TRUE(!r.err.empty() && r.err.back() == '\n' && r.err.find('\n') == r.err.size() - 1)
        << "stderr must be exactly one line; " << context;
    const auto left = take_outputs(dir);
    EXPECT_TRUE(left.empty()) << "left behind: " << (left.empty() ? "" : left.front()) << "\n" << context;
  }
  // No case may change an input, whatever name the output gave it.
  for (const char* input : {"same_input.csv", "synthetic_ok.csv", "curve_text_spend.csv"})
    EXPECT_EQ(read_text(dir / input), read_text(kCatalogue / input)) << input << " was modified";
  EXPECT_TRUE(fs::is_symlink(dir / "same_input_symlink.csv"));
  fs::remove_all(dir);
  fs::remove_all(logs);
}

// -n 0 is not an error: the output is the header alone.
TEST(BadInput, ZeroRowsWritesOnlyTheHeader) {
  const auto dir = scratch_dir("bad-input-zero");
  const auto out = dir / "out.csv";
  const auto r = run_cli("generate " + data_path("ROI.csv") + " --model copula -q -n 0 -o " + out.string(), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.err.empty()) << r.err;
  EXPECT_EQ(read_text(out), "Google ads,MRR (Monthly Recurring Revenue),Month,Year\n");
  EXPECT_TRUE(temp_files(dir).empty());
  fs::remove_all(dir);
}

// A category with 100,000 levels (each seen twice) is hostile but legitimate: it is learned.
TEST(BadInput, ACategoryWithAHundredThousandLevelsIsLearned) {
  const auto dir = scratch_dir("bad-input-levels");
  std::string text = "k,v\n";
  for (int i = 0; i < 200000; ++i) {
    text += 'L';
    text += std::to_string(i % 100000);
    text += ',';
    text += std::to_string(i % 7);
    text += '\n';
  }
  write_text(dir / "levels.csv", text);
  const auto out = dir / "out.csv";
  const auto r =
      run_cli("generate " + (dir / "levels.csv").string() + " --model copula -q -n 50 -o " + out.string(), dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string written = read_text(out);
  EXPECT_EQ(written.rfind("k,v\n", 0), 0u) << written.substr(0, 100);
  EXPECT_EQ(std::count(written.begin(), written.end(), '\n'), 51);
  std::istringstream rows(written);
  std::string row;
  std::getline(rows, row);
  while (std::getline(rows, row)) EXPECT_EQ(row[0], 'L') << row;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace synthtab
