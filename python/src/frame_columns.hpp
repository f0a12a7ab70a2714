#pragma once
// Data frames in and out of the library: a frame's columns as the package sends them become a
// RawTable whose number columns view the numpy arrays in place; a Table's columns go back as
// numpy arrays that own the library's vectors.
#include <pybind11/pybind11.h>

#include <string>
#include <vector>

#include "synthtab/table/raw_table.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::python {

namespace py = pybind11;

// A table read from a data frame: its number columns view numpy arrays, which `arrays` keeps
// alive (with the GIL held: they are released only after the work that reads them has ended).
struct FrameTable {
  RawTable raw;
  std::vector<py::object> arrays;
};

// `columns`: a list of (name, kind, values, missing) tuples (frame_columns.cpp says how each
// kind holds its values).
FrameTable frame_table(const std::string& source, const py::list& columns);

// A table given as a CSV path (read as the CLI reads it) or as a frame's columns.
FrameTable table_input(const py::object& data, const std::string& frame_source);

// Each column as a dict: name, type ("integer", "float", "categorical", "datetime") and its
// values (float64, NaN = missing; dates in seconds) or codes (int32, -1 = missing) with labels.
py::list columns_out(Table&& table);

}  // namespace synthtab::python
