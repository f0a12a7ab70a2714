#pragma once
// The library names a caller's option by its field name in backticks (core/option_terms.hpp);
// the CLI shows each as the flag that sets it.
#include <string>
#include <string_view>

namespace synthtab::cli {

// "--max-memory" for "max_memory"; "" for a name no flag sets.
std::string flag_for(std::string_view name);
// `text` (an error, a note, a reason) with every option name the CLI has a flag for as that flag.
std::string in_cli_terms(std::string_view text);

}  // namespace synthtab::cli
