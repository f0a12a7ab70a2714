// rename_options: backticked option names become a front end's terms; nothing else changes.
#include <gtest/gtest.h>

#include <string>

#include "synthtab/core/option_terms.hpp"

namespace synthtab {
namespace {

std::string as_flags(std::string_view text) {
  return rename_options(text, [](std::string_view name) -> std::string {
    if (name == "max_memory") return "--max-memory";
    if (name == "target") return "--target";
    return "";
  });
}

TEST(OptionTerms, RenamesKnownNamesAndKeepsEverythingElse) {
  EXPECT_EQ(as_flags("limit is 1 GiB (`max_memory`)"), "limit is 1 GiB (--max-memory)");
  EXPECT_EQ(as_flags("`target` and `target`"), "--target and --target");
  EXPECT_EQ(as_flags("`unknown` stays"), "`unknown` stays");
  EXPECT_EQ(as_flags("a lone ` backtick, `two words`, `` and `target"),
            "a lone ` backtick, `two words`, `` and `target");
  EXPECT_EQ(as_flags("``target``"), "`--target`");
  EXPECT_EQ(as_flags(""), "");
  EXPECT_EQ(as_flags("no names"), "no names");
}

}  // namespace
}  // namespace synthtab
