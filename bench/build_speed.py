#!/usr/bin/env python3
"""Benchmark of the build: prints each figure the speed goals refer to.

Works in a temporary copy of the committed tree (so pdf/ png/ gif/ here are
untouched) and reuses this checkout's virtual environment.  Measures:

  clean build      make -j2 all_animations from empty pdf/ png/ gif/
  per-step path    produce_figure once per step (one pdflatex run each), 2 at a time
  no-op build      make all_animations with nothing changed
  incremental      which animations rebuild after touching a template or values.py
  reproducible     a second clean build gives byte-identical pdf/ png/ gif/
  GIF sizes        total bytes of the 15 classic arithmetic GIFs

Usage: python bench/build_speed.py [--skip-per-step]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from convarith.cli import catalogue_spec  # noqa: E402
from convarith.model.catalogue import CATALOGUE, CLASSIC  # noqa: E402

VENV = Path(os.environ.get("VENV", ROOT / ".venv")).resolve()
PYTHON = VENV / "bin" / "python"


def copy_tree(destination: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for name in filter(None, files):
        if name.startswith(("gif/", "pdf/", "png/")):
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)


def make(tree: Path, *args: str) -> tuple[float, str]:
    start = time.perf_counter()
    result = subprocess.run(["make", f"VENV={VENV}", *args], cwd=tree,
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"make {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, result.stdout


def outputs_digest(tree: Path) -> dict[str, str]:
    return {str(p.relative_to(tree)): hashlib.sha256(p.read_bytes()).hexdigest()
            for d in ("pdf", "png", "gif") for p in sorted((tree / d).glob("*"))}


def rebuilt(stdout: str, stage: str) -> list[str]:
    return re.findall(rf"^  {stage}  (\S+)", stdout, re.MULTILINE)


def per_step_seconds(tree: Path) -> tuple[float, int]:
    """One produce_figure (one pdflatex) per step of the 19 classic animations."""
    jobs = []
    for item in CLASSIC:
        spec = catalogue_spec(item)
        jobs += [[str(PYTHON), "bin/produce_figure", item.kind, item.name, str(step),
                  *item.argv, "--pdf-dir", "per-step"] for step in range(spec.steps)]
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = list(pool.map(lambda cmd: subprocess.run(cmd, cwd=tree).returncode, jobs))
    if any(codes):
        sys.exit("a per-step produce_figure run failed")
    return time.perf_counter() - start, len(jobs)


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the figure build.")
    parser.add_argument("--skip-per-step", action="store_true",
                        help="skip the slow one-pdflatex-per-step measurement")
    args = parser.parse_args()
    frames_all = sum(catalogue_spec(e).steps for e in CATALOGUE)
    frames_classic = sum(catalogue_spec(e).steps for e in CLASSIC)
    print(f"machine: {os.cpu_count()} cores; catalogue: {len(CATALOGUE)} animations, "
          f"{frames_all} frames ({len(CLASSIC)} classic, {frames_classic} frames)")
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        tree = Path(tmp) / "tree"
        copy_tree(tree)
        make(tree, "animations.mk")

        clean, _ = make(tree, "-j2", "all_animations")
        print(f"clean build, make -j2 all_animations:     {clean:6.1f} s   (goal <= 15 s)")
        first = outputs_digest(tree)
        classic_gifs = [f"gif/{e.name}.gif" for e in CLASSIC]
        for directory in ("pdf", "png", "gif"):
            shutil.rmtree(tree / directory)
        classic, _ = make(tree, "-j2", *classic_gifs)
        print(f"clean build, 19 classic animations only: {classic:6.1f} s")
        for directory in ("pdf", "png", "gif"):
            shutil.rmtree(tree / directory)
        make(tree, "-j2", "all_animations")
        second = outputs_digest(tree)
        same = sum(first[k] == second.get(k) for k in first)
        print(f"reproducible: {same} of {len(first)} files byte-identical across two clean builds")

        noop, _ = make(tree, "all_animations")
        print(f"no-op build, make all_animations:          {noop:6.2f} s   (goal <= 1 s)")

        for touched in ("templates/numerical.tex.j2", "convarith/model/values.py",
                        "templates/arithmetic.tex.j2"):
            os.utime(tree / touched)
            elapsed, out = make(tree, "-j2", "all_animations")
            names = rebuilt(out, "pdf")
            print(f"touch {touched}: {len(names)} animations rebuilt in {elapsed:.1f} s "
                  f"({', '.join(names) if len(names) < 8 else 'all ' + str(len(names))})")

        arithmetic = [e for e in CLASSIC if e.kind == "arithmetic"]
        total = sum((tree / "gif" / f"{e.name}.gif").stat().st_size for e in arithmetic)
        everything = sum(p.stat().st_size for p in (tree / "gif").glob("*.gif"))
        print(f"GIF size, {len(arithmetic)} classic arithmetic GIFs: {total / 1e6:.2f} MB "
              f"(goal <= 2.0 MB; original 3.40 MB); all {len(CATALOGUE)} GIFs: "
              f"{everything / 1e6:.2f} MB")

        if not args.skip_per_step:
            classic_pdfs = [f"pdf/{catalogue_spec(e).step_name(n)}.pdf"
                            for e in CLASSIC for n in range(catalogue_spec(e).steps)]
            shutil.rmtree(tree / "pdf")
            batched, _ = make(tree, "-j2", *classic_pdfs)
            print(f"batched path, 19 classic animations' PDFs (one pdflatex each, "
                  f"make -j2): {batched:6.1f} s")
            per_step, runs = per_step_seconds(tree)
            print(f"per-step path, {runs} produce_figure runs (one pdflatex each, "
                  f"2 at a time): {per_step:6.1f} s -> batching is {per_step / batched:.1f}x "
                  f"faster for the PDFs; the whole batched build of the 19 takes "
                  f"{classic:.1f} s")


if __name__ == "__main__":
    main()
