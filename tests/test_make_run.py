"""`make run` on another port: the site names the address it serves."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed here")
@pytest.mark.parametrize(
    ("args", "address"),
    [
        ([], "http://127.0.0.1:8000"),
        (["PORT=8100"], "http://127.0.0.1:8100"),
        (["HOST=0.0.0.0", "PORT=8100"], "http://0.0.0.0:8100"),
        (["PORT=8100", "SITE_URL=https://news.example"], "https://news.example"),
    ],
)
def test_every_command_of_make_run_is_told_the_address_it_serves(tmp_path, args, address):
    """Canonical links, JSON-LD, feeds and the admin's address hints come
    from SITE_URL: each command `make run` starts (migrate, load_demo, the
    task worker, the server) gets the address it serves, unless SITE_URL
    says otherwise. Run against a stand-in for the virtualenv's python that
    writes down what it was given."""
    for name in ("Makefile", "requirements.txt"):
        shutil.copy(ROOT / name, tmp_path)
    (tmp_path / ".env").write_text("SECRET_KEY=test\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / ".installed").touch()
    log = tmp_path / "calls"
    python = bin_dir / "python"
    # The worker starts in the background just before the server: the
    # stand-in server waits (up to 10 s) until the worker has written its line.
    python.write_text(
        f'#!/bin/sh\necho "$SITE_URL $*" >> "{log}"\n'
        'if [ "$2" = runserver ]; then i=0\n'
        f'  while ! grep -q db_worker "{log}" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done\n'
        "fi\n"
    )
    python.chmod(0o755)
    env = {key: value for key, value in os.environ.items() if key not in {"SITE_URL", "MAKEFLAGS", "MFLAGS"}}

    subprocess.run(["make", "-s", "run", f"BIN={bin_dir}", *args], cwd=tmp_path, env=env, check=True, timeout=60)

    calls = log.read_text().splitlines()
    commands = [call.split()[2] for call in calls]
    assert sorted(commands) == ["db_worker", "load_demo", "migrate", "runserver"]
    assert all(call.split()[0] == address for call in calls), calls
