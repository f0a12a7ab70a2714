#!/usr/bin/env python3
"""Writes the constraint catalogue's tables (tests/constraints/*.csv): small tables that each keep
one kind of business rule, or several. Run once; the CSVs are checked in. Standard library only,
seeded, so a rerun writes the same bytes."""
import csv
import datetime
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(header)
        out.writerows(rows)


def shares(rng, n, exception_rows=()):
    rows = []
    for i in range(n):
        a = round(rng.uniform(0, 0.6), 2)
        b = round(rng.uniform(0, 1 - a), 2)
        c = round(1 - a - b, 2)
        if i in exception_rows:
            c = round(c + 0.2, 2)
        rows.append([rng.choice(["north", "south", "east"]), f"{a:.2f}", f"{b:.2f}", f"{c:.2f}",
                     f"{rng.lognormvariate(5, 1):.2f}"])
    return rows


def main():
    rng = random.Random(20261204)
    write("shares.csv", ["region", "a", "b", "c", "spend"], shares(rng, 60))
    write("shares_exception.csv", ["region", "a", "b", "c", "spend"], shares(rng, 60, exception_rows={17}))
    start = datetime.date(2024, 1, 1)
    rows = []
    for _ in range(50):
        s = start + datetime.timedelta(days=rng.randrange(300))
        e = s + datetime.timedelta(days=rng.randrange(0, 31))
        rows.append([s.isoformat(), e.isoformat(), f"{rng.uniform(10, 500):.2f}"])
    write("dates.csv", ["start", "end", "amount"], rows)
    rows = []
    for _ in range(80):
        low = rng.uniform(5, 50)
        rows.append([f"{low:.2f}", f"{low + rng.expovariate(0.3):.2f}", rng.randrange(50, 5000)])
    write("min_max.csv", ["low", "high", "volume"], rows)
    rows = []
    for _ in range(50):
        a, b = rng.randrange(0, 200), rng.randrange(0, 80)
        rows.append([a, b, a + b])
    write("derived_sum.csv", ["a", "b", "total"], rows)
    rows = []
    for _ in range(50):
        price, units = round(rng.uniform(1, 30), 2), rng.randrange(1, 40)
        rows.append([f"{price:.2f}", units, f"{price * units:.2f}"])
    write("derived_product.csv", ["price", "units", "revenue"], rows)
    country = {"Paris": "France", "Lyon": "France", "Nice": "France", "Berlin": "Germany", "Munich": "Germany",
               "Hamburg": "Germany", "Madrid": "Spain", "Seville": "Spain", "Valencia": "Spain"}
    rows = []
    for _ in range(90):
        city = rng.choice(sorted(country))
        rows.append([city, country[city], f"{rng.uniform(100, 900):.1f}"])
    write("city_country.csv", ["city", "country", "sales"], rows)
    rows = [[f"{rng.randrange(5, 80) * 0.25:.2f}", rng.randrange(1, 20)] for _ in range(60)]
    write("grid.csv", ["price", "quantity"], rows)
    rows = []
    for _ in range(60):
        discount = 0.0 if rng.random() < 0.3 else min(1.0, round(rng.betavariate(2, 5), 2))
        amount = 0.0 if rng.random() < 0.2 else round(rng.expovariate(0.01), 2)
        rows.append([f"{discount:.2f}", f"{amount:.2f}", rng.choice(["web", "shop"])])
    write("bounds.csv", ["discount", "amount", "channel"], rows)
    rows = []
    for _ in range(60):
        x = rng.uniform(0, 10)
        y = x + rng.uniform(0.1, 5) if rng.random() < 0.9 else x - rng.uniform(0.1, 2)
        rows.append([f"{x:.2f}", f"{y:.2f}"])
    write("mostly.csv", ["x", "y"], rows)
    rows = []
    for _ in range(60):
        low = rng.randrange(0, 50)
        mid = low + rng.randrange(0, 30)
        high = mid + rng.randrange(0, 30)
        rows.append([low, mid, high, low + mid + high])
    write("chain.csv", ["low", "mid", "high", "total"], rows)
    header = [f"x{i}" for i in range(97)]
    header[48:48] = ["share_a", "share_b", "share_c"]
    rows = []
    for _ in range(60):
        values = [f"{rng.gauss(0, 1):.3f}" for _ in range(97)]
        a = round(rng.uniform(0, 0.5), 2)
        b = round(rng.uniform(0, 1 - a), 2)
        values[48:48] = [f"{a:.2f}", f"{b:.2f}", f"{1 - a - b:.2f}"]
        rows.append(values)
    write("wide.csv", header, rows)


if __name__ == "__main__":
    main()
