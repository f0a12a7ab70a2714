"""Data frames in and out: every supported dtype round-trips, with missing values, and what the
library cannot read is refused with a clear ValueError."""
import numpy as np
import pandas as pd
import pytest

import synthtab

ROWS = 60


def typed_frame():
    rng = np.random.default_rng(3)
    colours = pd.Categorical(rng.choice(["red", "green", "blue"], ROWS), categories=["red", "green", "blue", "grey"])
    sizes = pd.Categorical(rng.choice(["S", "M", "L"], ROWS), categories=["S", "M", "L"], ordered=True)
    spend = rng.gamma(2.0, 300.0, ROWS)
    with_gaps = pd.array(np.where(rng.random(ROWS) < 0.2, None, rng.integers(0, 500, ROWS)), dtype="Int64")
    ratio = pd.array(np.where(rng.random(ROWS) < 0.2, None, rng.random(ROWS)), dtype="Float64")
    flag = pd.array(np.where(rng.random(ROWS) < 0.2, None, rng.random(ROWS) < 0.5), dtype="boolean")
    note = pd.array(np.where(rng.random(ROWS) < 0.2, None, rng.choice(["a", "b", "c"], ROWS)), dtype="string")
    return pd.DataFrame({
        "visits": rng.integers(100, 140, ROWS).astype(np.int64),  # repeats: not an ID
        "spend €": spend,
        "active": rng.random(ROWS) < 0.4,
        "colour": colours,
        "size": sizes,
        "city": rng.choice(["Berlin", "Lyon", "Porto"], ROWS).astype(object),
        "day": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, ROWS), unit="D"),
        "orders": with_gaps,
        "ratio": ratio,
        "flag": flag,
        "note": note,
    }, index=pd.RangeIndex(1000, 1000 + ROWS))


def test_every_dtype_comes_back_as_it_went_in():
    frame = typed_frame()
    rows = synthtab.fit(frame, model="copula", seed=1, progress=False).sample(500)
    assert list(rows.columns) == list(frame.columns)
    for name in frame.columns:
        assert rows[name].dtype == frame[name].dtype, name
    assert list(rows["colour"].cat.categories) == ["red", "green", "blue", "grey"]
    assert not rows["colour"].cat.ordered and rows["size"].cat.ordered
    assert set(rows["city"].dropna()) <= {"Berlin", "Lyon", "Porto"}
    assert rows["day"].min() >= frame["day"].min() and rows["day"].max() <= frame["day"].max()
    assert (rows["day"].dt.normalize() == rows["day"]).all()  # whole days stay whole days


def test_missing_values_are_generated_where_the_real_rows_have_them():
    frame = typed_frame()
    rows = synthtab.fit(frame, model="copula", seed=1, progress=False).sample(2000)
    for name in ["orders", "ratio", "flag", "note"]:
        real_share = frame[name].isna().mean()
        assert 0.05 < rows[name].isna().mean() < 0.4, (name, real_share)
    for name in ["visits", "spend €", "active", "colour", "day"]:
        assert rows[name].notna().all(), name


def test_the_index_is_ignored_and_the_rows_are_numbered_from_zero():
    frame = typed_frame()
    shuffled_index = frame.set_index(pd.Index(np.arange(ROWS)[::-1] * 7))
    a = synthtab.fit(frame, model="copula", seed=2, progress=False).sample(50)
    b = synthtab.fit(shuffled_index, model="copula", seed=2, progress=False).sample(50)
    pd.testing.assert_frame_equal(a, b)
    assert list(a.index) == list(range(50))


def test_timezones_and_non_text_labels_round_trip():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({0: rng.normal(size=40), 1: rng.normal(size=40),
                          "when": pd.date_range("2024-03-01", periods=40, freq="6H", tz="Europe/Berlin")})
    rows = synthtab.fit(frame, model="copula", seed=1, progress=False).sample(30)
    assert list(rows.columns) == [0, 1, "when"]
    assert str(rows["when"].dt.tz) == "Europe/Berlin"


def test_integer_categories_keep_their_values():
    frame = pd.DataFrame({"year": pd.Categorical([2021, 2022] * 20), "x": np.arange(40.0) ** 1.5})
    rows = synthtab.fit(frame, model="copula", seed=1, progress=False).sample(40)
    assert list(rows["year"].cat.categories) == [2021, 2022]


@pytest.mark.parametrize("frame, message", [
    (pd.DataFrame(), "no columns"),
    (pd.DataFrame({"a": pd.Series([], dtype=float)}), "no rows"),
    (pd.DataFrame([[1.0, 2.0]] * 5, columns=["a", "a"]), "both named 'a'"),
    (pd.DataFrame({"a": [1.0, np.inf, 3.0], "b": [1.0, 2.0, 3.0]}), "finite number"),
    (pd.DataFrame({"a": pd.to_timedelta([1, 2, 3], unit="s"), "b": [1.0, 2.0, 3.0]}), "does not read"),
    (pd.DataFrame({"a": [1.5]}), "at least 2 rows"),
])
def test_what_cannot_be_read_is_a_value_error(frame, message):
    with pytest.raises(ValueError, match=message):
        synthtab.fit(frame, model="copula", progress=False)


def test_a_one_column_frame_works():
    frame = pd.DataFrame({"only": np.random.default_rng(1).normal(size=30)})
    rows = synthtab.fit(frame, model="copula", seed=3, progress=False).sample(10)
    assert list(rows.columns) == ["only"] and rows["only"].dtype == np.float64 and len(rows) == 10


def test_a_frame_needs_at_least_two_rows_but_two_will_do():
    frame = pd.DataFrame({"a": [1.0, 2.5], "b": ["x", "y"]})
    rows = synthtab.fit(frame, model="copula", seed=3, progress=False).sample(5, copies="allow")
    assert len(rows) == 5


def test_zero_rows_are_an_empty_frame_with_the_columns():
    frame = typed_frame()
    rows = synthtab.fit(frame, model="copula", seed=1, progress=False).sample(0)
    assert len(rows) == 0 and list(rows.columns) == list(frame.columns)


def test_float_columns_come_out_without_a_copy():
    frame = pd.DataFrame({"x": np.random.default_rng(1).normal(size=40), "y": np.arange(40.0) ** 1.5})
    rows = synthtab.fit(frame, model="copula", seed=3, progress=False).sample(1000)
    for name in ("x", "y"):
        base = rows[name].to_numpy()
        while isinstance(base, np.ndarray) and base.base is not None:
            base = base.base
        assert type(base).__name__ == "PyCapsule", name  # the library's vector, handed over


def test_float64_and_int64_columns_go_in_without_a_copy():
    from synthtab import _frames

    frame = pd.DataFrame({"x": np.random.default_rng(2).normal(size=50), "n": np.arange(50, dtype=np.int64),
                          "small": np.arange(50, dtype=np.int32), "gaps": pd.array([1.5, None] * 25, dtype="Float64")})
    columns, _, _ = _frames.to_columns(frame)
    sent = {name: values for name, _, values, _ in columns}
    assert np.shares_memory(sent["x"], frame["x"].to_numpy())  # the library reads these in place
    assert np.shares_memory(sent["n"], frame["n"].to_numpy())
    assert sent["small"].dtype == np.int64  # other widths are converted first
    assert sent["gaps"].dtype == np.float64 and np.isnan(sent["gaps"][1])


def test_numbers_read_in_place_type_as_the_same_numbers_from_csv(tmp_path):
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"level": rng.integers(0, 4, 60), "count": np.arange(60) * 3 + 7,
                          "spend": rng.gamma(2.0, 500.0, 60).round(2), "share": rng.uniform(size=60),
                          "big": np.arange(60, dtype=np.int64) * 1_000_003 + 2**53 + 1})
    frame.loc[[3, 17], "share"] = np.nan
    path = tmp_path / "t.csv"
    frame.to_csv(path, index=False)
    from_frame = synthtab.fit(frame, model="copula", seed=9, progress=False)
    from_csv = synthtab.fit(str(path), model="copula", seed=9, progress=False)
    assert from_frame.info["columns"] == from_csv.info["columns"]
    pd.testing.assert_frame_equal(from_frame.sample(300), from_csv.sample(300), check_dtype=False)
