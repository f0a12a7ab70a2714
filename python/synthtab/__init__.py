"""synthtab: learn a table (even a tiny one) and generate realistic synthetic rows.

    import synthtab
    model = synthtab.fit(df, model="auto", seed=7)    # df: a DataFrame, or a CSV path
    rows = model.sample(2000)                          # a DataFrame with df's columns and types
    model.save("roi.synthtab"); model = synthtab.load("roi.synthtab")
    synthtab.evaluate(df, rows, target="MRR")          # every figure, as `synthtab evaluate --json`
    synthtab.validate(df, target="MRR")                # does training on synthetic rows help? (cross-fitted)
    synthtab.report(df, rows, "report.html", target="MRR")
    synthtab.curve(df, spend=["Google ads"], response="MRR")
    synthtab.models()                                  # the models and their parameters

The work runs in synthtab's C++ library, without the GIL; Ctrl-C stops it. Errors are
ValueError (bad data or options), OSError (files), synthtab.ModelFileError (a model file that
is damaged or not one) and MemoryError (a table larger than `max_memory` allows).
"""

import html
import json
import operator
import os
import sys

from . import _frames, _native
from ._native import ModelFileError

__all__ = ["fit", "load", "Model", "evaluate", "validate", "report", "Report", "curve", "CurveResult", "models",
           "ModelFileError"]
__version__ = "0.1.0"


# --- progress -------------------------------------------------------------------------------

def _in_notebook():
    shell = sys.modules.get("IPython")
    try:
        return shell is not None and shell.get_ipython() is not None and \
            shell.get_ipython().__class__.__name__ == "ZMQInteractiveShell"
    except AttributeError:
        return False


def _tqdm_class():
    """tqdm's notebook widget where ipywidgets can draw it (7 or later), else its text bar (which
    a notebook shows too, without tqdm.auto's warning)."""
    if _in_notebook():
        try:
            import ipywidgets
            if int(ipywidgets.__version__.split(".")[0]) >= 7:
                from tqdm.notebook import tqdm
                return tqdm
        except (ImportError, ValueError):
            pass
    from tqdm.std import tqdm
    return tqdm


class _ProgressBars:
    """tqdm bars for the library's phases ("training", "sampling"); nothing when quiet."""

    def __init__(self, enabled):
        if enabled is None:
            enabled = _in_notebook() or sys.stderr.isatty()
        self.enabled = bool(enabled)
        self.bar = None
        self.phase = None

    def __call__(self, phase, done, total, detail):
        if not self.enabled or not phase:
            return
        if phase != self.phase:
            self.close()
            self.bar = _tqdm_class()(total=total, desc=phase, delay=0.5, leave=False)
            self.phase = phase
        self.bar.n = done
        if detail:
            self.bar.set_postfix_str(detail, refresh=False)
        self.bar.refresh()

    def close(self):
        if self.bar is not None:
            self.bar.close()
        self.bar = None
        self.phase = None

    def show(self):
        return self if self.enabled else None


def _run(progress, call, *args):
    bars = _ProgressBars(progress)
    try:
        return call(*args, bars.show())
    finally:
        bars.close()


# --- fitting and sampling --------------------------------------------------------------------

def _table_input(data, source, overrides_out=None):
    """A CSV path as is, or a frame as the library's columns (and its types)."""
    if isinstance(data, (str, os.PathLike)):
        path = os.fspath(data)
        if not os.path.exists(path):
            raise FileNotFoundError(2, "No such file", path)
        return path, None
    columns, frame_types, overrides = _frames.to_columns(data, source)
    if overrides_out is not None:
        overrides_out.update(overrides)
    return columns, frame_types


def _merge_overrides(options, inferred):
    """The frame's dtypes decide a column's kind (a category stays one) unless the caller says."""
    named = set()
    for key in ("categorical", "numeric", "datetime", "drop"):
        options[key] = list(options.get(key) or ())
        named.update(options[key])
    for key, names in inferred.items():
        options[key] += [n for n in names if n not in named]


def fit(data, model="auto", seed=42, *, progress=None, threads=0, missing="auto", categorical=(),
        numeric=(), datetime=(), drop=(), expand_dates=False, max_memory=None, constraints=(),
        find_constraints=True, drop_constraints=(), **params):
    """Learn a table and return the fitted Model.

    data: a pandas DataFrame (its index is ignored; its column names, order and dtypes are
        kept), or the path of a CSV file (read as `synthtab fit` reads it).
    model: "auto" (default: fits the candidates on 70 % of the rows, keeps the one most faithful
        to the rest), or a name from synthtab.models().
    seed: the same data and seed give the same model and the same rows, bit for bit;
        fit(pd.read_csv(p), seed=7).sample(n) equals `synthtab generate p --seed 7 -n n`.
    progress: a progress bar (tqdm; in a notebook too); None shows one on a terminal or in a
        notebook, False never.
    threads: threads for training (0 = all cores).
    missing: "auto", "model" (keep missing values and generate them at the real rate) or
        "fill" (the seed's rules).
    categorical, numeric, datetime, drop: column names whose inferred type to override, or to
        leave out.
    expand_dates: the seed's rule, a date column becomes ISO year, week and weekday columns.
    max_memory: bytes (or "4G", "500M") the fit may use; None = 80 % of the available memory.
    constraints: business rules every synthetic row keeps, e.g. ["A + B + C = 1", "start <= end",
        "country <- city"] (grammar: docs/constraints.md); a rule that does not parse, names an
        absent column or contradicts another raises ValueError. Rules found in the rows are kept
        too (info["rules"] lists them, numbered) unless find_constraints=False; drop_constraints
        leaves found rules out by their numbers.
    **params: the model's own parameters, e.g. epochs=300 for wgan; an unknown or out-of-range
        one raises ValueError. The models' parameters are listed below and by synthtab.models().
    """
    options = {"threads": threads, "missing": missing, "categorical": categorical, "numeric": numeric,
               "datetime": datetime, "drop": drop, "expand_dates": expand_dates,
               "max_memory": _native.memory_limit(max_memory), "constraints": list(constraints),
               "find_constraints": bool(find_constraints), "drop_constraints": [int(n) for n in drop_constraints]}
    return _fit(data, model, seed, progress, options, params)


def _fit(data, model, seed, progress, options, params, fitted_from=None):
    """fit's work; `fitted_from` (a dict) says how the rows were drawn (synthtab.dask.fit) and is
    kept in the model file, shown as info["fitted_from"]."""
    inferred = {}
    table, frame_types = _table_input(data, "data frame", inferred)
    _merge_overrides(options, inferred)
    if fitted_from is not None:
        frame_types["fitted_from"] = fitted_from
    stored = _frames.dumps(frame_types)
    native = _run(progress, _native.fit, table, model, seed, params, options, stored)
    return Model(native, _frames.check_frame_types(json.loads(stored), "data frame") if stored else None)


def load(path):
    """A Model saved by Model.save or `synthtab fit` (ModelFileError when it is not one)."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(2, "No such file", path)
    return Model._from_native(_native.load(path, 0), path)


class Model:
    """A fitted model: sample rows, save it, pickle it, read what it is (`info`)."""

    def __init__(self, native, frame_types):
        self._native = native
        self._frame_types = frame_types

    @classmethod
    def _from_native(cls, native, source):
        text = native.front_end_data()
        frame_types = None
        if text:
            try:
                frame_types = _frames.check_frame_types(json.loads(text), f"{source}: section 'front_end'")
            except (ValueError, TypeError) as error:
                raise ModelFileError(str(error)) from None
        return cls(native, frame_types)

    def sample(self, n=2000, seed=None, shard=None, *, copies="holdout", given=None, progress=None):
        """n synthetic rows as a DataFrame with the fitted frame's columns and dtypes.

        seed: the rows' stream; None = the fit's seed (as `synthtab generate` does).
        shard: (i, k) or "i/k" - only the i-th of k parts of the n rows; the k parts joined in
            order are the n rows.
        copies: "holdout" (default), "never" or "allow": what to do with a row equal to a
            training row (see `synthtab generate --help`).
        given: {column: value} - every row holds these values, the others drawn from the model's
            distribution given them (the copula, exactly; other models hold categories and whole
            numbers by drawing rows again, and raise ValueError for a real number), as
            `synthtab sample --condition "column=value"`.
        """
        try:
            n = -1 if isinstance(n, bool) else operator.index(n)
        except TypeError:
            n = -1
        if n < 0:
            raise ValueError(f"n expects a number of rows >= 0, got {n!r}")
        first, count = 0, n
        if shard is not None:
            index, parts = _shard(shard)
            first, last = n * (index - 1) // parts, n * index // parts
            count = last - first
        fit_seed = self.info["seed"] if seed is None else seed
        stats = {}
        columns = _run(progress, self._native.sample, first, count, _native.sampling_seed(fit_seed), copies,
                       _given(given), stats)
        self.last_sample_stats = stats
        frame = _frames.to_frame(columns, self._frame_types)
        frame.index = range(first, first + count)
        return frame

    def write_csv(self, path, n=2000, seed=None, shard=None, *, copies="holdout", given=None, progress=None):
        """Writes n synthetic rows (or one shard of them) as CSV, atomically and block by block:
        the bytes `synthtab sample MODEL -n n [--seed S] [--shard i/k]` writes, without holding the
        rows in memory. Each shard's file has the header. given: as for sample()."""
        index, parts = (1, 1) if shard is None else _shard(shard)
        fit_seed = self.info["seed"] if seed is None else seed
        self.last_sample_stats = _run(progress, self._native.write_csv, os.fspath(path), n,
                                      _native.sampling_seed(fit_seed), copies, _given(given), index, parts)

    def save(self, path):
        """Writes the model file (atomically): `synthtab sample` reads it too."""
        self._native.save(os.fspath(path))

    @property
    def info(self):
        """The chosen model, its parameters and settings, each column's type and the preparation log;
        for a model fitted by synthtab.dask.fit, how its rows were drawn ("fitted_from")."""
        info = self._native.info()
        if self._frame_types and "fitted_from" in self._frame_types:
            info["fitted_from"] = self._frame_types["fitted_from"]
        return info

    def __repr__(self):
        info = self.info
        return f"<synthtab.Model {info['model']} fitted on {info['training_rows']} rows>"

    def __getstate__(self):
        return {"model_file": self._native.to_bytes()}

    def __setstate__(self, state):
        restored = Model._from_native(_native.from_bytes(state["model_file"], "pickled model"), "pickled model")
        self.__dict__.update(restored.__dict__)


def _given(given):
    """{column: value} as (name, text) pairs; numbers written as a CSV cell would be."""
    if given is None:
        return []
    if not isinstance(given, dict):
        raise TypeError(f"given expects a dict of column: value, got {type(given).__name__}")
    pairs = []
    for column, value in given.items():
        if isinstance(value, bool) or value is None:
            raise ValueError(f"given[{column!r}]: expected a number or a category's label, got {value!r}")
        pairs.append((str(column), repr(float(value)) if isinstance(value, float) else str(value)))
    return pairs


def _shard(shard):
    if isinstance(shard, str):
        parts = shard.split("/")
        if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
            raise ValueError(f"shard expects i/k with 1 <= i <= k, got {shard!r}")
        shard = (int(parts[0]), int(parts[1]))
    index, count = shard
    if not (1 <= index <= count):
        raise ValueError(f"shard expects i/k with 1 <= i <= k, got {index}/{count}")
    return index, count


# --- evaluation and report -------------------------------------------------------------------

def _evaluation_tables(real, synthetic, holdout):
    """Frames as the library's columns, CSV paths as they are (the library reads them)."""
    real_table, _ = _table_input(real, "real")
    synthetic_table, _ = _table_input(synthetic, "synthetic")
    holdout_table = None if holdout is None else _table_input(holdout, "holdout")[0]
    return real_table, synthetic_table, holdout_table


def _table_name(data, fallback):
    return os.path.basename(os.fspath(data)) if isinstance(data, (str, os.PathLike)) else fallback


def evaluate(real, synthetic, *, target=None, task=None, holdout=None, geometry=False, topology=False,
             raw=False, topology_points=0, seed=42, threads=0, permutations=200, categorical=(),
             numeric=(), datetime=(), drop=(), max_memory=None, progress=None):
    """Every figure comparing synthetic rows with the real ones, as a dict laid out as
    `synthtab evaluate --json` writes it (docs/evaluation.md): per-column tests, MMD, pair
    relationships, detection AUC, ML efficacy on `target`, privacy distances (and the holdout's),
    geometry and topology when asked. The tables are DataFrames or CSV paths; the synthetic (and
    holdout) rows are read with the real table's column types.
    """
    tables = _evaluation_tables(real, synthetic, holdout)
    options = {"target": target or "", "task": task or "", "geometry": geometry, "topology": topology,
               "raw": raw, "topology_points": topology_points, "seed": seed, "threads": threads,
               "permutations": permutations, "categorical": list(categorical), "numeric": list(numeric),
               "datetime": list(datetime), "drop": list(drop), "max_memory": _native.memory_limit(max_memory)}
    return json.loads(_run(progress, _native.evaluate, *tables, options))


def validate(data, target, model="auto", seed=42, *, folds=5, repeats=0, rows=0, task=None, progress=None,
             threads=0, missing="auto", categorical=(), numeric=(), datetime=(), drop=(), max_memory=None, **params):
    """Cross-fitted validation: does training on synthetic rows help a model of `target` on rows
    the generator never saw? For each of `folds` folds the generator (`model`, auto's choice
    included) is fitted on the other folds only; its rows are judged on the held-out fold: a
    learner trained on the real training rows (trtr), on the synthetic rows (tstr) and on both
    (augmented); fidelity to the held-out rows against the training rows; and whether synthetic
    rows sit nearer training rows than held-out ones. Returns a dict laid out as
    `synthtab validate --json` writes it (docs/validation.md), each figure a mean, sd and per-fold
    values, with a one-sentence verdict and the optimistic in-sample TSTR for contrast.

    data: a DataFrame or a CSV path, as for fit. repeats: K-fold runs on fresh shuffles (0: 5 when
    the folds hold under 10 rows, else 1). rows: synthetic rows per fold (0: as many as the
    fold's training rows). The other options are fit's.
    """
    options = {"target": target, "task": task or "", "folds": folds, "repeats": repeats, "rows": rows,
               "threads": threads, "missing": missing, "categorical": categorical, "numeric": numeric,
               "datetime": datetime, "drop": drop, "expand_dates": False,
               "max_memory": _native.memory_limit(max_memory)}
    inferred = {}
    table, _ = _table_input(data, "data frame", inferred)
    _merge_overrides(options, inferred)
    return json.loads(_run(progress, _native.validate, table, model, seed, params, options))


class Report:
    """The HTML report: `html` holds the page; Jupyter shows it inline; `save(path)` writes it."""

    def __init__(self, page, path=None):
        self.html = page
        self.path = path

    def save(self, path):
        _native.write_text(os.fspath(path), self.html)
        self.path = os.fspath(path)

    def _repr_html_(self):
        # The page brings its own scripts and styles: isolated in a frame, they cannot clash with
        # the notebook's.
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" style="width:100%;height:900px;'
                f'border:1px solid #ddd" sandbox="allow-scripts"></iframe>')

    def __repr__(self):
        where = f" saved to {self.path}" if self.path else ""
        return f"<synthtab.Report, {len(self.html)} bytes of HTML{where}>"


def report(real, synthetic, path=None, *, target=None, task=None, holdout=None, x=None, y=None, color=None,
           geometry=True, topology=True, topology_points=300, seed=42, threads=0, permutations=200,
           categorical=(), numeric=(), datetime=(), drop=(), max_memory=None, progress=None):
    """The HTML report comparing synthetic rows with the real ones (as `synthtab report`), written
    to `path` when given; returns a Report, which a notebook shows inline.
    """
    tables = _evaluation_tables(real, synthetic, holdout)
    options = {"target": target or "", "task": task or "", "geometry": geometry, "topology": topology,
               "topology_points": topology_points, "seed": seed, "threads": threads, "permutations": permutations,
               "x": x or "", "y": y or "", "color": color or "", "categorical": list(categorical),
               "real_name": _table_name(real, "real"), "synthetic_name": _table_name(synthetic, "synthetic"),
               "numeric": list(numeric), "datetime": list(datetime), "drop": list(drop),
               "max_memory": _native.memory_limit(max_memory)}
    page = Report(_run(progress, _native.report, *tables, options))
    if path is not None:
        page.save(path)
    return page


# --- response curves -------------------------------------------------------------------------

class CurveResult:
    """Response curves: `channels` (one row per spend column, with its verdict), `parameters`
    (with intervals), `candidates` (every model tried, with its cross-validation error),
    `decomposition` (each period's response split into baseline and channels), `ridge` (the
    regularisation strength used) and `ridge_trials` (each strength tried, with its
    cross-validation error), `planned` (a model's rows at planned spends beside the curve, when
    given a model), `budget` (the
    split of a budget, when asked), `figures` (every figure, as `synthtab curve --json`),
    `summary` (the CLI's text) and `html` (the S-curve page of `synthtab curve --report`)."""

    def __init__(self, figures, summary, html=""):
        import pandas as pd
        self.figures = figures
        self.summary = summary
        self.html = html
        real = figures["real"]
        self.channels = pd.DataFrame([{k: v for k, v in c.items() if not isinstance(v, (list, dict))}
                                      for c in real.get("channels", [])])
        rows = []
        for channel in real.get("channels", []):
            for parameter in channel.get("parameters", []):
                rows.append({"channel": channel.get("spend"), **parameter})
        self.parameters = pd.DataFrame(rows)
        budget = figures.get("budget")
        self.budget = None if not budget else pd.DataFrame(budget.get("channels", []))
        self.candidates = pd.DataFrame(real.get("candidates", []))
        self.ridge = real.get("ridge", 0.0)
        planned = figures.get("planned_spends")
        self.planned = None if not planned else pd.DataFrame(
            planned.get("points", []),
            columns=["channel", "spend", "curve", "rows", "mean", "p5", "p25", "median", "p75", "p95"])
        self.ridge_trials = pd.DataFrame(real.get("ridge_trials", []), columns=["strength", "cv_rmse"])
        decomposition = []
        for row in real.get("decomposition", []):
            entry = {k: v for k, v in row.items() if k != "channels"}
            for channel, value in zip(real.get("channels", []), row.get("channels", [])):
                entry[channel.get("spend")] = value
            decomposition.append(entry)
        self.decomposition = pd.DataFrame(decomposition)

    def __repr__(self):
        return self.summary

    def _repr_html_(self):
        return f"<pre>{html.escape(self.summary)}</pre>"


def curve(data, spend, response, *, synthetic=None, time=None, adstock="auto", shape="auto",
          response_kind="auto", trend="auto", seasonality="auto", period=0, controls=(), payback_periods=12.0,
          ridge="none", budget=None, model=None, plan=None, bootstrap=500, step=1000.0, seed=42, threads=0, report=None,
          progress=None):
    """Fit advertising response curves (response = baseline + sum of S-curves of each spend):
    where does the next dollar go? Every choice left at "auto" (response kind flow or stock,
    shape, adstock, trend, seasonality) is made by rolling-origin cross-validation; `controls`
    are other columns that move the response; a stock's next-unit return is counted over
    `payback_periods` periods. `ridge` regularises the linear coefficients for small data:
    "none" (the default: its intervals are the honest ones), "auto" (its strength chosen by the
    same cross-validation), or a strength (a number).
    `synthetic` fits the synthetic rows too and compares the intervals;
    `budget` splits a total spend per period across the channels; `model` (a fitted `Model` of
    this table) draws its rows with each spend held at planned values to set beside the curve
    (`planned`): `plan` ({"Google ads": [3000, 6000]}), or the real spends' 10th to 90th
    percentiles; `report` (a path) also writes the S-curve page there.
    """
    if isinstance(spend, str):
        spend = [spend]
    table, _ = _table_input(data, "data")
    synthetic_table = None if synthetic is None else _table_input(synthetic, "synthetic")[0]
    if isinstance(controls, str):
        controls = [controls]
    options = {"spend": list(spend), "response": response, "time": time or "", "adstock": adstock,
               "shape": shape, "response_kind": response_kind, "trend": trend, "seasonality": seasonality,
               "period": float(period), "controls": list(controls), "payback": float(payback_periods), "budget": budget,
               "ridge": ridge if isinstance(ridge, str) else repr(float(ridge)),
               "report": "" if report is None else os.fspath(report), "bootstrap": bootstrap, "step": step, "seed": seed,
               "threads": threads}
    if model is not None and not isinstance(model, Model):
        raise TypeError(f"model: expected a synthtab.Model (from synthtab.fit or synthtab.load), got {type(model).__name__}")
    native_model = None if model is None else model._native
    if plan is not None:
        if model is None:
            raise ValueError("plan: the planned spends are drawn by a model; give model= too")
        options["plan"] = [f"{column}={float(value)!r}" for column, values in dict(plan).items()
                           for value in ([values] if isinstance(values, (int, float)) else values)]
    figures, summary, page = _run(progress, _native.curve, table, synthetic_table, native_model, options)
    return CurveResult(json.loads(figures), summary, page)


# --- the registry ----------------------------------------------------------------------------

def models():
    """The models as a DataFrame: name, description, whether it needs LibTorch, and its
    parameters (name, type, default, expected values, help)."""
    import pandas as pd
    rows = []
    for model in _native.models():
        parameters = model["parameters"] or [None]
        for parameter in parameters:
            row = {"model": model["name"], "description": model["description"],
                   "needs_torch": model["needs_torch"]}
            if parameter:
                row.update({f"parameter": parameter["name"], "type": parameter["type"],
                            "default": parameter["default"], "expected": parameter["expected"],
                            "help": parameter["help"]})
            rows.append(row)
    return pd.DataFrame(rows)


def _parameter_docs():
    """The models' parameters for help(fit), from the registry (which loads the LibTorch plugin)."""
    lines = ["", "Parameters of each model (synthtab.models() lists them too):"]
    for model in _native.models():
        lines.append(f"    {model['name']}: {model['description']}")
        for p in model["parameters"]:
            lines.append(f"        {p['name']} ({p['expected']}; default {p['default']}): {p['help']}")
    return "\n".join(lines)


# Written by the build from _parameter_docs() (python/CMakeLists.txt), so that importing synthtab
# does not load LibTorch (a second and more) only to document fit.
try:
    from ._model_docs import PARAMETER_DOCS
except ImportError:
    PARAMETER_DOCS = _parameter_docs()
fit.__doc__ += PARAMETER_DOCS

