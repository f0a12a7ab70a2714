#include "frame_columns.hpp"

#include <pybind11/numpy.h>
#include <pybind11/stl.h>  // the categories go out as a list of str

#include <cmath>
#include <optional>
#include <stdexcept>

#include "synthtab/core/error.hpp"
#include "synthtab/table/csv_reader.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab::python {
namespace {

// A column of a data frame as the package sends it: `kind` says how `values` hold it.
//   "float": float64 array, NaN = missing; "int": int64 array; "datetime": int64 nanoseconds
//   since 1970 UTC; "text": a sequence of str or None (missing). `missing` (bool array, or None)
//   marks missing cells of "int" and "datetime" columns. A C-contiguous float64 or int64 array
//   is read where it lies, without a copy.
void add_column(FrameTable& table, const std::string& name, const std::string& kind, const py::handle& values,
                const py::handle& missing) {
  RawTable& raw = table.raw;
  RawColumn column;
  const int64_t column_number = static_cast<int64_t>(raw.names.size()) + 1;
  using BoolArray = py::array_t<bool, py::array::c_style | py::array::forcecast>;
  std::optional<BoolArray> mask;
  if (!missing.is_none()) {
    mask = BoolArray::ensure(missing);
    table.arrays.push_back(*mask);
  }
  const bool* mask_data = mask ? mask->data() : nullptr;
  auto is_masked = [&](py::ssize_t r) { return mask_data != nullptr && mask_data[r]; };
  if (kind == "float") {
    const auto array = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(values);
    table.arrays.push_back(array);
    const double* data = array.data();
    for (py::ssize_t r = 0; r < array.size(); ++r) {
      if (std::isinf(data[r]) && !is_masked(r))
        throw input_error(
            raw.source, r + 1, column_number,
            "expected a finite number in column " + in_quotes(name) + ", found " + (data[r] > 0 ? "inf" : "-inf"));
    }
    column = RawColumn::of_doubles(data, array.size(), mask_data);
  } else if (kind == "int") {
    const auto array = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(values);
    table.arrays.push_back(array);
    column = RawColumn::of_integers(array.data(), array.size(), mask_data);
  } else if (kind == "datetime") {
    const auto array = py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(values);
    const int64_t* data = array.data();
    for (py::ssize_t r = 0; r < array.size(); ++r) {
      // Whole seconds: the library's dates are seconds since 1970.
      const int64_t seconds = data[r] >= 0 ? data[r] / 1'000'000'000 : -((-data[r] + 999'999'999) / 1'000'000'000);
      column.push(is_masked(r) ? "" : format_datetime(static_cast<double>(seconds), "%Y-%m-%d %H:%M:%S"));
    }
  } else if (kind == "text") {
    for (const py::handle item : values) {
      if (item.is_none()) {
        column.push("");
      } else {
        column.push(py::cast<std::string>(py::str(item)));
      }
    }
  } else {
    throw std::invalid_argument("unknown column kind " + kind);
  }
  if (!raw.names.empty() && column.size() != raw.columns.front().size())
    throw std::invalid_argument("columns of different lengths");
  raw.names.push_back(name);
  raw.columns.push_back(std::move(column));
}

// --- tables out: numpy arrays that own the library's vectors --------------------------------

template <typename T>
py::array_t<T> owning_array(std::vector<T>&& values) {
  auto* owned = new std::vector<T>(std::move(values));
  py::capsule free_when_done(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>(static_cast<py::ssize_t>(owned->size()), owned->data(), free_when_done);
}

}  // namespace

FrameTable frame_table(const std::string& source, const py::list& columns) {
  FrameTable table;
  RawTable& raw = table.raw;
  raw.source = source;
  for (const py::handle column : columns) {
    const auto entry = column.cast<py::tuple>();
    add_column(table, entry[0].cast<std::string>(), entry[1].cast<std::string>(), entry[2], entry[3]);
  }
  if (raw.names.empty()) throw Error(ErrorKind::Input, source + ": has no columns");
  const int64_t rows = raw.columns.front().size();
  if (rows == 0) throw Error(ErrorKind::Input, source + ": has no rows");
  raw.row_lines.resize(static_cast<size_t>(rows));
  for (int64_t r = 0; r < rows; ++r) raw.row_lines[static_cast<size_t>(r)] = r + 1;  // rows count from 1
  return table;
}

FrameTable table_input(const py::object& data, const std::string& frame_source) {
  if (py::isinstance<py::str>(data)) {
    const auto path = data.cast<std::string>();
    py::gil_scoped_release release;
    return {read_csv(path), {}};
  }
  return frame_table(frame_source, data.cast<py::list>());
}

py::list columns_out(Table&& table) {
  py::list out;
  for (Column& column : table.columns) {
    py::dict entry;
    entry["name"] = column.name;
    entry["type"] = to_string(column.type);
    if (column.is_categorical()) {
      entry["codes"] = owning_array(std::move(column.codes));
      entry["categories"] = column.categories;
    } else {
      entry["values"] = owning_array(std::move(column.values));
    }
    out.append(entry);
  }
  return out;
}

}  // namespace synthtab::python
