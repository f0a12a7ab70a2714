// The library speaks in its own terms: no file outside src/synthtab/cli/ names a command-line
// flag (core/option_terms.hpp: options are named `like_this`, and the CLI shows its flags).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace {

namespace fs = std::filesystem;

// The text of a line's string literals and of its comment: where a flag would be named (code
// such as --i or a[k]-- is left aside).
std::string literals_and_comment(const std::string& line) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_string) {
      if (c == '\\' && i + 1 < line.size()) {
        out += line[++i];
      } else if (c == '"') {
        in_string = false;
        out += ' ';
      } else {
        out += c;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '/' && i + 1 < line.size() && line[i + 1] == '/') {
      return out + ' ' + line.substr(i + 2);
    }
  }
  return out;
}

TEST(LibraryTerms, NoLibraryFileNamesACommandLineFlag) {
  // "--name", but not a CSS custom property (--ink: in a style sheet, var(--ink)).
  const std::regex flag(R"((^|[^\w(])--[a-z][a-z-]*\b(?!\s*:))");
  const fs::path root = fs::path(SYNTHTAB_SOURCE_DIR) / "src" / "synthtab";
  int files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    const fs::path& path = entry.path();
    if (!entry.is_regular_file() || (path.extension() != ".cpp" && path.extension() != ".hpp")) continue;
    if (path.parent_path().filename() == "cli") continue;
    ++files;
    std::ifstream in(path);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
      const std::string text = literals_and_comment(line);
      std::smatch match;
      EXPECT_FALSE(std::regex_search(text, match, flag))
          << path.lexically_relative(root).string() << ":" << number << " names " << match.str() << ": " << line;
    }
  }
  EXPECT_GT(files, 50);
}

}  // namespace
