#pragma once
// A real and a synthetic table whose column names and category labels are written to break an
// HTML page: "<!--<script" (script data double escaped state), "</script>" and a live link.
// Shared by the report's library and browser tests.
#include <string>
#include <utility>

#include <fmt/format.h>

namespace synthtab::testing {

inline const std::string kHostileSpend = "spend <!--<script";
inline const std::string kHostileRevenue = "revenue </script><a href=\"x\">y</a>";
inline const std::string kHostileChannel = "channel <a href=\"x\">y</a>";
inline const char* const kHostileLabels[] = {"<!--<script", "</script>", "<a href=\"x\">y</a>",
                                             "<!--<SCRIPT>alert(1)</SCRIPT>", "plain"};

// {real CSV, synthetic CSV}: two numeric columns and one categorical, named as above.
inline std::pair<std::string, std::string> hostile_tables() {
  const auto quoted = [](const std::string& cell) {
    std::string out = "\"";
    for (char c : cell) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
  };
  const std::string header =
      quoted(kHostileSpend) + "," + quoted(kHostileRevenue) + "," + quoted(kHostileChannel) + "\n";
  std::string real = header, synthetic = header;
  for (int i = 0; i < 40; ++i) {
    const double spend = 100.5 + 3.25 * (i % 11);
    real += fmt::format("{},{},{}\n", spend, 2 * spend + 1.5 * (i % 7), quoted(kHostileLabels[i % 5]));
  }
  for (int i = 0; i < 60; ++i) {
    const double spend = 98.5 + 2.75 * (i % 13);
    synthetic += fmt::format("{},{},{}\n", spend, 2 * spend + 1.25 * (i % 5), quoted(kHostileLabels[(i * 3) % 5]));
  }
  return {real, synthetic};
}

}  // namespace synthtab::testing
