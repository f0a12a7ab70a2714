"""synthtab.dask.fit: a model from a Dask DataFrame larger than one machine holds.

Two passes over the partitions, each partition a task:
1. Facts, merged by a tree reduction: rows, and per column its missing count and first missing
   row; for number columns whether all are whole and their distinct values up to 11; for label
   columns (text, categories, booleans) every label's count and first row.
2. A uniform sample of the rows: partition i keeps each row with probability sample_rows / rows,
   drawn from (seed, i), so the same seed gives the same sample whatever the cluster does.

The sample is then completed from the facts, so that type inference sees every partition: a label
or a missing value present in some partition but not drawn gets its first row added, and a
whole-number column is categories or numbers as its level count over all rows says. The model is
fitted on that table as synthtab.fit fits a frame, and its info says how ("fitted_from").

3. For a copula fitted on a sample, its dependence is fitted again on every row: each partition
   gives the sums of its rows' normal scores against the fitted marginals (and the counts the
   corrections for discrete columns and gaps need), the sums add up by a tree reduction, and the
   correlation comes from their total.
"""
import json
import math

import dask
import numpy as np
import pandas as pd
from pandas.api import types as ptypes

# Labels counted per column; a column with more is free text, whose rare labels are not
# guaranteed a row (counting them all would hold the column on one machine).
MAX_COUNTED_LABELS = 100_000
# infer_schema.cpp's rule for whole numbers with few levels: at most 5 levels (and at most half as
# many as rows) always, up to 10 with at least 10 rows per level. Counted over all rows here, as
# the library counts them over a whole table.
_MAX_LEVELS = 10
_ALWAYS_LEVELS = 5
_ROWS_PER_LEVEL = 10
_EXACT_INTEGER_LIMIT = 2.0 ** 53
# The sample's marginals are within this rank error of all rows' with this confidence (DKW).
_RANK_ERROR_CONFIDENCE = 0.999
# Partitions' facts merged per task of the tree reduction.
_FAN_IN = 8


def _is_number(dtype):
    return ptypes.is_numeric_dtype(dtype) and not ptypes.is_bool_dtype(dtype)


def _is_label(dtype):
    return isinstance(dtype, pd.CategoricalDtype) or ptypes.is_bool_dtype(dtype) or \
        ptypes.is_string_dtype(dtype) or dtype == object


def _levels_are_categories(levels, rows):
    return levels <= _MAX_LEVELS and levels <= rows / 2 and \
        (levels <= _ALWAYS_LEVELS or levels * _ROWS_PER_LEVEL <= rows)


def _facts(frame, partition):
    """One partition's facts. Row positions are (partition, row within the partition)."""
    columns = []
    for position in range(frame.shape[1]):
        series = frame.iloc[:, position]
        missing = series.isna().to_numpy()
        column = {"missing": int(missing.sum()),
                  "first_missing": (partition, int(missing.argmax())) if missing.any() else None}
        if _is_number(series.dtype):
            values = series.to_numpy(dtype=np.float64, na_value=np.nan)[~missing]
            levels = np.unique(values)
            column["whole"] = bool(np.all((np.abs(values) < _EXACT_INTEGER_LIMIT) & (values == np.floor(values))))
            column["levels"] = set(levels.tolist()) if len(levels) <= _MAX_LEVELS else None
        elif _is_label(series.dtype):
            codes, uniques = pd.factorize(series)  # -1 for a missing value
            if len(uniques) > MAX_COUNTED_LABELS:
                column["labels"] = None
            else:
                present = codes >= 0
                counts = np.bincount(codes[present], minlength=len(uniques))
                _, first = np.unique(codes[present], return_index=True)
                rows_present = np.flatnonzero(present)
                column["labels"] = {label: [int(counts[k]), (partition, int(rows_present[first[k]]))]
                                    for k, label in enumerate(uniques.tolist())}
            if isinstance(series.dtype, pd.CategoricalDtype):
                column["categories"] = list(series.dtype.categories)
        columns.append(column)
    return {"rows": len(frame), "columns": columns}


def _merge(*parts):
    """Facts of several partitions as one: counts add, first rows are the earliest, level sets
    unite (None once more than _MAX_LEVELS), label counts add (None once too many)."""
    out = {"rows": sum(p["rows"] for p in parts), "columns": []}
    for columns in zip(*(p["columns"] for p in parts)):
        merged = {"missing": sum(c["missing"] for c in columns),
                  "first_missing": min((c["first_missing"] for c in columns if c["first_missing"]), default=None)}
        if "whole" in columns[0]:
            merged["whole"] = all(c["whole"] for c in columns)
            levels = set()
            for c in columns:
                levels = None if levels is None or c["levels"] is None else levels | c["levels"]
                if levels is not None and len(levels) > _MAX_LEVELS:
                    levels = None
            merged["levels"] = levels
        if "labels" in columns[0]:
            labels = {}
            for c in columns:
                if labels is None or c["labels"] is None or len(labels) > MAX_COUNTED_LABELS:
                    labels = None
                    continue
                for label, (count, first) in c["labels"].items():
                    seen = labels.get(label)
                    labels[label] = [count, first] if seen is None else [seen[0] + count, min(seen[1], first)]
            merged["labels"] = labels if labels is None or len(labels) <= MAX_COUNTED_LABELS else None
            categories = []
            for c in columns:
                categories += [x for x in c.get("categories", ()) if x not in categories]
            merged["categories"] = categories
        out["columns"].append(merged)
    return out


def _tree_reduce(tasks, merge):
    while len(tasks) > 1:
        tasks = [dask.delayed(merge, pure=True)(*tasks[i:i + _FAN_IN]) for i in range(0, len(tasks), _FAN_IN)]
    return tasks[0]


def _draw(frame, partition, probability, seed):
    if probability >= 1.0:
        return frame
    keep = np.random.default_rng([seed, partition]).random(len(frame)) < probability
    return frame[keep]


def _rows_at(frame, positions):
    return frame.iloc[sorted(positions)]


def _completing_rows(facts, sample):
    """(partition, row) of the first row of each label, and of a missing value, that the sample
    lacks, per column: type inference and the model then see every partition's labels."""
    wanted = set()
    for position, column in enumerate(facts["columns"]):
        series = sample.iloc[:, position]
        if column["missing"] and not series.isna().any():
            wanted.add(tuple(column["first_missing"]))
        if column.get("labels"):
            present = set(series.dropna().tolist())
            wanted.update(tuple(first) for label, (_, first) in column["labels"].items() if label not in present)
    return sorted(wanted)


def _level_overrides(facts, sample, names, named):
    """Whole-number columns whose level count over all rows decides otherwise than the sample's."""
    overrides = {"categorical": [], "numeric": []}
    for position, column in enumerate(facts["columns"]):
        if "whole" not in column or names[position] in named or not column["whole"]:
            continue
        levels = column["levels"]
        everywhere = levels is not None and len(levels) >= 2 and _levels_are_categories(len(levels), facts["rows"])
        drawn = sample.iloc[:, position].nunique()
        in_sample = drawn >= 2 and _levels_are_categories(drawn, len(sample))
        if everywhere != in_sample:
            overrides["categorical" if everywhere else "numeric"].append(names[position])
    return overrides


def _categories_as_everywhere(sample, facts, ddf):
    """Category columns with the dask frame's categories where known, else the union of every
    partition's (pd.concat of partitions whose categories differ gives objects)."""
    for position, column in enumerate(facts["columns"]):
        dtype = ddf.dtypes.iloc[position]
        if isinstance(dtype, pd.CategoricalDtype):
            known = ddf.iloc[:, position].cat.known
            categories = list(dtype.categories) if known else column["categories"]
            sample.isetitem(position, sample.iloc[:, position].astype(object).astype(
                pd.CategoricalDtype(categories, ordered=dtype.ordered)))
    return sample


def _dependence_sums(model_ref, frame, partition):
    from . import _frames
    from .dask import _model_from
    if len(frame) == 0:
        return None
    model = model_ref if hasattr(model_ref, "_native") else _model_from(model_ref)
    source = f"partition {partition}"
    columns, _, _ = _frames.to_columns(frame, source)
    return model._native.dependence_sums(columns, source, partition)


def _add(*sums):
    present = [s for s in sums if s is not None]
    return sum(present[1:], present[0].copy()) if present else None


def _refits_dependence(model, options):
    """Whether the fitted model's dependence can be fitted again on every row: a full-rank copula
    whose preparation replays row by row (gaps modelled, dates not expanded)."""
    info = model.info
    return info["model"] == "copula" and info["settings"].get("dependence") == "full correlation" and \
        options["missing"] != "fill" and not options["expand_dates"]


def _record(model, **facts):
    """Adds to the model's fitted_from (kept in its file and shown by info)."""
    stored = json.loads(model._native.front_end_data())
    stored["fitted_from"].update(facts)
    model._native.set_front_end_data(json.dumps(stored))
    model._frame_types["fitted_from"].update(facts)


def fit(ddf, model="auto", seed=42, *, sample_rows=1_000_000, progress=None, **fit_options):
    """Fits a model on a Dask DataFrame (e.g. dd.read_csv("part-*.csv")) in passes over its
    partitions: facts of every row, then a uniform sample of sample_rows rows (all rows when there
    are fewer), completed so that every label and missing value seen anywhere is learnt and
    whole-number columns are typed by all rows; for a copula fitted on a sample, a third pass fits
    its dependence on every row. Returns a synthtab.Model, as synthtab.fit does; its
    info["fitted_from"] says how many rows and partitions there were, how many rows the marginals
    and the dependence learnt from, and the sample's rank error. fit_options are synthtab.fit's
    (threads, missing, categorical, ..., and the model's parameters)."""
    import dask.dataframe as dd

    from . import _fit, _native

    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(f"expected a dask DataFrame, got {type(ddf).__name__}")
    if isinstance(sample_rows, bool) or not isinstance(sample_rows, int) or sample_rows < 2:
        raise ValueError(f"sample_rows expects a whole number >= 2, got {sample_rows!r}")
    names = [str(c) for c in ddf.columns]
    parts = ddf.to_delayed()
    facts = _tree_reduce([dask.delayed(_facts, pure=True)(part, i) for i, part in enumerate(parts)], _merge).compute()
    rows = facts["rows"]
    if rows == 0:
        raise ValueError(f"the dask DataFrame has no rows ({len(names)} columns)")
    probability = min(1.0, sample_rows / rows)
    drawn = dask.compute(*[dask.delayed(_draw, pure=True)(part, i, probability, seed) for i, part in enumerate(parts)])
    sample = pd.concat(drawn, ignore_index=True) if len(drawn) > 1 else drawn[0].reset_index(drop=True)
    wanted = _completing_rows(facts, sample)
    if wanted:
        by_partition = {}
        for partition, row in wanted:
            by_partition.setdefault(partition, []).append(row)
        added = dask.compute(*[dask.delayed(_rows_at, pure=True)(parts[p], r) for p, r in sorted(by_partition.items())])
        sample = pd.concat([sample, *added], ignore_index=True)
    sample = _categories_as_everywhere(sample, facts, ddf)

    options = {"threads": fit_options.pop("threads", 0), "missing": fit_options.pop("missing", "auto"),
               "expand_dates": fit_options.pop("expand_dates", False),
               "max_memory": _native.memory_limit(fit_options.pop("max_memory", None)),
               "constraints": list(fit_options.pop("constraints", ()) or ()),
               "find_constraints": bool(fit_options.pop("find_constraints", True)),
               "drop_constraints": [int(n) for n in fit_options.pop("drop_constraints", ()) or ()]}
    for key in ("categorical", "numeric", "datetime", "drop"):
        options[key] = list(fit_options.pop(key, ()) or ())
    named = {n for key in ("categorical", "numeric", "datetime", "drop") for n in options[key]}
    levels = _level_overrides(facts, sample, names, named)
    for key, columns in levels.items():
        options[key] += columns
    drawn_rows = len(sample) - len(wanted)
    fitted_from = {
        "engine": "dask", "partitions": len(parts), "rows": rows, "sample_rows": len(sample), "dependence_rows": None,
        "drawn_rows": drawn_rows, "added_rows": len(wanted), "seed": seed,
        "rank_error": 0.0 if probability >= 1.0 else
        math.sqrt(math.log(2.0 / (1.0 - _RANK_ERROR_CONFIDENCE)) / (2.0 * drawn_rows)),
        "rank_error_confidence": _RANK_ERROR_CONFIDENCE,
        "typed_by_all_rows": levels["categorical"] + levels["numeric"]}
    fitted = _fit(sample, model, seed, progress, options, fit_options, fitted_from)
    if probability >= 1.0 or not _refits_dependence(fitted, options):
        _record(fitted, dependence_rows=len(sample))
        return fitted
    from .dask import _model_reference
    reference = _model_reference(fitted)
    sums = _tree_reduce([dask.delayed(_dependence_sums, pure=True)(reference, part, i) for i, part in enumerate(parts)],
                        _add).compute()
    fitted._native.refit_dependence(sums)
    _record(fitted, dependence_rows=int(sums[0]))
    return fitted
