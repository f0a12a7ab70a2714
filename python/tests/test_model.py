"""Fitting, sampling, saving: the same rows as the CLI, shards, files, pickles and errors."""
import pickle
import subprocess

import numpy as np
import pandas as pd
import pytest

import synthtab


def cli_rows(cli, tmp_path, *args):
    out = tmp_path / "cli.csv"
    subprocess.run([cli, *args, "-o", str(out), "--quiet"], check=True)
    return pd.read_csv(out, float_precision="round_trip")


@pytest.mark.parametrize("model", ["auto", "cart"])
def test_a_frame_gives_the_same_rows_as_the_cli_on_its_csv(cli, roi_path, tmp_path, model):
    rows = synthtab.fit(pd.read_csv(roi_path), model=model, seed=7, progress=False).sample(2000)
    expected = cli_rows(cli, tmp_path, "generate", str(roi_path), "--seed", "7", "-n", "2000", "--model", model)
    pd.testing.assert_frame_equal(rows, expected, check_exact=True)


def test_a_csv_path_gives_the_same_rows_as_the_cli(cli, roi_path, tmp_path):
    rows = synthtab.fit(roi_path, seed=7, progress=False).sample(300)
    expected = cli_rows(cli, tmp_path, "generate", str(roi_path), "--seed", "7", "-n", "300")
    pd.testing.assert_frame_equal(rows, expected, check_exact=True)


def test_a_sample_seed_gives_the_cli_sample_seed_rows(cli, roi, tmp_path):
    model = synthtab.fit(roi, model="copula", seed=3, progress=False)
    model.save(tmp_path / "m.synthtab")
    expected = cli_rows(cli, tmp_path, "sample", str(tmp_path / "m.synthtab"), "-n", "100", "--seed", "11")
    pd.testing.assert_frame_equal(model.sample(100, seed=11), expected, check_exact=True)


def test_shards_join_to_the_whole(roi):
    model = synthtab.fit(roi, model="copula", seed=4, progress=False)
    whole = model.sample(1001)
    parts = [model.sample(1001, shard=f"{i}/3") for i in (1, 2, 3)]
    pd.testing.assert_frame_equal(pd.concat(parts), whole)
    assert model.sample(1001, shard=(2, 3)).equals(parts[1])
    with pytest.raises(ValueError, match="1 <= i <= k"):
        model.sample(10, shard="4/3")


def test_save_load_and_pickle_keep_the_model_and_the_dtypes(tmp_path):
    rng = np.random.default_rng(8)
    frame = pd.DataFrame({"n": pd.array(np.where(rng.random(50) < 0.2, None, rng.integers(0, 9, 50)), dtype="Int64"),
                          "c": pd.Categorical(rng.choice(["lo", "hi"], 50), categories=["lo", "hi"], ordered=True),
                          "x": rng.normal(size=50)})
    model = synthtab.fit(frame, model="copula", seed=5, progress=False)
    path = tmp_path / "frame.synthtab"
    model.save(path)
    loaded = synthtab.load(path)
    pickled = pickle.loads(pickle.dumps(model))
    expected = model.sample(200)
    for other in (loaded, pickled):
        pd.testing.assert_frame_equal(other.sample(200), expected, check_exact=True)
    assert str(expected["n"].dtype) == "Int64" and expected["c"].cat.ordered
    assert loaded.info == model.info


def test_info_says_what_was_fitted(roi):
    info = synthtab.fit(roi, seed=7, progress=False).info
    assert info["model"] in {"copula", "cart"} and info["training_rows"] == 19 and info["seed"] == 7
    assert "auto" in info["settings"]
    assert any("Unnamed: 0" in line for line in info["preparation"])
    roles = {c["name"]: c["role"] for c in info["columns"]}
    assert roles["Unnamed: 0"] == "id" and roles["Google ads"] == "float"


def test_the_models_parameters_are_checked_by_the_registry(roi):
    with pytest.raises(ValueError, match="no_such"):
        synthtab.fit(roi, model="copula", no_such=3, progress=False)
    with pytest.raises(ValueError, match="epochs"):
        synthtab.fit(roi, model="wgan", epochs=-1, progress=False)
    with pytest.raises(ValueError, match="unknown model"):
        synthtab.fit(roi, model="nope", progress=False)
    model = synthtab.fit(roi, model="copula", marginals="parametric", progress=False)
    assert model.info["parameters"] == {"marginals": "parametric"}


def test_help_and_the_registry_list_every_model_and_its_parameters():
    models = synthtab.models()
    assert {"copula", "cart", "wgan", "ctgan"} <= set(models["model"])
    assert "epochs" in set(models.loc[models["model"] == "wgan", "parameter"])
    assert "epochs" in synthtab.fit.__doc__ and "marginals" in synthtab.fit.__doc__
    # What the build wrote for help() (so that importing does not load LibTorch) is the registry's.
    from synthtab import _model_docs
    assert _model_docs.PARAMETER_DOCS == synthtab._parameter_docs()


def test_file_errors_are_os_errors_and_damaged_models_model_file_errors(roi, tmp_path):
    with pytest.raises(FileNotFoundError):
        synthtab.load(tmp_path / "missing.synthtab")
    with pytest.raises(FileNotFoundError):
        synthtab.fit(tmp_path / "missing.csv")
    garbage = tmp_path / "garbage.synthtab"
    garbage.write_bytes(b"not a model at all")
    with pytest.raises(synthtab.ModelFileError, match="garbage.synthtab"):
        synthtab.load(garbage)
    model = synthtab.fit(roi, model="copula", progress=False)
    good = tmp_path / "good.synthtab"
    model.save(good)
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.synthtab"
    damaged.write_bytes(bytes(data))
    with pytest.raises(synthtab.ModelFileError, match="damaged.synthtab"):
        synthtab.load(damaged)
    with pytest.raises(OSError):
        model.save(tmp_path / "no" / "such" / "folder" / "m.synthtab")
    assert issubclass(synthtab.ModelFileError, ValueError)


def test_copies_policy_and_bad_row_counts(roi):
    model = synthtab.fit(roi, model="copula", progress=False)
    with pytest.raises(ValueError, match="copies"):
        model.sample(10, copies="sometimes")
    with pytest.raises(ValueError, match=">= 0"):
        model.sample(-1)
    assert len(model.sample(np.int64(7))) == 7


def test_a_model_file_with_bad_frame_types_is_a_model_file_error(roi, tmp_path):
    columns, _, _ = synthtab._frames.to_columns(roi)
    native = synthtab._native.fit(columns, "copula", 1, {}, {}, '{"version": 99}', None)
    path = tmp_path / "odd.synthtab"
    native.save(str(path))
    with pytest.raises(synthtab.ModelFileError, match="front_end"):
        synthtab.load(path)


def test_threads_sharing_a_model_get_the_rows_each_asked_for(roi):
    from concurrent.futures import ThreadPoolExecutor
    model = synthtab.fit(roi, model="copula", seed=6, progress=False)
    asks = [("holdout", 1), ("allow", 2), ("never", 3), ("holdout", 4)] * 2
    expected = [model.sample(500, seed=seed, copies=copies) for copies, seed in asks]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda ask: model.sample(500, seed=ask[1], copies=ask[0]), asks))
    for a, b in zip(got, expected):
        pd.testing.assert_frame_equal(a, b, check_exact=True)


def test_write_csv_writes_the_cli_sample_bytes(roi, cli, tmp_path):
    model = synthtab.fit(roi, model="copula", seed=2, progress=False)
    model.save(tmp_path / "m.synthtab")
    for shard, flag in [(None, []), ("2/3", ["--shard", "2/3"])]:
        model.write_csv(tmp_path / "py.csv", 1000, seed=5, shard=shard)
        subprocess.run([cli, "sample", str(tmp_path / "m.synthtab"), "-n", "1000", "--seed", "5", *flag,
                        "-o", str(tmp_path / "cli.csv"), "--quiet"], check=True)
        assert (tmp_path / "py.csv").read_bytes() == (tmp_path / "cli.csv").read_bytes(), shard
    with pytest.raises(OSError):
        model.write_csv(tmp_path / "no" / "such" / "dir.csv", 10)


def shares_frame(rows=60, seed=0):
    rng = np.random.default_rng(seed)
    a = np.round(rng.uniform(0, 0.5, rows), 2)
    b = np.round(rng.uniform(0, 1, rows) * (1 - a), 2)
    low = np.round(rng.uniform(10, 50, rows), 2)
    return pd.DataFrame({"a": a, "b": b, "c": np.round(1 - a - b, 2), "low": low,
                         "high": np.round(low + rng.uniform(0, 20, rows), 2)})


def test_found_and_declared_rules_hold_in_every_sampled_row():
    model = synthtab.fit(shares_frame(), model="copula", seed=1, progress=False, constraints=["low <= high", "a <= 0.45"])
    assert any("sum to 1 in 60 of 60 rows" in rule for rule in model.info["rules"])
    assert any(rule.startswith("* ") and "declared" in rule for rule in model.info["rules"])
    rows = model.sample(2000)
    assert ((rows.a + rows.b + rows.c - 1).abs() <= 0.015).all()
    assert (rows.low <= rows.high).all()
    assert (rows.a <= 0.45).all()
    # Pickled and loaded models keep them.
    again = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(again.sample(2000), rows, check_exact=True)


def test_rules_can_be_dropped_or_not_looked_for():
    frame = shares_frame()
    listed = synthtab.fit(frame, model="copula", progress=False).info["rules"]
    assert listed and listed[0].startswith("1. ")
    assert synthtab.fit(frame, model="copula", progress=False, find_constraints=False).info["rules"] == []
    dropped = synthtab.fit(frame, model="copula", progress=False, drop_constraints=[1]).info["rules"]
    assert len(dropped) == len(listed) - 1 and not any(rule.startswith("1. ") for rule in dropped)


def test_a_rule_that_does_not_parse_says_where():
    with pytest.raises(ValueError, match=r"rule 'low <= ', at character 8: expected a column name"):
        synthtab.fit(shares_frame(), model="copula", progress=False, constraints=["low <= "])


def test_given_values_are_held_in_every_row_as_the_cli_holds_them(roi, cli, tmp_path):
    model = synthtab.fit(roi, model="copula", seed=6, progress=False)
    rows = model.sample(500, seed=2, given={"Google ads": 12000.0, "Year": 2022})
    assert (rows["Google ads"] == 12000.0).all() and (rows["Year"] == 2022).all()
    assert rows["MRR (Monthly Recurring Revenue)"].mean() > model.sample(500, seed=2)[
        "MRR (Monthly Recurring Revenue)"].mean()
    model.save(tmp_path / "m.synthtab")
    model.write_csv(tmp_path / "py.csv", 300, seed=2, given={"Google ads": 12000.0})
    subprocess.run([cli, "sample", str(tmp_path / "m.synthtab"), "-n", "300", "--seed", "2", "--condition",
                    "Google ads=12000.0", "-o", str(tmp_path / "cli.csv"), "--quiet"], check=True)
    assert (tmp_path / "py.csv").read_bytes() == (tmp_path / "cli.csv").read_bytes()
    with pytest.raises(ValueError, match="outside the values the model learnt"):
        model.sample(10, given={"Google ads": 1e9})
    cart = synthtab.fit(roi, model="cart", progress=False)
    assert (cart.sample(200, given={"Year": 2021})["Year"] == 2021).all()  # drawn again until it holds
    with pytest.raises(ValueError, match="not a real number"):
        cart.sample(10, given={"Google ads": 5000.0})
    # Without `given`, the rows as before: the conditions do not stay on the model.
    pd.testing.assert_frame_equal(model.sample(50, seed=2), model.sample(50, seed=2))
