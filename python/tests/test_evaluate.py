"""evaluate, report, curve and validate: the CLI's figures, from data frames."""
import json
import subprocess

import pandas as pd
import pytest

import synthtab

TARGET = "MRR (Monthly Recurring Revenue)"


@pytest.fixture(scope="module")
def synthetic_path(tmp_path_factory):
    import os
    out = tmp_path_factory.mktemp("rows") / "synthetic.csv"
    cli = os.environ["SYNTHTAB_CLI"]
    from conftest import ROI
    subprocess.run([cli, "generate", str(ROI), "-n", "400", "--seed", "7", "-o", str(out), "--quiet"], check=True)
    return out


def test_evaluate_gives_the_cli_figures(cli, roi_path, synthetic_path, tmp_path):
    figures = synthtab.evaluate(pd.read_csv(roi_path), pd.read_csv(synthetic_path), target=TARGET, geometry=True,
                                progress=False)
    out = tmp_path / "e.json"
    subprocess.run([cli, "evaluate", str(roi_path), str(synthetic_path), "--target", TARGET, "--geometry",
                    "--json", str(out), "--quiet"], check=True)
    expected = json.loads(out.read_text())
    # The CLI names its options as flags (--target) in notes; the package as keywords (`target`).
    assert figures.keys() == expected.keys()
    expected.pop("notes"), figures.pop("notes")
    assert figures == expected


def test_csv_paths_are_read_as_the_cli_reads_them(cli, roi_path, synthetic_path, tmp_path):
    figures = synthtab.evaluate(roi_path, str(synthetic_path), target=TARGET, progress=False)
    assert figures == synthtab.evaluate(pd.read_csv(roi_path), pd.read_csv(synthetic_path), target=TARGET,
                                        progress=False)
    page = synthtab.report(roi_path, synthetic_path, target=TARGET, topology=False, geometry=False, progress=False)
    assert "ROI.csv" in page.html and "synthetic.csv" in page.html
    curve = synthtab.curve(roi_path, spend="Google ads", response=TARGET, bootstrap=0, progress=False)
    assert curve.figures == synthtab.curve(pd.read_csv(roi_path), spend="Google ads", response=TARGET, bootstrap=0,
                                           progress=False).figures
    with pytest.raises(FileNotFoundError):
        synthtab.evaluate(tmp_path / "missing.csv", synthetic_path, progress=False)


def test_evaluate_refuses_a_target_that_is_not_a_column(roi, synthetic_path):
    with pytest.raises(ValueError, match="nope"):
        synthtab.evaluate(roi, pd.read_csv(synthetic_path), target="nope", progress=False)


def test_evaluate_refuses_tables_with_other_columns(roi, synthetic_path):
    with pytest.raises(ValueError, match="Extra"):
        synthtab.evaluate(roi, pd.read_csv(synthetic_path).assign(Extra=1.0), progress=False)


def test_report_writes_the_page_and_shows_inline(roi, synthetic_path, tmp_path):
    path = tmp_path / "r.html"
    page = synthtab.report(roi, pd.read_csv(synthetic_path), path, target=TARGET, topology=False, progress=False)
    text = path.read_text(encoding="utf-8")
    assert text == page.html and text.startswith("<!DOCTYPE html>") and "Plotly" in text
    inline = page._repr_html_()
    assert inline.startswith("<iframe srcdoc=") and "&lt;!DOCTYPE html&gt;" in inline
    assert str(path) in repr(page)


def test_curve_gives_the_cli_figures_as_frames(cli, roi_path, tmp_path):
    result = synthtab.curve(pd.read_csv(roi_path), spend=["Google ads"], response=TARGET, bootstrap=50,
                            budget=3000, progress=False)
    out = tmp_path / "c.json"
    subprocess.run([cli, "curve", str(roi_path), "--spend", "Google ads", "--response", TARGET, "--bootstrap", "50",
                    "--budget", "3000", "--json", str(out), "--quiet"], check=True)
    assert result.figures == json.loads(out.read_text())
    assert list(result.channels["spend"]) == ["Google ads"]
    assert {"beta"} <= set(result.parameters["name"])
    assert result.budget is not None and len(result.budget) == 1
    assert "Google ads" in repr(result)
    # Every candidate model with its cross-validation error, one chosen; the verdict per channel.
    assert result.candidates["chosen"].sum() == 1 and result.candidates["cv_rmse"].notna().all()
    chosen = result.candidates[result.candidates["chosen"]].iloc[0]
    assert chosen["cv_rmse"] == result.candidates["cv_rmse"].min()
    assert result.channels["verdict"].iloc[0] in {"spend more", "spend less", "the data cannot tell"}
    # The decomposition: baseline plus the channel is the fitted response, period by period.
    parts = result.decomposition["baseline"] + result.decomposition["Google ads"]
    assert (parts - result.decomposition["fitted"]).abs().max() < 1e-6 * result.decomposition["fitted"].abs().max()


def test_curve_writes_the_s_curve_page(roi, tmp_path):
    path = tmp_path / "curve.html"
    result = synthtab.curve(roi, spend="Google ads", response=TARGET, bootstrap=20, report=path, progress=False)
    text = path.read_text(encoding="utf-8")
    assert text == result.html and text.startswith("<!DOCTYPE html>")
    assert "Where the next dollar goes" in text and "Verdict for Google ads" in text


def test_curve_takes_fixed_model_choices(roi):
    result = synthtab.curve(roi, spend="Google ads", response=TARGET, response_kind="stock", adstock="none",
                            shape="hill", trend="linear", seasonality="none", payback_periods=6, bootstrap=0, progress=False)
    real = result.figures["real"]
    assert real["kind"] == "stock" and real["trend"] == "linear" and real["adstock"] == "none"
    assert len(result.candidates) == 1 and real["payback_periods"] == 6
    assert len(result.decomposition) == len(roi) - 1  # a stock's changes start at the second month
    with pytest.raises(ValueError, match="choose none, linear, log or auto"):
        synthtab.curve(roi, spend="Google ads", response=TARGET, trend="cubic", progress=False)


def test_curve_ridge_is_off_unless_asked(roi):
    fixed = dict(spend="Google ads", response=TARGET, response_kind="flow", adstock="none", shape="hill",
                 trend="none", seasonality="none", bootstrap=0, progress=False)
    plain = synthtab.curve(roi, **fixed)
    assert plain.ridge == 0 and plain.ridge_trials.empty
    given = synthtab.curve(roi, ridge=0.3, **fixed)
    assert given.ridge == 0.3
    # The penalty pulls the saturation level down.
    beta = lambda r: r.parameters.set_index("name").loc["beta", "value"]
    assert beta(given) < beta(plain)
    auto = synthtab.curve(roi, ridge="auto", **fixed)
    assert list(auto.ridge_trials["strength"])[0] == 0 and len(auto.ridge_trials) == 7
    assert auto.ridge in set(auto.ridge_trials["strength"])
    with pytest.raises(ValueError, match="choose auto, none or a strength"):
        synthtab.curve(roi, ridge="lots", **fixed)


def test_curve_sets_a_models_rows_at_planned_spends_beside_it(roi):
    copula = synthtab.fit(roi, model="copula", progress=False)
    result = synthtab.curve(roi, spend="Google ads", response=TARGET, model=copula, bootstrap=0, progress=False)
    planned = result.planned
    assert list(planned.columns[:3]) == ["channel", "spend", "curve"]
    # The real spends' percentiles, each an observed spend, rising; 1,000 rows at each.
    assert set(planned["spend"]) <= set(roi["Google ads"]) and planned["spend"].is_monotonic_increasing
    assert (planned["rows"] == 1000).all()
    assert (planned["p5"] <= planned["p25"]).all() and (planned["p25"] <= planned["median"]).all()
    assert (planned["median"] <= planned["p75"]).all() and (planned["p75"] <= planned["p95"]).all()
    assert "Synthetic rows at planned spends (copula" in result.summary
    # Held spend drawn from the copula's conditional: the response rises with the spend here.
    assert planned["median"].iloc[-1] > planned["median"].iloc[0]
    cart = synthtab.fit(roi, model="cart", progress=False)
    refused = synthtab.curve(roi, spend="Google ads", response=TARGET, model=cart, bootstrap=0, progress=False)
    assert refused.planned is None or refused.planned.empty
    assert "cannot hold" in refused.figures["planned_spends"]["unavailable"]
    with pytest.raises(TypeError, match="synthtab.Model"):
        synthtab.curve(roi, spend="Google ads", response=TARGET, model="copula", progress=False)
    # A marketer's own plan, in its order.
    planned = synthtab.curve(roi, spend="Google ads", response=TARGET, model=copula, plan={"Google ads": [6000, 3000]},
                             bootstrap=0, progress=False).planned
    assert list(planned["spend"]) == [6000, 3000]
    with pytest.raises(ValueError, match="not one of the spend columns"):
        synthtab.curve(roi, spend="Google ads", response=TARGET, model=copula, plan={"TV": 100}, progress=False)
    with pytest.raises(ValueError, match="give model= too"):
        synthtab.curve(roi, spend="Google ads", response=TARGET, plan={"Google ads": 100}, progress=False)


def test_curve_names_a_missing_column(roi):
    with pytest.raises(ValueError, match="Bing"):
        synthtab.curve(roi, spend="Bing", response=TARGET, progress=False)


def test_validate_cross_fits_a_frame_as_its_csv(roi, roi_path):
    target = "MRR (Monthly Recurring Revenue)"
    from_frame = synthtab.validate(roi, target=target, model="copula", seed=3, progress=False)
    assert from_frame == synthtab.validate(str(roi_path), target=target, model="copula", seed=3, progress=False)
    assert from_frame["folds"] == 5 and from_frame["repeats"] == 5 and from_frame["unit"] == "repeat"
    assert len(from_frame["tstr"]["per_fold"]) == 5
    # In sample, the generator's rows look more useful than they are on rows it never saw.
    assert from_frame["tstr_in_sample"] > from_frame["tstr"]["mean"]
    assert "held-out rows the generator never saw" in from_frame["verdict"]


def test_validate_refuses_an_unknown_target_or_too_many_folds(roi):
    with pytest.raises(ValueError, match="no column named 'nope'"):
        synthtab.validate(roi, target="nope", model="copula", progress=False)
    with pytest.raises(ValueError, match="between 2 and the table's 19 rows"):
        synthtab.validate(roi, target="Month", model="copula", folds=40, progress=False)
