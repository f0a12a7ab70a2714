#pragma once
// Refuses an output path that names one of the inputs: `generate data.csv -o data.csv` would
// otherwise replace the real table with synthetic rows. Paths are compared as files, not as
// text, so ./data.csv, a symlink and a hard link to the input are all caught.
#include <string>

namespace synthtab {

// True when both paths exist and are the same file (same device and inode).
bool same_file(const std::string& a, const std::string& b);

// True when `output` is standard output: "-", or a path naming the file or device that file
// descriptor 1 is (/dev/stdout, /proc/self/fd/1, the terminal's own device).
bool is_standard_output(const std::string& output);

// Throws Error(Usage) when `output` (given with `option`, e.g. "-o") is the file `input`
// (described as `role`, e.g. "input", "model file", "synthetic table").
void check_not_input(const std::string& output, const char* option, const std::string& input, const char* role);

// True when two paths would name one file once written, whether or not it exists yet ("-" is
// standard output for both).
bool same_path(const std::string& a, const std::string& b);

// The last part of `path` ("data/ROI.csv" -> "ROI.csv"), as titles show a file.
std::string file_name(const std::string& path);

}  // namespace synthtab
