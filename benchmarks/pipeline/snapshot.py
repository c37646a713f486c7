"""`--snapshot REV`: run the shop's code as committed at REV, not the working tree.

The workspace packages are installed editable (their `src` folders on sys.path through .pth
files); PYTHONPATH comes first, so pointing it at the `src` folders of a `git archive` of REV
makes this process and the service processes (which inherit it) import that revision.
Useful while the working tree is being edited. The benchmark's own code is the working tree's.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ENV_FLAG = "BENCH_SNAPSHOT_DIR"


def reexec_with_snapshot(repo: Path, rev: str) -> None:
    """Extract REV, then exec this same command with PYTHONPATH on it. Returns only if
    already running on a snapshot."""
    if os.environ.get(ENV_FLAG):
        return
    target = Path(tempfile.mkdtemp(prefix="bench-snapshot-"))
    archive = subprocess.run(
        ["git", "-C", str(repo), "archive", "--format=tar", rev],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    sources = sorted(str(p) for p in target.glob("*/*/src") if p.is_dir())
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([*sources, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env[ENV_FLAG] = str(target)
    commit = subprocess.run(
        ["git", "-C", str(repo), "rev-parse", "--short", rev], capture_output=True, text=True
    ).stdout.strip()
    env["BENCH_SNAPSHOT_REV"] = commit or rev
    os.execve(sys.executable, [sys.executable, *sys.argv], env)
