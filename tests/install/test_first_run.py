"""Issue 11, set-up on a fresh machine: the README's `make run` / `make test` in a clean copy of
the checkout (one new virtual environment, pip's cache reused), and `qbtime demo` from a wheel."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, _free_port


def _base_python() -> str:
    """The interpreter the tests' own virtual environment was made from (not a venv)."""
    for name in (f"python{sys.version_info[0]}.{sys.version_info[1]}", "python3"):
        candidate = Path(sys.base_prefix) / "bin" / name
        if candidate.exists():
            return str(candidate)
    pytest.skip("no base interpreter found beside the virtual environment")


def _clean_env() -> dict[str, str]:
    """The environment of a new user: no virtual environment on PATH, none active."""
    venv_bin = str(Path(sys.executable).parent)
    path = os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p != venv_bin)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update(PATH=path, PYTHONDONTWRITEBYTECODE="1")
    return env


def _checkout_copy(dest: Path) -> Path:
    """The working tree's files (tracked and new, not ignored ones) with ../shared beside it."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    repo = dest / "repo"
    for raw in filter(None, listed):
        rel = raw.decode()
        source = ROOT / rel
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_symlink():
            target.symlink_to(os.readlink(source))
        else:
            shutil.copy2(source, target)
    (dest / "shared").symlink_to((ROOT.parent / "shared").resolve())
    return repo


def _make(repo: Path, *args: str, timeout: float = 1200) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", *args],
        cwd=repo,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.mark.slow
@pytest.mark.timeout(1800)  # two pip installs from pip's cache on a shared machine
@pytest.mark.skipif(shutil.which("make") is None or shutil.which("git") is None, reason="make")
def test_point_setup_make_run_and_make_test_use_a_project_venv(tmp_path: Path) -> None:
    """`make run` makes .venv with PYTHON, installs into it and serves with .venv's own qbtime
    (no venv on PATH); a second run reuses it; `make test` upgrades the same .venv and runs
    pytest from it."""
    repo = _checkout_copy(tmp_path)
    python = _base_python()
    port = _free_port()
    server = subprocess.Popen(
        ["make", "run", f"PYTHON={python}", f"PORT={port}"],
        cwd=repo,
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        session = requests.Session()
        session.trust_env = False
        deadline = time.monotonic() + 900
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                if session.get(f"http://127.0.0.1:{port}/support", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert time.monotonic() < deadline, "make run did not start the server"
            time.sleep(0.5)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output = server.communicate(timeout=30)[0]
    assert f"creating the virtual environment .venv with {python}" in output
    assert ".venv/bin/qbtime init" in output and ".venv/bin/qbtime serve" in output
    assert (repo / ".venv" / "bin" / "qbtime").exists()
    assert (repo / "instance" / "qbtime.sqlite3").is_file()
    made_with = (repo / ".venv" / ".qbtime-made-with").read_text().splitlines()[0]
    assert made_with.startswith(os.path.realpath(python))

    again = _make(repo, "venv", f"PYTHON={python}")
    assert again.returncode == 0 and "reusing the virtual environment .venv" in again.stdout

    test_args = (
        "PYTEST_ARGS=-q -p no:randomly -p no:cacheprovider tests/qbwc_server/test_settings.py"
    )
    tested = _make(repo, "-o", "lint", "test", f"PYTHON={python}", test_args)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "updating the virtual environment .venv" in tested.stdout
    assert ".venv/bin/python -m pytest" in tested.stdout and " passed" in tested.stdout
    assert "creating the virtual environment" not in tested.stdout


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_point_setup_demo_from_a_wheel_syncs_evergreen_builders(tmp_path: Path) -> None:
    """A wheel built from the checkout ships the sample company: an installed `qbtime demo`
    syncs "Evergreen Builders", not a generated company."""
    dist, site = tmp_path / "dist", tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--quiet", "--disable-pip-version-check"]
    subprocess.run(
        [*pip, "wheel", "--no-deps", "-w", str(dist), str(ROOT)], check=True, timeout=300
    )
    (wheel,) = dist.glob("qbtime_sync-*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}
    where = subprocess.run(
        [sys.executable, "-c", "import qbwc_server; print(qbwc_server.__file__)"],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert where.startswith(str(site)), where
    demo = subprocess.run(
        [sys.executable, "-m", "qbwc_server.cli", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert "syncing the QuickBooks company 'Evergreen Builders & Remodeling'" in demo.stdout
    assert "outcome: finished" in demo.stdout


def test_point_setup_names_the_missing_venv_package(tmp_path: Path) -> None:
    """Where `python -m venv` cannot work (Debian's Python without python3-venv) and nothing can
    install it, the script and `make venv` name the exact package, and no .venv is left."""
    real = sys.executable
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "python3"
    # Debian's python3 without python3-venv: everything works but ensurepip is missing
    fake.write_text(
        "#!/bin/sh\n"
        'case "$*" in *ensurepip*) echo "No module named ensurepip" >&2; exit 1;; esac\n'
        f'exec {real} "$@"\n'
    )
    fake.chmod(0o755)
    for tool in ("bash", "id", "sed", "cat", "rm", "mv", "grep", "make", "dirname"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    env = {**_clean_env(), "PATH": str(bin_dir), "PYTHON": str(fake)}
    version = f"{sys.version_info[0]}.{sys.version_info[1]}"
    script = subprocess.run(
        ["bash", str(ROOT / "scripts" / "install-system-deps.sh"), "--venv-only"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert script.returncode == 1
    assert "install these packages" in script.stderr and f"python{version}-venv" in script.stderr
    repo = _checkout_copy(tmp_path)
    made = subprocess.run(
        ["make", "venv", f"PYTHON={fake}"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode != 0 and f"apt-get install python{version}-venv" in made.stderr
    assert not (repo / ".venv").exists()
