"""Data frames to the library's column payloads and back, keeping each column's pandas type.

A frame and the CSV it came from are prepared alike (same inferred types, same model, same
rows). Float64 and int64 columns cross as numpy arrays that the library reads in place, without a
copy, typing them as it types the same numbers read from text; other integer and float dtypes are
converted to those first. Dates cross as arrays too; only text columns go cell by cell.
What a frame's columns were (labels, dtypes, categories, time zones) is kept as JSON in the model
file, so that sampled rows, even after save and load, come back with the same types.
"""

import json
import math

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

# The description of a frame's columns stored in model files; bump when its meaning changes.
FRAME_TYPES_VERSION = 1


def _label_json(label):
    """A column label or category value as JSON, with its Python type where JSON has none."""
    if isinstance(label, (bool, np.bool_)):
        return {"bool": bool(label)}
    if isinstance(label, (int, np.integer)):
        return {"int": int(label)}
    if isinstance(label, (float, np.floating)):
        return {"float": float(label)}
    if isinstance(label, str):
        return {"str": label}
    if isinstance(label, pd.Timestamp):
        return {"timestamp": label.isoformat()}
    return {"str": str(label)}


def _label_from_json(value, where):
    if not isinstance(value, dict) or len(value) != 1:
        raise ValueError(f"{where}: expected a label as {{type: value}}")
    (kind, item), = value.items()
    converters = {"bool": bool, "int": int, "float": float, "str": str, "timestamp": pd.Timestamp}
    if kind not in converters:
        raise ValueError(f"{where}: unknown label type {kind!r}")
    expected = {"bool": bool, "int": int, "float": (int, float), "str": str, "timestamp": str}[kind]
    if not isinstance(item, expected):
        raise ValueError(f"{where}: a {kind} label holds {item!r}")
    return converters[kind](item)


def _text(value):
    """A cell of a category or object column as the library reads it."""
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def _checked_names(frame, source):
    names = [str(label) for label in frame.columns]
    seen = {}
    for position, name in enumerate(names):
        if name == "":
            raise ValueError(f"{source}: column {position + 1} has an empty name; name every column")
        if name in seen:
            raise ValueError(
                f"{source}: columns {seen[name] + 1} and {position + 1} are both named {name!r}; "
                "column names must be unique")
        seen[name] = position
    return names


def _numbers(series, dtype, na_value):
    """The column's numbers as a contiguous array of `dtype`: the frame's own memory when it
    already is one (the library reads it in place), else a converted copy."""
    if series.dtype == np.dtype(dtype):
        values = series.to_numpy()
        if values.flags["C_CONTIGUOUS"]:
            return values
    return np.ascontiguousarray(series.to_numpy(dtype=dtype, na_value=na_value))


def to_columns(frame, source="data frame"):
    """(columns for the library, the frame's types as a JSON-able dict, schema overrides).

    Raises ValueError for what the library cannot read: no columns, no rows, duplicate or empty
    names, infinite numbers, and dtypes with no table meaning (timedeltas, periods, intervals,
    complex numbers).
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame or a CSV path, got {type(frame).__name__}")
    if frame.shape[1] == 0:
        raise ValueError(f"{source}: the data frame has no columns")
    if frame.shape[0] == 0:
        raise ValueError(f"{source}: the data frame has no rows ({frame.shape[1]} columns)")
    names = _checked_names(frame, source)
    columns, types = [], []
    overrides = {"categorical": [], "datetime": []}
    for position, (label, name) in enumerate(zip(frame.columns, names)):
        series = frame.iloc[:, position]
        dtype = series.dtype
        kind = {"label": _label_json(label), "name": name, "dtype": str(dtype)}
        missing = series.isna().to_numpy()
        missing = missing if missing.any() else None
        if isinstance(dtype, pd.CategoricalDtype):
            categories = list(dtype.categories)
            labels = [_text(c) for c in categories]
            if len(set(labels)) != len(labels):
                raise ValueError(f"{source}: column {name!r} has categories that read alike as text")
            kind.update(dtype="category", ordered=bool(dtype.ordered),
                        categories=[_label_json(c) for c in categories])
            texts = np.array(labels + [None], dtype=object)
            columns.append((name, "text", texts[series.cat.codes.to_numpy()], None))
            overrides["categorical"].append(name)
        elif ptypes.is_bool_dtype(dtype):
            kind["dtype"] = "boolean" if isinstance(dtype, pd.BooleanDtype) else "bool"
            values = series.to_numpy(dtype=object, na_value=None)
            texts = np.where(values == True, "True", "False").astype(object)  # noqa: E712 (elementwise)
            if missing is not None:
                texts[missing] = None
            columns.append((name, "text", texts, None))
            overrides["categorical"].append(name)
        elif ptypes.is_integer_dtype(dtype):
            if str(dtype) == "uint64" and len(series) and series.max() > np.iinfo(np.int64).max:
                raise ValueError(f"{source}: column {name!r} holds integers above 2^63 - 1")
            columns.append((name, "int", _numbers(series, np.int64, 0), missing))
        elif ptypes.is_float_dtype(dtype):
            columns.append((name, "float", _numbers(series, np.float64, np.nan), missing))
        elif ptypes.is_datetime64_any_dtype(dtype):
            zone = getattr(dtype, "tz", None)
            kind.update(dtype="datetime64[ns]", tz=None if zone is None else str(zone))
            if zone is not None:
                series = series.dt.tz_convert("UTC").dt.tz_localize(None)
            nanoseconds = series.to_numpy(dtype="datetime64[ns]").view(np.int64)
            columns.append((name, "datetime", nanoseconds, missing))
            overrides["datetime"].append(name)
        elif ptypes.is_string_dtype(dtype) or dtype == object:
            if dtype == object and not isinstance(dtype, pd.StringDtype):
                kind["dtype"] = "object"
            else:
                kind["dtype"] = "string"
            values = series.to_numpy(dtype=object)
            texts = [None if missing is not None and missing[r] else _text(v) for r, v in enumerate(values)]
            columns.append((name, "text", texts, None))
        else:
            raise ValueError(
                f"{source}: column {name!r} has dtype {dtype}, which synthtab does not read; "
                "convert it to numbers, text, categories or dates")
        types.append(kind)
    return columns, {"version": FRAME_TYPES_VERSION, "columns": types}, overrides


def check_frame_types(frame_types, where):
    """The frame types of a model file (untrusted input): ValueError naming what is wrong."""
    if not isinstance(frame_types, dict) or frame_types.get("version") != FRAME_TYPES_VERSION:
        raise ValueError(f"{where}: expected version {FRAME_TYPES_VERSION} of the frame types")
    if not isinstance(frame_types.get("fitted_from", {}), dict):
        raise ValueError(f"{where}: expected 'fitted_from' to be an object")
    columns = frame_types.get("columns")
    if not isinstance(columns, list):
        raise ValueError(f"{where}: expected a list of columns")
    known = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "Int8", "Int16",
             "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64", "float16", "float32", "float64",
             "Float32", "Float64", "bool", "boolean", "category", "object", "string", "datetime64[ns]"}
    for index, column in enumerate(columns):
        at = f"{where}: column {index + 1}"
        if not isinstance(column, dict) or not isinstance(column.get("name"), str):
            raise ValueError(f"{at}: expected a name")
        if column.get("dtype") not in known:
            raise ValueError(f"{at}: unknown dtype {column.get('dtype')!r}")
        column["label"] = _label_from_json(column.get("label"), at)
        if column["dtype"] == "category":
            if not isinstance(column.get("categories"), list):
                raise ValueError(f"{at}: a category column without its categories")
            column["categories"] = [_label_from_json(c, at) for c in column["categories"]]
        tz = column.get("tz")
        if tz is not None and not isinstance(tz, str):
            raise ValueError(f"{at}: the time zone is not a name")
    return frame_types


def _number_text(value, library_type):
    if library_type == "integer":
        return str(int(value))
    return repr(float(value))


def _as_text(column):
    """The library's column as an object array of its cells' text (None = missing)."""
    if "codes" in column:
        labels = np.array(list(column["categories"]) + [None], dtype=object)
        return labels[column["codes"]]
    values = column["values"]
    out = np.empty(len(values), dtype=object)
    for r, value in enumerate(values):
        if math.isnan(value):
            out[r] = None
        elif column["type"] == "datetime":
            out[r] = pd.Timestamp(int(value), unit="s").strftime("%Y-%m-%d %H:%M:%S")
        else:
            out[r] = _number_text(value, column["type"])
    return out


def _as_numbers(column, whole):
    """The library's column as float64 (NaN = missing); labels read as numbers."""
    if "codes" in column:
        labels = np.array([float(label) for label in column["categories"]] + [np.nan])
        values = labels[column["codes"]]
    else:
        values = column["values"]
        if column["type"] == "integer":
            values = np.rint(values)  # as the CSV writer writes integers
    if whole:
        values = np.rint(values)
    return values


def _series(column, kind):
    """One sampled column as a Series of the frame's dtype for it."""
    dtype = kind["dtype"]
    name = column["name"]
    if dtype in ("object", "string"):
        texts = _as_text(column)
        if dtype == "string":
            return pd.Series(texts, name=name, dtype="string")
        texts[pd.isna(texts)] = np.nan  # as pandas reads a missing text cell
        return pd.Series(texts, name=name, dtype=object)
    if dtype in ("bool", "boolean"):
        texts = _as_text(column)
        missing = pd.isna(texts)
        values = texts == "True"
        if dtype == "bool" and not missing.any():
            return pd.Series(values, name=name, dtype=bool)
        return pd.Series(pd.array(np.where(missing, None, values), dtype="boolean"), name=name)
    if dtype == "category":
        categories = kind["categories"]
        position = {_text(c): i for i, c in enumerate(categories)}
        texts = _as_text(column)
        codes = np.array([-1 if t is None else position.get(t, -1) for t in texts], dtype=np.int64)
        values = pd.Categorical.from_codes(codes, categories=categories, ordered=kind.get("ordered", False))
        return pd.Series(values, name=name)
    if dtype == "datetime64[ns]":
        if "codes" in column:
            stamps = pd.to_datetime(pd.Series(_as_text(column)), format="%Y-%m-%d %H:%M:%S")
        else:
            seconds = column["values"]
            missing = np.isnan(seconds)
            nanoseconds = np.where(missing, 0, seconds).astype(np.int64) * 1_000_000_000
            stamps = pd.Series(nanoseconds.view("datetime64[ns]"))
            stamps[missing] = pd.NaT
        if kind.get("tz"):
            stamps = stamps.dt.tz_localize("UTC").dt.tz_convert(kind["tz"])
        stamps.name = name
        return stamps
    whole = not dtype.startswith(("float", "Float"))
    values = _as_numbers(column, whole)
    missing = np.isnan(values)
    if dtype[0].isupper():  # pandas' nullable types: Int64, Float64, ...
        return pd.Series(pd.array(np.where(missing, None, values), dtype=dtype), name=name)
    if whole:
        if missing.any():  # a sampled missing value: the nullable type of the same width
            return pd.Series(pd.array(np.where(missing, None, values), dtype=dtype.capitalize()), name=name)
        return pd.Series(values.astype(dtype), name=name)
    return pd.Series(values.astype(dtype, copy=False), name=name)


def _csv_kind(column):
    """For a model fitted from a CSV: the dtype pandas.read_csv gives the column's cells."""
    dtype = {"integer": "int64", "float": "float64", "categorical": "object",
             "datetime": "datetime64[ns]"}[column["type"]]
    if dtype == "object":
        numbers = pd.to_numeric(pd.Series(column["categories"], dtype=object), errors="coerce")
        if len(numbers) and numbers.notna().all():  # categories such as years: numbers in a CSV
            dtype = "int64" if (numbers == np.rint(numbers)).all() else "float64"
    return {"label": column["name"], "dtype": dtype}


def to_frame(columns, frame_types):
    """The sampled columns as a frame with the fitted frame's labels and dtypes."""
    kinds = {kind["name"]: kind for kind in frame_types["columns"]} if frame_types else {}
    series, labels = [], []
    for column in columns:
        kind = kinds.get(column["name"])
        if kind is None:
            kind = _csv_kind(column)
        series.append(_series(column, kind))
        labels.append(kind["label"])
    # Not copied: a float column is the library's own array (numpy owns nothing; a capsule frees it).
    frame = pd.concat(series, axis=1, copy=False) if series else pd.DataFrame()
    frame.columns = labels
    return frame


def dumps(frame_types):
    return json.dumps(frame_types) if frame_types else ""
