// The catalogue of hostile and broken inputs (tests/bad_input/cases.txt): every case must fail
// with a documented exit code and exactly one clear error line, without crashing, without
// leaving an output or a temporary file behind.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "support/test_paths.hpp"

namespace synthtab {
namespace {

namespace fs = std::filesystem;
using testing::data_path;
using testing::read_text;
using testing::scratch_dir;
using testing::write_text;

const fs::path kCatalogue = fs::path(SYNTHTAB_SOURCE_DIR) / "tests" / "bad_input";

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `synthtab ARGS` through /bin/sh; stdout and stderr go to files outside `dir`.
Outcome run_cli(const std::string& args, const fs::path& logs) {
  const auto out = logs / "stdout.txt";
  const auto err = logs / "stderr.txt";
  const std::string command = std::string(SYNTHTAB_CLI) + " " + args + " >'" + out.string() +
                              "' 2>'" + err.string() + "' </dev/null";
  const int status = std::system(command.c_str());
  Outcome result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_text(out);
  result.err = read_text(err);
  return result;
}

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

// The cases that cannot be checked in as text, written into the scratch directory.
void generate_files(const fs::path& dir, const fs::path& logs) {
  using namespace std::string_literals;
  write_text(dir / "bom_only.csv", "\xEF\xBB\xBF");
  write_text(dir / "crlf_unterminated_quote.csv", "a,b\r\n1,2\r\n\"3\r\n");
  write_text(dir / "nul_byte.csv", "a,b\n1,2\n3,\0"s "4\n5,6\n");
  write_text(dir / "invalid_utf8.csv", "a,b\n1,x\n3,\xFF\xFE\n5,y\n");
  write_text(dir / "utf16.csv", "\xFF\xFE" "a\0,\0b\0\n\0" "1\0,\0" "2\0\n\0"s);
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
}

std::vector<std::string> temp_files(const fs::path& dir) {
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(dir))
    if (entry.path().filename().string().find(".tmp-") != std::string::npos)
      found.push_back(entry.path().string());
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
    const std::string args = replace_all(replace_all(c.command, "{dir}", dir.string()), "{data}",
                                         std::string(SYNTHTAB_TEST_DATA));
    const auto r = run_cli(args, logs);
    const std::string context = "synthtab " + args + "\nstderr: " + r.err;
    EXPECT_LT(r.exit_code, 128) << "crashed; " << context;
    EXPECT_EQ(r.exit_code, c.exit_code) << context;
    EXPECT_NE(r.err.find(c.fragment), std::string::npos) << "expected the fragment: " << c.fragment << "\n"
                                                         << context;
    EXPECT_EQ(r.err.rfind("synthtab: error:", 0), 0u) << context;
    EXPECT_TRUE(!r.err.empty() && r.err.back() == '\n' &&
                r.err.find('\n') == r.err.size() - 1)
        << "stderr must be exactly one line; " << context;
    const auto left = take_outputs(dir);
    EXPECT_TRUE(left.empty()) << "left behind: " << (left.empty() ? "" : left.front()) << "\n" << context;
  }
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
  const auto r = run_cli("generate " + (dir / "levels.csv").string() + " --model copula -q -n 50 -o " +
                             out.string(), dir);
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
