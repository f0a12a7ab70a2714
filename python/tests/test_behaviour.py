"""Behaving like a Python library: the GIL is free during the work, Ctrl-C stops it, progress
shows in tqdm and stays quiet when asked."""
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

import synthtab
from conftest import ROI

# Long enough to watch: the seed's GAN for many epochs on ROI.
LONG_FIT = dict(model="wgan", epochs=100_000, threads=1)


def test_the_gil_is_released_while_fitting(roi):
    ticks = []
    stop = threading.Event()

    def count():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    start = time.monotonic()
    synthtab.fit(roi, model="wgan", epochs=60, seed=1, threads=1, progress=False)  # about a second
    seconds = time.monotonic() - start
    stop.set()
    counter.join()
    # A thread that sleeps 1 ms per tick gets hundreds of ticks a second when the GIL is free.
    # Held, it would get none: the fit never gives it back.
    assert seconds > 0.2 and len(ticks) > 20 * seconds, (seconds, len(ticks))


# The seed's GAN stops at its next training step; cart, which has no steps to report, between
# the trees it grows (one per column; a 300,000-row table takes seconds).
@pytest.mark.parametrize("frame, fit", ids=["wgan", "cart"], argvalues=[
    ("pd.read_csv(ROI)", LONG_FIT),
    ("pd.DataFrame({f'c{i}': np.random.default_rng(i).normal(size=300_000).round(3) for i in range(8)})",
     dict(model="cart")),
])
def test_ctrl_c_stops_a_fit_within_a_second(frame, fit):
    script = textwrap.dedent(f"""
        import sys
        import numpy as np
        import pandas as pd
        import synthtab
        ROI = {str(ROI)!r}
        frame = {frame}
        print("fitting", flush=True)
        try:
            synthtab.fit(frame, progress=False, **{fit!r})
        except KeyboardInterrupt:
            print("interrupted", flush=True)
            sys.exit(0)
        print("finished", flush=True)
    """)
    child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=os.environ)
    assert child.stdout.readline().strip() == "fitting"
    time.sleep(2.0)  # well into the fit
    sent = time.monotonic()
    child.send_signal(signal.SIGINT)
    line = child.stdout.readline().strip()
    waited = time.monotonic() - sent
    assert child.wait(timeout=30) == 0
    assert line == "interrupted" and waited < 1.0, (line, waited)


def test_progress_shows_with_tqdm_and_is_quiet_when_asked(roi, capfd):
    synthtab.fit(roi, model="wgan", epochs=60, seed=1, threads=1, progress=True)  # bars show after 0.5 s
    shown = capfd.readouterr().err
    assert "training" in shown and ("it/s" in shown or "s/it" in shown)
    synthtab.fit(roi, model="wgan", epochs=20, seed=1, threads=1, progress=False)
    assert capfd.readouterr().err == ""


def test_a_failing_progress_display_stops_the_work_and_raises_its_error(roi):
    columns, _, _ = synthtab._frames.to_columns(roi)

    def broken_display(*_):
        raise RuntimeError("display broke")

    start = time.monotonic()
    with pytest.raises(RuntimeError, match="display broke"):
        synthtab._native.fit(columns, "wgan", 1, {"epochs": 100_000}, {"threads": 1}, "", broken_display)
    assert time.monotonic() - start < 30  # stopped, not trained to the end
