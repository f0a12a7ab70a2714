#!/usr/bin/python3
"""The quality suite's split into a tuning half and a report half, drawn once, before any tuning.

    /usr/bin/python3 bench/quality/split.py           # check: the recorded halves are the draw's
    /usr/bin/python3 bench/quality/split.py --write   # (re)record kind, rows and half in datasets.json

Each table of bench/quality/datasets.json is put in one of four strata by its kind ('discrete':
more than half of its columns categorical or integers with few distinct values, see
run.py's column_kinds; else 'continuous') and its size (under 60 rows or not). Within each
stratum, taken in a fixed order, the table names are sorted and shuffled with
random.Random(SEED); the first half of the shuffled list goes to 'tuning', the second to
'report', and an odd stratum's last table goes to the half that has fewer tables so far (on a tie,
a draw from the same generator). So each half has both kinds and both sizes, and the draw is
reproduced exactly from the recorded kinds and row counts.

Tune on the tuning half (run.py --half tuning); report on the report half. The split is not to be
redrawn after tuning has started: a table added later must be given its half by hand (and say so
in its note), since redrawing would move tables between the halves.

Check mode loads every table (as run.py does, so the bench's packages must be installed) and fails
if a recorded kind or row count no longer matches the data, or a recorded half is not the draw's.
Only the standard library is used.
"""
import argparse
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402  (bench/quality/run.py: the same table loader and kind rule)

SEED = 20261203  # the date the split was drawn
SMALL = 60  # tables with fewer rows than this are 'small'
STRATA = [("discrete", True), ("discrete", False), ("continuous", True), ("continuous", False)]


def draw(tables):
    """tables: [{'name', 'kind', 'rows'}]; returns {name: 'tuning' | 'report'}."""
    rng = random.Random(SEED)
    half = {}
    count = {"tuning": 0, "report": 0}
    for kind, small in STRATA:
        names = sorted(t["name"] for t in tables if t["kind"] == kind and (t["rows"] < SMALL) == small)
        rng.shuffle(names)
        k = len(names) // 2
        for name in names[:k]:
            half[name] = "tuning"
        for name in names[k:2 * k]:
            half[name] = "report"
        if len(names) % 2:
            if count["tuning"] != count["report"]:
                side = "tuning" if count["tuning"] < count["report"] else "report"
            else:
                side = "tuning" if rng.random() < 0.5 else "report"
            half[names[-1]] = side
        for name in names:
            count[half[name]] += 1
    return half


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manifest", default=os.path.join(HERE, "datasets.json"))
    parser.add_argument("--write", action="store_true", help="record each table's kind, rows and half in the manifest")
    args = parser.parse_args()

    with open(args.manifest) as f:
        manifest = json.load(f)
    problems = []
    facts = []  # the draw's input, from the data themselves
    for spec in manifest["tables"]:
        header, rows = run.load_table(spec)
        kind = run.table_kind(spec, header, rows)
        facts.append({"name": spec["name"], "kind": kind, "rows": len(rows)})
        if args.write:
            spec["kind"], spec["rows"] = kind, len(rows)
        elif (spec.get("kind"), spec.get("rows")) != (kind, len(rows)):
            problems.append(f"{spec['name']}: recorded {spec.get('kind')}, {spec.get('rows')} rows; "
                            f"the data give {kind}, {len(rows)} rows")
    halves = draw(facts)
    for spec in manifest["tables"]:
        if args.write:
            spec["half"] = halves[spec["name"]]
        elif spec.get("half") != halves[spec["name"]]:
            problems.append(f"{spec['name']}: recorded half {spec.get('half')}, the draw gives {halves[spec['name']]}")

    print(f"{'':24s} {'tuning':>7s} {'report':>7s}")
    for kind, small in STRATA:
        line = f"{kind + (' <60 rows' if small else ' >=60 rows'):24s}"
        for side in ("tuning", "report"):
            line += f" {sum(1 for t in facts if t['kind'] == kind and (t['rows'] < SMALL) == small and halves[t['name']] == side):7d}"
        print(line)
    for side in ("tuning", "report"):
        print(f"{side}: " + ", ".join(t["name"] for t in manifest["tables"] if halves[t["name"]] == side))

    if args.write:
        with open(args.manifest, "w") as f:
            json.dump(manifest, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"recorded in {args.manifest}")
    elif problems:
        print("\n".join(problems), file=sys.stderr)
        sys.exit(1)
    else:
        print("the recorded halves are the draw's")


if __name__ == "__main__":
    main()
