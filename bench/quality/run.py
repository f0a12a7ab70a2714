#!/usr/bin/python3
"""The quality benchmark: fit every model on a suite of public tables, evaluate each output
with `synthtab evaluate` against the real table, and print one table.

    /usr/bin/python3 bench/quality/run.py --synthtab build/bin/synthtab [--models auto,copula]
        [--half tuning|report|all] [--tables iris,wine] [--epochs E] [--out DIR] [--markdown FILE]
    /usr/bin/python3 bench/quality/run.py --list [--half tuning]   # load the tables, run nothing

Tables come from bench/quality/datasets.json (files shipped by python3-sklearn and
python3-statsmodels, R data sets of r-base-core and r-cran-mass written as CSV by
bench/quality/r_table.R, plus the seed's two tables), split once into a tuning half and a report
half (bench/quality/split.py). Each is rewritten as a plain CSV under DIR/data. For each model: `synthtab fit` (wall time and peak memory of that child, from
os.wait4's rusage), `synthtab sample` (as many rows as the real table), then
`synthtab evaluate --json`. Two reference rows come from the same runner: 'bootstrap' (real rows
resampled with replacement: the fidelity ceiling and the privacy floor) and 'marginals' (each
column resampled independently: no dependence at all).

Only the standard library is used, so it runs with Debian's /usr/bin/python3 as is.
"""
import argparse
import csv
import gzip
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DIST = "/usr/lib/python3/dist-packages"
REFERENCES = ("bootstrap", "marginals")


def resolve(path):
    for base in (ROOT, DIST):
        full = os.path.join(base, path)
        if os.path.exists(full):
            return full
    raise FileNotFoundError(f"{path}: not found under {ROOT} or {DIST} "
                            "(run scripts/install-deps.sh --bench)")


def read_rows(path, delimiter=None):
    with open(path, newline="", encoding="utf-8-sig") as f:
        text = f.read()
    if delimiter is None:
        delimiter = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;\t").delimiter
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    header = [h.strip().strip("'\"") for h in rows[0]]
    return header, [r for r in rows[1:] if r]


def read_r(spec):
    """An R data set through `Rscript bench/quality/r_table.R` (r-base-core, r-cran-mass)."""
    package, _, name = spec["r"].partition("::")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, name + ".csv")
        cmd = ["Rscript", os.path.join(HERE, "r_table.R"), package, name, path] + (["expand"] if spec.get("expand") else [])
        try:
            subprocess.run(cmd, check=True, capture_output=True, text=True)
        except FileNotFoundError:
            raise FileNotFoundError("Rscript: not found (run scripts/install-deps.sh --bench)") from None
        except subprocess.CalledProcessError as e:
            raise RuntimeError(f"{' '.join(cmd)}: {e.stderr.strip()} (run scripts/install-deps.sh --bench)") from None
        return read_rows(path, ",")


def load_table(spec):
    """Returns (header, rows) of the table as text cells; missing values are empty cells."""
    paths = [resolve(p) for p in spec.get("paths", [])]
    fmt = spec["format"]
    if fmt == "sklearn":  # first line: n_samples, n_features, class names; then data rows
        with open(paths[0], newline="") as f:
            rows = [r for r in csv.reader(f)][1:]
        names = spec["columns"]
        header = names
        rows = [r[:len(names)] for r in rows]
    elif fmt == "sklearn_diabetes":  # space-separated features and target, gzipped
        with gzip.open(paths[0], "rt") as f:
            features = [line.split() for line in f if line.strip()]
        with gzip.open(paths[1], "rt") as f:
            target = [line.split()[0] for line in f if line.strip()]
        header = spec["columns"]
        rows = [x + [y] for x, y in zip(features, target)]
    elif fmt == "r":  # an R package's data set ("MASS::housing"), written as CSV by r_table.R
        header, rows = read_r(spec)
    elif fmt == "csv_co2":  # weekly dates yyyymmdd: year and week of year, as numbers
        header, raw = read_rows(paths[0])
        rows = []
        for date, value in raw:
            day = time.strptime(date, "%Y%m%d")
            rows.append([str(day.tm_year), str(int(time.strftime("%W", day))), value])
        header = ["year", "week", "co2"]
    else:
        header, rows = read_rows(paths[0], spec.get("delimiter"))
    if "columns" in spec and fmt in ("csv", "r"):
        index = [header.index(c) for c in spec["columns"]]
        header = [header[i] for i in index]
        rows = [[r[i] for i in index] for r in rows]
    for name in spec.get("drop", []):
        i = header.index(name)
        header = header[:i] + header[i + 1:]
        rows = [r[:i] + r[i + 1:] for r in rows]
    rows = [[c.strip() for c in r] for r in rows]
    if spec.get("decimal_comma"):  # "0,91" -> "0.91": the benchmark is about models, not parsing
        rows = [[c.replace(",", ".") for c in r] for r in rows]
    if "max_rows" in spec and len(rows) > spec["max_rows"]:
        rows = random.Random(0).sample(rows, spec["max_rows"])  # deterministic subsample
    return header, rows


def is_number(cell):
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def column_kinds(spec, header, rows):
    """Each column's kind for the suite's split: 'id' (no name, or distinct text in every row:
    synthtab drops it), 'discrete' (listed as categorical, text, or integers with few distinct
    values: at most 30 and at most half the rows) or 'continuous'."""
    kinds = []
    limit = max(2, min(30, len(rows) // 2))
    for c, name in enumerate(header):
        values = [r[c] for r in rows if r[c] != ""]
        numeric = all(is_number(v) for v in values)
        if not name or (not numeric and len(set(values)) == len(rows)):
            kinds.append("id")
        elif name in spec.get("categorical", []) or not numeric:
            kinds.append("discrete")
        elif all(float(v).is_integer() for v in values) and len(set(float(v) for v in values)) <= limit:
            kinds.append("discrete")
        else:
            kinds.append("continuous")
    return kinds


def table_kind(spec, header, rows):
    """'discrete' (mostly categorical or integer-count columns: more than half of them) or
    'continuous'; ID columns are not counted."""
    kinds = [k for k in column_kinds(spec, header, rows) if k != "id"]
    return "discrete" if 2 * kinds.count("discrete") > len(kinds) else "continuous"


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


GNU_TIME = "/usr/bin/time"  # Debian's `time`


def run(cmd, log, stdout=None):
    """Runs a child; returns (seconds, peak RSS in MB). Raises on failure with its stderr.

    The peak comes from GNU time's %M when /usr/bin/time exists: os.wait4's ru_maxrss of a child
    includes the RSS of this runner at the fork (Linux keeps the high-water mark across exec), so
    a 7 MB synthtab child reads as this script's size (15-30 MB, more with large tables loaded).
    GNU time forks the child from its own small process, so its figure is the child's. Without
    it, the (inflated) wait4 figure is returned."""
    start = time.monotonic()
    with open(log, "a") as err, open(stdout or os.devnull, "w") as out, \
            tempfile.NamedTemporaryFile("r", suffix=".peak") as peak:
        timed = os.access(GNU_TIME, os.X_OK)
        err.write("$ " + " ".join(cmd) + "\n")
        err.flush()
        proc = subprocess.Popen(([GNU_TIME, "-f", "%M", "-o", peak.name] if timed else []) + cmd, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        lines = peak.read().split() if timed else []
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise RuntimeError(f"exit {code}: {' '.join(cmd)} (see {log})")
    kb = int(lines[-1]) if lines and lines[-1].isdigit() else usage.ru_maxrss
    return seconds, kb / 1024.0


def type_flags(spec):
    flags = []
    for name in spec.get("categorical", []):
        flags += ["--categorical", name]
    for name in spec.get("numeric", []):  # e.g. a count that synthtab's ID rule would drop (all unique)
        flags += ["--numeric", name]
    return flags


def reference_rows(kind, header, rows, n, seed):
    rng = random.Random(seed)
    if kind == "bootstrap":
        return [list(rng.choice(rows)) for _ in range(n)]
    columns = list(zip(*rows))
    return [[rng.choice(columns[c]) for c in range(len(header))] for _ in range(n)]


def summarise(result):
    q = result["quality"]
    ml = result.get("ml_efficacy") or {}
    metric = "r2" if ml.get("task") == "regression" else "macro_f1"
    priv = result["privacy"]
    out = {
        "quality": q["overall"],
        "shapes": q.get("column_shapes"),
        "pairs": q["column_pair_trends"],
        "auc": result["detection"]["auc"] if result.get("detection") else None,
        "tstr": (ml.get("tstr") or {}).get(metric),
        "trtr": (ml.get("trtr") or {}).get(metric),
        "metric": metric,
        "copies": priv["exact_copies"],
        "dcr": priv["dcr"]["ratio"],
    }
    # the worst-kept column pair of SDMetrics' pair trends (None on a one-column table)
    pairs = [p for p in q.get("pairs") or [] if p.get("score") is not None]
    if pairs:
        worst = min(pairs, key=lambda p: p["score"])
        out["min_pair"], out["min_pair_columns"] = worst["score"], list(worst["columns"])
    # evaluate's `relationships` (the largest change of a pairwise correlation or association), when it has them
    rel = result.get("relationships") or {}
    if rel.get("worst"):
        w = rel["worst"]
        out["rel_change"] = w.get("change")
        out["rel_columns"] = list(w.get("columns") or [w.get("column_a"), w.get("column_b")])
        out["rel_real"], out["rel_synthetic"] = w.get("real"), w.get("synthetic")
        out["rel_measure"] = w.get("measure")
    if "strongest_max_change" in rel:
        out["rel_strongest_max_change"] = rel["strongest_max_change"]
    return out


def normalise(cell):
    """A cell as compared for copies: the text written, numbers by value (1, 1.0 and 1e0 are equal)."""
    cell = cell.strip()
    try:
        value = float(cell)
    except ValueError:
        return cell
    return repr(value) if math.isfinite(value) else cell


def row_keys(header, rows, columns):
    index = [header.index(c) for c in columns]
    keys = []
    for r in rows:
        key = tuple(normalise(r[i]) if i < len(r) else "" for i in index)
        keys.append(None if all(c == "" for c in key) else key)  # an all-empty row is nobody's record
    return keys


def copy_shares(real_header, real_rows, synth_path, only=None):
    """(share of synthetic rows identical to some real row, share of real rows identical to at least
    one OTHER real row), on the columns both files have (and, given `only`, that evaluate compared:
    not the columns it left out as IDs); rows whose every cell is empty are not counted as copies
    (as in `synthtab evaluate`). The second share is the leave-one-out rate at which an unseen row
    drawn like the real ones would equal a training row."""
    synth_header, synth_rows = read_rows(synth_path, ",")
    columns = [c for c in real_header if c in synth_header and (only is None or c in only)]
    real = row_keys(real_header, real_rows, columns)
    synth = row_keys(synth_header, synth_rows, columns)
    counts = {}
    for k in real:
        if k is not None:
            counts[k] = counts.get(k, 0) + 1
    synth_share = sum(1 for k in synth if k is not None and k in counts) / len(synth) if synth else None
    loo_share = sum(1 for k in real if k is not None and counts[k] > 1) / len(real) if real else None
    return synth_share, loo_share


def fmt(value, digits=3):
    return "-" if value is None else f"{value:.{digits}f}"


def pct(value):
    return "-" if value is None else f"{100 * value:.1f} %"


def pair_name(columns):
    return " × ".join(str(c) for c in columns or [])


def markdown(results, models, tables):
    lines = ["| table | model | quality | shapes | pairs | min pair (columns) | worst relationship change (columns) | "
             "detection AUC | TSTR | TRTR | copies | identical to a real row | real LOO duplicates | DCR ratio | fit s | peak MB |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for t in tables:
        for m in models:
            r = results.get((t, m))
            if r is None:
                continue
            if "error" in r:
                lines.append(f"| {t} | {m} | failed: {r['error'][:60]} |" + " |" * 14)
                continue
            min_pair = (f"{fmt(r['min_pair'])} ({pair_name(r.get('min_pair_columns'))})"
                        if r.get("min_pair") is not None else "-")
            rel = (f"{r['rel_change']:+.3f} ({pair_name(r.get('rel_columns'))}: {fmt(r.get('rel_real'), 2)} → "
                   f"{fmt(r.get('rel_synthetic'), 2)})" if r.get("rel_change") is not None else "-")
            lines.append(f"| {t} | {m} | {fmt(r['quality'])} | {fmt(r.get('shapes'))} | {fmt(r['pairs'])} | {min_pair} | {rel} | "
                         f"{fmt(r['auc'])} | {fmt(r['tstr'])} | {fmt(r['trtr'])} | {r['copies']} | "
                         f"{pct(r.get('identical_share'))} | {pct(r.get('real_loo_share'))} | {fmt(r['dcr'], 2)} | "
                         f"{fmt(r.get('fit_seconds'), 2)} | {fmt(r.get('peak_mb'), 0)} |")
    return "\n".join(lines)


def mean_and_worst(rs, tables_of, value, lowest_is_worst=True, digits=3, signed=False, percent=False):
    """'mean (worst: table value)' over the rows that have the value."""
    pairs = [(tables_of[id(r)], value(r)) for r in rs if value(r) is not None]
    if not pairs:
        return "-"
    show = (lambda v: f"{100 * v:.1f} %") if percent else (lambda v: f"{v:+.{digits}f}" if signed else f"{v:.{digits}f}")
    mean = statistics.mean(v for _, v in pairs)
    name, worst = (min if lowest_is_worst else max)(pairs, key=lambda p: p[1])
    return f"{show(mean)} (worst: {name} {show(worst)})"


def averages(results, models, tables):
    lines = ["Each cell: the mean over the tables, and in brackets the worst table and its value.", "",
             "| model | tables | quality | shapes | pairs | min pair | worst relationship change (size) | detection AUC | "
             "TSTR − TRTR | within 0.05 | copies (tables with any) | identical to a real row | DCR ratio | fit s (total) | peak MB (max) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for m in models:
        named = [(t, results[(t, m)]) for t in tables if (t, m) in results and "error" not in results[(t, m)]]
        if not named:
            continue
        rs = [r for _, r in named]
        tables_of = {id(r): t for t, r in named}
        gap = lambda r: r["tstr"] - r["trtr"] if r.get("tstr") is not None and r.get("trtr") is not None else None
        gaps = [gap(r) for r in rs if gap(r) is not None]
        fit = [r["fit_seconds"] for r in rs if r.get("fit_seconds") is not None]
        mem = [r["peak_mb"] for r in rs if r.get("peak_mb") is not None]
        dcr = [r["dcr"] for r in rs if r.get("dcr") is not None]
        failed = sum(1 for t in tables if "error" in results.get((t, m), {}))
        lines.append(
            f"| {m} | {len(rs)}{f' ({failed} failed)' if failed else ''} | "
            f"{mean_and_worst(rs, tables_of, lambda r: r.get('quality'))} | "
            f"{mean_and_worst(rs, tables_of, lambda r: r.get('shapes'))} | "
            f"{mean_and_worst(rs, tables_of, lambda r: r.get('pairs'))} | "
            f"{mean_and_worst(rs, tables_of, lambda r: r.get('min_pair'))} | "
            f"{mean_and_worst(rs, tables_of, lambda r: abs(r['rel_change']) if r.get('rel_change') is not None else None, lowest_is_worst=False)} | "
            f"{mean_and_worst(rs, tables_of, lambda r: r.get('auc'), lowest_is_worst=False)} | "
            f"{mean_and_worst(rs, tables_of, gap, signed=True)} | "
            f"{sum(g >= -0.05 for g in gaps)}/{len(gaps)} | "
            f"{sum(r['copies'] for r in rs)} ({sum(r['copies'] > 0 for r in rs)}) | "
            f"{mean_and_worst(rs, tables_of, lambda r: r.get('identical_share'), lowest_is_worst=False, percent=True)} | "
            f"{fmt(statistics.median(dcr) if dcr else None, 2)} (median) | "
            f"{fmt(sum(fit) if fit else None, 1)} | {fmt(max(mem) if mem else None, 0)} |")
    return "\n".join(lines)


def cross_fit_averages(results, models, tables):
    """Per model, over the tables `synthtab validate` ran on: in-sample TSTR (the generator fitted
    on every row, scored on those rows) against cross-fitted TSTR, TRTR and augmented (each fold's
    generator never saw the rows it is scored on), the in-sample optimism, and the time."""
    lines = ["Each cell: the mean over the tables of the figure (R² or macro F1 on the held-out folds; "
             "`synthtab validate`, 5 folds, 5 repeats where folds hold under 10 rows).", "",
             "| model | tables | in-sample TSTR | cross-fitted TSTR | cross-fitted TRTR | augmented − TRTR | "
             "optimism (in-sample − cross-fitted TSTR) | helped / hurt by augmenting | cross-fit s (total) |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for m in models:
        rs = [results[(t, m)]["cross_fit"] for t in tables
              if (t, m) in results and isinstance(results[(t, m)].get("cross_fit"), dict)]
        if not rs:
            continue
        mean = lambda f: statistics.mean(f(r) for r in rs)
        helped = sum("adding them to the real rows helped" in r["verdict"] for r in rs)
        hurt = sum("adding them to the real rows hurt" in r["verdict"] for r in rs)
        lines.append(
            f"| {m} | {len(rs)} | {fmt(mean(lambda r: r['tstr_in_sample']))} | {fmt(mean(lambda r: r['tstr']))} | "
            f"{fmt(mean(lambda r: r['trtr']))} | {mean(lambda r: r['augmented'] - r['trtr']):+.3f} | "
            f"{mean(lambda r: r['tstr_in_sample'] - r['tstr']):+.3f} | {helped} / {hurt} | "
            f"{fmt(sum(r['seconds'] for r in rs), 1)} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthtab", default=os.path.join(ROOT, "build", "bin", "synthtab"))
    parser.add_argument("--models", default="", help="comma-separated; default: every model `synthtab models` lists, plus bootstrap and marginals; "
                        "MODEL:FLAGS adds fit flags, e.g. cart:--smoothing=none")
    parser.add_argument("--tables", default="", help="comma-separated table names (default: all)")
    parser.add_argument("--half", choices=("tuning", "report", "all"), default="all",
                        help="only the tables of this half of the suite (datasets.json's 'half', drawn by split.py)")
    parser.add_argument("--list", action="store_true", help="load every table and print its rows, columns and kind; run nothing")
    parser.add_argument("--manifest", default=os.path.join(HERE, "datasets.json"))
    parser.add_argument("--out", default=os.path.join(ROOT, "out", "bench-quality"))
    parser.add_argument("--markdown", default="", help="also write the tables here")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--epochs", type=int, default=0, help="epochs for the neural models (0 = their default)")
    parser.add_argument("--threads", type=int, default=1, help="threads per synthtab child")
    parser.add_argument("--reuse", action="append", default=[], help="results.json of an earlier run (repeatable): "
                        "its rows for models not run now are added to the tables (e.g. the slow neural models, run "
                        "once); with --models - nothing is run and the tables are only rendered")
    parser.add_argument("--cross-fit", action="store_true",
                        help="also run `synthtab validate` on each table and model (cross-fitted usefulness)")
    parser.add_argument("--min-rows", type=int, default=1000,
                        help="synthetic rows per table: max(real rows, this); the quality score of a few dozen "
                             "synthetic rows is mostly sampling noise")
    args = parser.parse_args()

    manifest = json.load(open(args.manifest))["tables"]
    if args.tables:
        wanted = args.tables.split(",")
        unknown = set(wanted) - {t["name"] for t in manifest}
        if unknown:
            parser.error("unknown table(s): " + ", ".join(sorted(unknown)))
        manifest = [t for t in manifest if t["name"] in wanted]
    if args.half != "all":
        manifest = [t for t in manifest if t.get("half") == args.half]
    if args.list:  # load every table, print its size and kind, run nothing
        print(f"{'table':16s} {'rows':>6s} {'cols':>4s} {'missing':>7s} {'kind':11s} half")
        for spec in manifest:
            header, rows = load_table(spec)
            missing = sum(c == "" for r in rows for c in r)
            print(f"{spec['name']:16s} {len(rows):6d} {len(header):4d} {missing:7d} "
                  f"{table_kind(spec, header, rows):11s} {spec.get('half', '-')}", flush=True)
        return
    if args.models == "-":
        models = []
    elif args.models:
        models = args.models.split(",")
    else:
        listed = subprocess.run([args.synthtab, "models"], capture_output=True, text=True, check=True).stdout
        models = [line.split()[0].strip("`") for line in listed.splitlines()
                  if line.strip() and not line.startswith(("model", "-", "|", " "))]
        # synthtab's `marginals` model is the reference of that name: computed here once, in Python.
        models = [m for m in models if m.isidentifier() and m not in REFERENCES] + list(REFERENCES)
    os.makedirs(os.path.join(args.out, "data"), exist_ok=True)
    log = os.path.join(args.out, "children.log")
    results = {}
    for spec in manifest:
        name = spec["name"]
        header, rows = load_table(spec)
        real = os.path.join(args.out, "data", name + ".csv")
        write_csv(real, header, rows)
        flags = type_flags(spec)
        n_synthetic = max(len(rows), args.min_rows)
        for model in models:
            stem = os.path.join(args.out, f"{name}.{model}")
            entry = {}
            try:
                if model in REFERENCES:
                    start = time.monotonic()
                    write_csv(stem + ".csv", header, reference_rows(model, header, rows, n_synthetic, args.seed))
                    entry["fit_seconds"] = time.monotonic() - start
                else:
                    base, _, extra = model.partition(":")  # e.g. "cart:--smoothing=none": extra fit flags
                    fit = [args.synthtab, "fit", real, "-o", stem + ".synthtab", "--model", base,
                           "--seed", str(args.seed), "--threads", str(args.threads)] + flags + extra.split()
                    if args.epochs > 0 and base in ("wgan", "gan", "ctgan", "tvae"):
                        fit += ["--epochs", str(args.epochs)]
                    entry["fit_seconds"], entry["peak_mb"] = run(fit, log, stem + ".fit.txt")
                    run([args.synthtab, "sample", stem + ".synthtab", "-n", str(n_synthetic), "-o", stem + ".csv",
                         "--quiet"], log)
                evaluate = [args.synthtab, "evaluate", real, stem + ".csv", "--target", spec["target"],
                            "--task", spec["task"], "--json", stem + ".json", "--permutations", "0",
                            "--seed", str(args.seed), "--threads", str(args.threads), "--quiet"] + flags
                run(evaluate, log)
                evaluation = json.load(open(stem + ".json"))
                entry.update(summarise(evaluation))
                entry["identical_share"], entry["real_loo_share"] = copy_shares(header, rows, stem + ".csv",
                                                                                evaluation.get("columns"))
                if args.cross_fit and model not in REFERENCES:
                    validate = [args.synthtab, "validate", real, "--target", spec["target"], "--task", spec["task"],
                                "--model", base, "--seed", str(args.seed), "--threads", str(args.threads),
                                "--json", stem + ".validate.json", "--quiet"] + flags + extra.split()
                    seconds, _ = run(validate, log)
                    v = json.load(open(stem + ".validate.json"))
                    entry["cross_fit"] = {"tstr_in_sample": v["tstr_in_sample"], "tstr": v["tstr"]["mean"],
                                          "trtr": v["trtr"]["mean"], "augmented": v["augmented"]["mean"],
                                          "verdict": v["verdict"], "seconds": seconds}
                if model == "auto":  # which model it chose, and the candidates' scores
                    chose = [line.strip() for line in open(stem + ".fit.txt") if "chose" in line]
                    entry["choice"] = chose[0] if chose else ""
            except Exception as e:  # one failure must not stop the suite
                entry = {"error": str(e)}
            results[(name, model)] = entry
            r = entry
            print(f"{name:14s} {model:10s} " + ("failed: " + r["error"] if "error" in r else
                  f"quality {fmt(r['quality'])} shapes {fmt(r.get('shapes'))} pairs {fmt(r['pairs'])} "
                  f"min pair {fmt(r.get('min_pair'))} auc {fmt(r['auc'])} "
                  f"tstr {fmt(r['tstr'])} trtr {fmt(r['trtr'])} copies {r['copies']} identical {pct(r.get('identical_share'))} "
                  f"(real LOO {pct(r.get('real_loo_share'))}) dcr {fmt(r['dcr'], 2)} "
                  f"fit {fmt(r.get('fit_seconds'), 2)}s {fmt(r.get('peak_mb'), 0)}MB"), flush=True)
    tables = [t["name"] for t in manifest]
    for reused in args.reuse:
        earlier = json.load(open(reused))
        for key, entry in earlier.items():
            table, model = key.split("/", 1)
            if table in tables and (table, model) not in results:
                results[(table, model)] = entry
                if model not in models:
                    models.append(model)
    models = [m for m in models if m not in REFERENCES] + [m for m in models if m in REFERENCES]
    text = ("## Averages over tables\n\n" + averages(results, models, tables) +
            "\n\n## Per table\n\n" + markdown(results, models, tables) + "\n")
    if args.cross_fit:
        text += "\n## Cross-fitted usefulness\n\n" + cross_fit_averages(results, models, tables) + "\n"
    print()
    print(text)
    json.dump({f"{t}/{m}": r for (t, m), r in results.items()}, open(os.path.join(args.out, "results.json"), "w"), indent=1)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
