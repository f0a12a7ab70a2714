"""examples/roi.ipynb runs top to bottom (nbclient, Debian's ipykernel)."""
import os

import nbformat
from nbclient import NotebookClient

from conftest import SOURCE


def test_the_roi_notebook_runs_without_an_error(tmp_path):
    notebook = nbformat.read(SOURCE / "examples" / "roi.ipynb", as_version=4)
    # Run in a copy of examples/ so the report it saves lands in the test's folder.
    work = tmp_path / "examples"
    work.mkdir()
    (tmp_path / "data").symlink_to(SOURCE / "data")
    client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(work)}})
    client.execute()  # raises CellExecutionError, naming the cell, on any error
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("text/html" in o.get("data", {}) and "<iframe" in o["data"]["text/html"] for o in outputs)
    assert (work / "roi_report.html").exists()
