#pragma once
// The S-curve report of the curve command: one self-contained HTML page per fit, with
// each channel's fitted curve and its interval band, the real months on it, the return of the next
// unit against break-even, today's average spend, the verdict, where the response came from month
// by month, the candidates compared and, given synthetic rows, those rows beside the real ones.
// Same page, styles and checks as the synthetic-data report. See docs/marketing.md.
#include <functional>
#include <string>
#include <string_view>

#include "synthtab/marketing/curve_report.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::report {

struct CurvePageOptions {
  std::string real_name = "real";  // file names shown in the title
  std::string synthetic_name = "synthetic";
  // How the page names the caller's options (as ReportOptions::option_names).
  std::function<std::string(std::string_view name)> option_names;
};

// `real` holds the rows the report was fitted on; `synthetic` (may be null) rows drawn beside them.
std::string render_curve_html(const marketing::CurveReport& report, const Table& real, const Table* synthetic,
                              const CurvePageOptions& options);

}  // namespace synthtab::report
