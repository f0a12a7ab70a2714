#pragma once
// Library text (errors, notes, reasons, the report) names a caller's option by its field name in
// backticks, e.g. `max_memory` or `target`: the name a program using the library sets. Each front
// end shows those names in its own terms with rename_options; the CLI shows its flags
// (cli/option_flags.cpp).
#include <functional>
#include <string>
#include <string_view>

namespace synthtab {

// `text` with each backticked name (letters, digits and '_') for which `rename` returns a
// non-empty string replaced by that string; everything else is kept as it is.
std::string rename_options(std::string_view text, const std::function<std::string(std::string_view name)>& rename);

}  // namespace synthtab
