"""The folders a run writes: an output folder is one run's, and a folder that cannot be written (a file in
its place, a full disk) stops the run with exit 2 and one line naming the path and the cause."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import lock_held_elsewhere
from synthetic import english_docs, write_jsonl

from transnorm.ops.ledger import CONSOLIDATED, OUT_MARKER, OutLock, StateLocked

TRANSNORM = str(Path(sys.executable).parent / "transnorm")


def write_cfg(tmp_path: Path, state: Path, batch_size: int = 100) -> Path:
    cfg = tmp_path / f"c-{state.name}.yaml"
    cfg.write_text(f"state_dir: {state}\noutputs_dir: {tmp_path / 'outputs'}\nbatch_size: {batch_size}\n"
                   "runner:\n  retries: 0\n  retry_delay_seconds: 0\n", encoding="utf-8")
    return cfg


def one_line_error(res: subprocess.CompletedProcess) -> str:
    assert res.returncode == 2, res.stderr[-3000:]
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), res.stderr[-3000:]
    assert "Traceback" not in res.stderr
    return lines[0]


def test_an_output_folder_is_claimed_by_one_run(tmp_path):
    with OutLock(tmp_path / "out"):
        with pytest.raises(StateLocked, match="output folder"):
            OutLock(tmp_path / "out").acquire()
    OutLock(tmp_path / "out").acquire().release()
    assert (tmp_path / "out" / OUT_MARKER).exists()  # stays: it marks the folder as a run's output


def test_a_second_run_writing_the_same_out_exits_2_whatever_its_state_folder(tmp_path):
    """Run A holds --out (a helper process here); run B, another state folder, is refused before it writes."""
    out = tmp_path / "out"
    with lock_held_elsewhere("OutLock", out) as holder:
        (out / "records.jsonl").write_text("A's records\n", encoding="utf-8")
        (tmp_path / "a.txt").write_text("Shelling in Kharkov.", encoding="utf-8")
        cfg = write_cfg(tmp_path, tmp_path / "state-b")
        res = subprocess.run([TRANSNORM, "run", str(tmp_path / "a.txt"), "--config", str(cfg), "--out", str(out)],
                             capture_output=True, text=True, timeout=120)
        line = one_line_error(res)
        assert "another transnorm run is using the output folder" in line and f"pid {holder.pid}" in line
        assert (out / "records.jsonl").read_text(encoding="utf-8") == "A's records\n"  # untouched


@pytest.mark.parametrize("case", ["out is a file", "out under a file", "state under a file", "state is a file"])
def test_a_folder_that_cannot_be_written_exits_2_naming_it(tmp_path, case):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Shelling in Kharkov.", encoding="utf-8")
    out, state = tmp_path / "out", tmp_path / "state"
    if case.startswith("out"):
        out = blocker if case == "out is a file" else blocker / "out"
    else:
        state = blocker if case == "state is a file" else blocker / "state"
    cfg = write_cfg(tmp_path, tmp_path / "x")
    cfg.write_text(cfg.read_text().replace(str(tmp_path / "x"), str(state)), encoding="utf-8")
    res = subprocess.run([TRANSNORM, "run", str(tmp_path / "a.txt"), "--config", str(cfg), "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    line = one_line_error(res)
    assert str(blocker) in line
    assert ("is a file" in line) if case != "state under a file" else ("Not a directory" in line)


FULL_DISK = """
import errno, os, sys
from transnorm.ops import output

real = output.RunWriter.__post_init__


class FullDisk:
    '''The part file's handle: the disk fills after `room` writes.'''

    def __init__(self, fh, room):
        self.fh, self.room = fh, room

    def write(self, data):
        self.room -= 1
        if self.room < 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self.fh.write(data)

    def __getattr__(self, name):
        return getattr(self.fh, name)


def post_init(self):
    real(self)
    self._fh = FullDisk(self._fh, room=int(os.environ["ROOM"]))


output.RunWriter.__post_init__ = post_init
from transnorm.cli.main import main
sys.argv = ["transnorm", "run", *sys.argv[1:]]
main()
"""


@pytest.mark.slow
@pytest.mark.flow
def test_a_full_disk_mid_run_exits_2_naming_the_file_and_the_rerun_completes(prefect_server, tmp_path):
    docs = english_docs(40, seed=4)
    inp = write_jsonl(tmp_path / "in" / "docs.jsonl", docs)
    state = tmp_path / "state"
    cfg = write_cfg(tmp_path, state, batch_size=10)
    script = tmp_path / "full.py"
    script.write_text(FULL_DISK, encoding="utf-8")
    env = {**prefect_server, "TRANSNORM_MODELS_DIR": str(tmp_path / "models"), "ROOM": "50"}  # 2.5 batches
    args = [str(inp), "--config", str(cfg), "--out", str(tmp_path / "run")]
    res = subprocess.run([sys.executable, str(script), *args], env=env, capture_output=True, text=True, timeout=300)
    line = one_line_error(res)
    assert "No space left on device" in line and str(tmp_path / "run" / ".records.jsonl.part") in line
    assert not (tmp_path / "run" / "run.json").exists()

    res = subprocess.run([TRANSNORM, "run", *args], env=env, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    stats = json.loads((tmp_path / "run" / "run.json").read_text(encoding="utf-8"))
    assert stats["processed"] == 20 and stats["reused"] == 20  # two whole batches were committed before
    store = [json.loads(ln)["id"] for ln in (state / CONSOLIDATED).read_text(encoding="utf-8").splitlines()]
    assert store == sorted(d["id"] for d in docs)
