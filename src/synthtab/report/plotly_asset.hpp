#pragma once
// The Plotly.js bundle (npm package plotly.js-cartesian-dist-min, pinned in web/package-lock.json),
// embedded at build time by embed_js.cmake so that reports need no network.
#include <string_view>

namespace synthtab::report {

std::string_view plotly_js();       // the minified script, as shipped
std::string_view plotly_version();  // "4.1.1"

}  // namespace synthtab::report
