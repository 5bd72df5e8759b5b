"""The wheel works on its own: built from the repository's files (no symlink needed), installed into a fresh
virtual environment, it runs `huimao-sheets demo` and `check --help` from an empty folder with the jobs and
templates it carries inside the package.

Kept fast and offline: the wheel is built without build isolation (setuptools and wheel come from the test
extras), and installed with `--no-deps --no-index`; the fresh environment sees the test environment's
dependencies through a .pth file, but not its editable huimao_sheets (the editable install's own .pth hooks
are not run for a directory added that way).
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("pyproject.toml", "README.md", "huimao_sheets", "jobs", "templates")


def test_every_package_of_the_source_tree_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "huimao_sheets").rglob("__init__.py")}
    assert found <= listed, f"add {sorted(found - listed)} to [tool.setuptools] packages in pyproject.toml"
    assert {"huimao_sheets.shipped_jobs", "huimao_sheets.shipped_templates"} <= listed


def test_the_checkout_has_no_symlinks_inside_the_package():
    assert [p for p in (ROOT / "huimao_sheets").rglob("*") if p.is_symlink()] == []


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtual environment holding the wheel built from a copy of the repository's files."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    source.mkdir()
    for name in SHIPPED:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                            if (ROOT / name).is_dir() else {}))
    dist = base / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--no-index", "--wheel-dir", str(dist), str(source)], check=True, capture_output=True,
                   cwd=base, timeout=180)
    [wheel] = dist.glob("huimao_sheets-*.whl")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (Path(site) / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                    "--no-index", str(wheel)], check=True, capture_output=True, timeout=180)
    script = env_dir / ("Scripts/huimao-sheets.exe" if os.name == "nt" else "bin/huimao-sheets")
    return python, script, wheel


def test_the_wheel_carries_the_jobs_and_templates_inside_the_package(installed):
    import zipfile

    names = zipfile.ZipFile(installed[2]).namelist()
    assert "huimao_sheets/shipped_jobs/daily-check.toml" in names
    assert "huimao_sheets/shipped_templates/weekly-person.html.j2" in names
    assert sorted(n.rsplit("/", 1)[1] for n in names if n.startswith("huimao_sheets/shipped_templates/")) == sorted(
        p.name for p in (ROOT / "templates").glob("*.j2"))


def test_the_installed_wheel_runs_demo_and_check_help_from_an_empty_folder(installed, tmp_path):
    python, script, _ = installed
    empty = tmp_path / "empty"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "HUIMAO_SMTP_PASSWORD")}
    where = subprocess.run([str(python), "-c", "import huimao_sheets, huimao_sheets.shipped as s; "
                            "print(huimao_sheets.__file__); print(s.shipped_folder('templates'))"],
                           capture_output=True, text=True, cwd=empty, env=env, check=True).stdout.splitlines()
    assert str(ROOT) not in where[0], "the wheel's package is imported, not the checkout's"
    assert where[1].endswith(os.path.join("huimao_sheets", "shipped_templates"))

    helped = subprocess.run([str(script), "check", "--help"], capture_output=True, text=True, cwd=empty, env=env,
                            timeout=60)
    assert helped.returncode == 0, helped.stderr
    assert "--write-findings" in helped.stdout

    demo = subprocess.run([str(script), "demo"], capture_output=True, text=True, cwd=empty, env=env, timeout=180)
    assert demo.returncode == 0, demo.stderr
    assert (empty / "demo-out" / "demo.xlsx").is_file()
    assert list((empty / "outbox").glob("*.eml")), "the demo's jobs rendered mail with the wheel's templates"
