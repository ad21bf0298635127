"""The package installs from a wheel and works from any directory, with the
templates inside it and every output under the current directory."""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv

import pytest

from test_bad_input import ROOT

#: What the wheel is built from (a copy, so the build leaves nothing in the checkout).
SOURCES = ["pyproject.toml", "README.md", "LICENSE", "convarith", "templates"]

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv holding only the wheel; the test environment's packages
    (jinja2, imageio, ...) are visible through a .pth file, so nothing is
    downloaded."""
    base = tmp_path_factory.mktemp("install")
    source = base / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "--no-build-isolation", "-w", str(base / "wheels"), str(source)],
                   check=True, capture_output=True, cwd=base)
    [wheel] = (base / "wheels").glob("convarith-*.whl")
    env_dir = base / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()"
                           "['purelib'])"], check=True, capture_output=True, text=True)
    site_packages = site.stdout.strip()
    (base / "venv-site").write_text(site_packages)
    with open(f"{site_packages}/test-environment.pth", "w") as handle:
        handle.write(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q",
                    "--no-deps", "--no-index", str(wheel)], check=True, capture_output=True)
    elsewhere = base / "elsewhere"
    elsewhere.mkdir()
    return env_dir, elsewhere, site_packages


def test_the_wheel_carries_the_templates_and_the_command(installed):
    env_dir, elsewhere, site_packages = installed
    result = subprocess.run([env_dir / "bin" / "python", "-c",
                             "import convarith, convarith.render.tikz as t;"
                             "print(convarith.__file__); print(t.template_dir())"],
                            cwd=elsewhere, capture_output=True, text=True, check=True)
    module, templates = result.stdout.split()
    assert module.startswith(site_packages)
    assert templates == f"{site_packages}/convarith/templates"
    assert (env_dir / "bin" / "convarith").exists()
    script = subprocess.run([env_dir / "bin" / "convarith", "--help"], cwd=elsewhere,
                            capture_output=True)
    module = subprocess.run([env_dir / "bin" / "python", "-m", "convarith", "--help"],
                            cwd=elsewhere, capture_output=True)
    assert script.returncode == module.returncode == 0, script.stderr
    assert script.stdout == module.stdout and script.stdout.startswith(b"usage: convarith")


def test_convarith_animates_from_another_directory(installed):
    env_dir, elsewhere, site_packages = installed
    result = subprocess.run([env_dir / "bin" / "convarith", "animate", "demo", "-i", "4",
                             "-k", "3", "--out", "demo.mp4", "--out", "board.svg"],
                            cwd=elsewhere, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    names = {p.name for p in elsewhere.iterdir()}
    assert {"demo.mp4", "board.svg"} <= names and not names & {"pdf", "png", "gif"}
    # Nothing was written next to the installed package.
    assert not any((elsewhere.parent / "venv").rglob("demo_*"))
    listing = subprocess.run([env_dir / "bin" / "convarith", "list", "--json"],
                             cwd=elsewhere, capture_output=True, text=True, check=True)
    assert len(json.loads(listing.stdout)) >= 25


def test_the_api_works_where_installed(installed):
    env_dir, elsewhere, _ = installed
    code = ("import convarith; a = convarith.conv_transpose2d(2, 3, stride=2);"
            "a.save('up.webp'); print(a.describe()['output_size'])")
    result = subprocess.run([env_dir / "bin" / "python", "-c", code], cwd=elsewhere,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[5, 5]"
    assert (elsewhere / "up.webp").stat().st_size > 0


def test_the_installed_command_draws_without_tex(installed, tmp_path):
    """With PATH holding the environment's bin alone (no TeX, no poppler, no
    system ffmpeg), the installed command writes every kind of output."""
    env_dir, _, _ = installed
    env = {key: value for key, value in os.environ.items()
           if key not in ("PDFLATEX", "IMAGEIO_FFMPEG_EXE", "PYTHONPATH")}
    env["PATH"] = str(env_dir / "bin")
    result = subprocess.run(["convarith", "animate", "demo", "-i", "5", "-k", "3", "-s", "2",
                             "-p", "1", "--out", "demo.gif", "--out", "demo.mp4", "--out",
                             "board.png", "--svg-frames", "svg/"],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    from PIL import Image
    with Image.open(tmp_path / "demo.gif") as gif:
        assert gif.n_frames == 9
    assert (tmp_path / "demo.mp4").stat().st_size > 0
    assert (tmp_path / "board.png").stat().st_size > 0
    assert len(list((tmp_path / "svg").glob("demo_*.svg"))) == 9
    assert sorted(p.name for p in tmp_path.iterdir()) == ["board.png", "demo.gif", "demo.mp4",
                                                          "svg"]
