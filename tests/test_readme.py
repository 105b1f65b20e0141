"""The README's first command works on a fresh machine (issue 17).

A system Python (Debian, Ubuntu, Homebrew) refuses ``pip install -r requirements.txt`` with
"externally-managed-environment" (PEP 668). The first command therefore makes a virtual
environment, activates it and installs there; the README names the Python version it is tested
on, which is the one running this suite.
"""

from __future__ import annotations

import re
import subprocess
import sys

from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def first_command() -> str:
    block = re.search(r"```bash\n(.*?)```", README, re.S)
    assert block, "no bash block in the README"
    return block.group(1).strip()


def test_first_command_installs_into_a_virtual_environment_then_runs_the_app():
    command = first_command()
    steps = [s.strip() for s in command.split("&&")]
    assert steps[0] == "python3 -m venv .venv"
    assert steps[1] == ". .venv/bin/activate"
    assert steps[2] == "pip install -r requirements.txt"
    assert steps[3] == "streamlit run app.py"
    # Before the command, the README says why in one line and names the Python version.
    before = README[: README.index(command)]
    assert "externally-managed-environment" in before
    version = f"Python {sys.version_info.major}.{sys.version_info.minor}"
    assert version in before, version


def test_the_virtual_environment_steps_work_and_lift_the_system_refusal(tmp_path):
    """The command's first two steps, run as written in an empty folder: the environment is
    made, activated, has its own pip, and carries no EXTERNALLY-MANAGED marker."""
    setup = " && ".join(s.strip() for s in first_command().split("&&")[:2])
    probe = (
        'python -c "import os, sys, sysconfig; print(sys.prefix != sys.base_prefix, os.path.exists('
        "os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')), sys.prefix)\""
    )
    done = subprocess.run(
        ["bash", "-c", f"{setup} && pip --version && {probe}"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    pip_line, probe_line = done.stdout.strip().splitlines()[-2:]
    assert str(tmp_path / ".venv") in pip_line  # the environment's own pip
    in_venv, marked, prefix = probe_line.split(" ", 2)
    assert (in_venv, marked) == ("True", "False")
    assert prefix == str(tmp_path / ".venv")
