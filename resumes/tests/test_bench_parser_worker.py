"""`bench_parser --workers N`: the stage breakdown and CPU per resume of a real worker run."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from config.bench import process_tree_cpu
from resumes.management.commands.bench_parser import Command as BenchParser
from resumes.tests import documents


@pytest.mark.django_db(transaction=True)
def test_the_worker_run_prints_cpu_per_resume_and_each_stage_of_each_step(tmp_path):
    (tmp_path / "a.pdf").write_bytes(documents.sample_pdf())
    (tmp_path / "b.pdf").write_bytes(documents.two_column_pdf())
    command = BenchParser(stdout=io.StringIO())
    command.lines = []
    options = {"dir": str(tmp_path), "workers": 1, "broker": "redis", "repeat": 2}
    command.benchmark({**options, "format": ["pdf"], "limit": 0})
    lines = command.lines
    assert "4 parsed, 0 failed in" in "\n".join(lines)
    [cpu] = [line for line in lines if line.startswith("CPU per resume: worker ")]
    worker_ms = float(cpu.split("worker ")[1].split(" ms")[0])
    assert worker_ms > 0 and "of the target" in cpu
    header = next(i for i, line in enumerate(lines) if line.startswith("step"))
    rows = {tuple(line.split()[:2]): line.split()[2:] for line in lines[header + 1 : -1]}
    # Every measured resume's two steps, from the worker's own log lines (not the warm-up's).
    for stage in ("queue_wait", "claim", "extract", "save", "enqueue", "cpu", "queries"):
        assert rows[("extract", stage)][0] == "4"
    for stage in ("queue_wait", "load", "parse", "save", "announce", "cpu", "queries"):
        assert rows[("parse", stage)][0] == "4"
    assert rows[("extract", "queries")][1:] == ["3.0", "3.0"]
    assert rows[("parse", "queries")][1:] == ["11.0", "11.0"]  # test_tasks_pipeline counts them
    # The step CPU the worker logged fits within the CPU its processes used.
    step_cpu = sum(float(rows[(step, "cpu")][1]) for step in ("extract", "parse"))
    assert step_cpu <= worker_ms


def test_the_cpu_of_a_process_tree_is_read_from_proc():
    # A child that spends 0.5 s of CPU, says so, then waits (idle) for its input.
    code = (
        "import sys, time\n"
        "while time.process_time() < 0.5: pass\n"
        "print('spent', flush=True); sys.stdin.readline()"
    )
    busy = subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert busy.stdout.readline() == b"spent\n"  # type: ignore[union-attr]
        holder = type("Worker", (), {"process": busy})()
        assert 0.4 <= process_tree_cpu(holder) < 5  # /proc counts in clock ticks
    finally:
        busy.communicate(b"\n", timeout=30)
