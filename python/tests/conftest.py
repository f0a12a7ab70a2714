"""Shared fixtures: the repository's data, the CLI built beside the package."""
import os
import pathlib

import pandas as pd
import pytest

SOURCE = pathlib.Path(os.environ.get("SYNTHTAB_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
ROI = SOURCE / "data" / "ROI.csv"


@pytest.fixture
def roi_path():
    return ROI


@pytest.fixture
def roi():
    return pd.read_csv(ROI)


@pytest.fixture
def cli():
    path = os.environ.get("SYNTHTAB_CLI", str(SOURCE / "build" / "bin" / "synthtab"))
    assert os.path.exists(path), f"the CLI is not built: {path}"
    return path
