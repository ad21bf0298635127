#!/usr/bin/env python3
"""Interrupt `make all_animations` at random moments and check what is left.

Usage (from the repository, with the project's Python):

    .venv/bin/python tests/interrupt_trials.py [--trials 21] [--seed 1] [--jobs 2]
                                               [--subset NAME,NAME] [--no-parallel]

The repository is copied (without pdf/ png/ gif/, the virtual environment and
.git) into a temporary directory; Make runs there with this Python
(PYTHON=...) and a set-up stamp of its own, so nothing in the checkout or its
.venv is touched.  Then:

1. A clean build with -j2 gives the reference hashes of pdf/, png/ and gif/.
   Every file is checked: each PDF parses and has one page, each PNG decodes,
   each GIF decodes with one frame per step of its animation.
2. Each trial starts Make in its own process group - after deleting outputs,
   touching a template, touching package code, or from a clean tree - and at
   a random moment sends SIGINT, SIGTERM or SIGKILL to the whole group.  Then
   every file in pdf/ png/ gif/ must be complete and valid or absent.
   Temporary files ('.STEM.XXXXXXXX.SUFFIX.tmp') may remain after SIGKILL or
   SIGTERM (nothing can clean up then) but never after SIGINT, and no file
   may have any other name.  After SIGINT the private temporary directories
   of pdflatex and the rasteriser must be gone too.  The next `make` must
   complete, leave outputs byte-identical to the clean build, and a further
   `make -q` must find nothing to do.
3. Unless --no-parallel: clean builds with -j1 and -j8 must be byte-identical
   to the reference.

It prints "interrupt trials: N tried, M held" and exits non-zero unless every
trial and check held.  tests/test_interrupt.py runs a reduced version.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent
if str(SOURCE) not in sys.path:
    sys.path.insert(0, str(SOURCE))

OUTPUT_DIRS = ("pdf", "png", "gif")
#: Not copied: outputs, the environment, history and caches.
IGNORED = {"pdf", "png", "gif", ".venv", ".git", ".benchmarks", "__pycache__",
           ".pytest_cache", ".hypothesis", "animations.mk", ".mypy_cache",
           ".ruff_cache"}
#: Temporary names from convarith.files: '.' + stem + '.' + 8 random + suffix + '.tmp'.
#: Temporary names from convarith.files: '.' + stem + '.' + pid-random + suffix + '.tmp'.
TEMP_NAME = re.compile(
    r"^\.(?P<stem>.+)\.[0-9]+-[a-z0-9_]{8}(?P<suffix>\.(pdf|png|gif))\.tmp$")
#: The report, built by plain `make` (checked with --report).
REPORT = "conv_arithmetic.pdf"
SIGNALS = (signal.SIGINT, signal.SIGKILL, signal.SIGTERM)
VARIANTS = ("clean", "delete-some", "touch-template", "touch-code")
MAKE_TIMEOUT = 1800


def expected_outputs(names: list[str] | None = None) -> dict[str, int]:
    """Relative path of every output -> frames (1 for PDF and PNG, steps for a GIF)."""
    from convarith.cli import catalogue_spec
    from convarith.model.catalogue import CATALOGUE
    expected = {}
    for entry in CATALOGUE:
        if names is not None and entry.name not in names:
            continue
        spec = catalogue_spec(entry)
        for step in range(spec.steps):
            expected[f"pdf/{spec.step_name(step)}.pdf"] = 1
            expected[f"png/{spec.step_name(step)}.png"] = 1
        expected[f"gif/{entry.name}.gif"] = spec.steps
    if names is not None and len({p.split("/")[1].rsplit(".", 1)[0] for p in expected
                                  if p.startswith("gif/")}) != len(names):
        raise SystemExit(f"unknown animation in {names}")
    return expected


def check_file(path: Path, frames: int) -> str | None:
    """None if `path` is a complete, valid output; otherwise what is wrong."""
    try:
        if path.suffix == ".pdf":
            from pypdf import PdfReader
            reader = PdfReader(path, strict=True)
            pages = len(reader.pages)
            reader.pages[0].extract_text()          # parse the page's content
            return None if pages == frames else f"{pages} pages"
        from PIL import Image
        with Image.open(path) as image:
            image.verify()
        with Image.open(path) as image:
            count = getattr(image, "n_frames", 1)
            for index in range(count):
                image.seek(index)
                image.load()
        if count != frames:
            return f"{count} frames, expected {frames}"
        return None
    except Exception as error:  # any failure to read is a broken file
        return f"{type(error).__name__}: {error}"


@dataclass
class TreeReport:
    problems: list[str] = field(default_factory=list)
    temps: list[str] = field(default_factory=list)
    complete: int = 0


def check_tree(root: Path, expected: dict[str, int], temps_allowed: bool) -> TreeReport:
    report = TreeReport()
    if REPORT in expected and (root / REPORT).exists():
        trouble = check_file(root / REPORT, expected[REPORT])
        if trouble:
            report.problems.append(f"{REPORT} looks complete but is not: {trouble}")
        else:
            report.complete += 1
    for sub in OUTPUT_DIRS:
        directory = root / sub
        if not directory.is_dir():
            continue
        for path in sorted(directory.iterdir()):
            rel = f"{sub}/{path.name}"
            temp = TEMP_NAME.match(path.name)
            if temp:
                report.temps.append(rel)
                if f"{sub}/{temp['stem']}{temp['suffix']}" not in expected:
                    report.problems.append(f"temporary file of an unknown output: {rel}")
                elif not temps_allowed:
                    report.problems.append(f"temporary file left: {rel}")
                continue
            if rel not in expected:
                report.problems.append(f"unexpected file: {rel}")
                continue
            trouble = check_file(path, expected[rel])
            if trouble:
                report.problems.append(f"{rel} looks complete but is not: {trouble}")
            else:
                report.complete += 1
    return report


def hashes(root: Path, report: bool = False) -> dict[str, str]:
    """sha256 of every output with its final name (and of the report if asked)."""
    result = {}
    for sub in OUTPUT_DIRS:
        directory = root / sub
        if directory.is_dir():
            for path in sorted(directory.iterdir()):
                if not path.name.startswith("."):
                    result[f"{sub}/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
    if report and (root / REPORT).exists():
        result[REPORT] = hashlib.sha256((root / REPORT).read_bytes()).hexdigest()
    return result


def compare(reference: dict[str, str], actual: dict[str, str]) -> list[str]:
    problems = []
    missing = sorted(set(reference) - set(actual))
    extra = sorted(set(actual) - set(reference))
    differ = sorted(p for p in set(reference) & set(actual) if reference[p] != actual[p])
    if missing:
        problems.append(f"{len(missing)} outputs missing, e.g. {missing[:3]}")
    if extra:
        problems.append(f"{len(extra)} extra outputs, e.g. {extra[:3]}")
    if differ:
        problems.append(f"{len(differ)} outputs differ from the clean build, e.g. {differ[:3]}")
    return problems


class Sandbox:
    """A copy of the repository where Make may be run, interrupted and resumed."""

    def __init__(self, root: Path, python: str = sys.executable,
                 targets: list[str] | None = None):
        self.root = root
        self.python = python
        self.targets = targets or ["all_animations"]
        self.tmpdir = root / ".trial-tmp"
        self.logs = root / ".trial-logs"

    @classmethod
    def create(cls, parent: Path, name: str, **kwargs) -> "Sandbox":
        root = parent / name
        shutil.copytree(SOURCE, root, symlinks=True,
                        ignore=lambda d, names: [n for n in names if n in IGNORED
                                                 or n.endswith(".pyc")])
        box = cls(root, **kwargs)
        venv = root / ".trial-venv"
        venv.mkdir()
        # The stamp is newer than the copied sources, so Make never runs setup.
        (venv / ".setup-done").write_text("trial\n")
        box.tmpdir.mkdir()
        box.logs.mkdir()
        return box

    def make_command(self, jobs: int, *extra: str) -> list[str]:
        return ["make", f"-j{jobs}", f"PYTHON={self.python}",
                f"VENV={self.root / '.trial-venv'}", *extra, *self.targets]

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items()
               if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "PDFLATEX",
                            "CONVARITH_MAX_STEPS", "TEXINPUTS", "PYTHONPATH")}
        env["TMPDIR"] = str(self.tmpdir)
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        return env

    def start(self, jobs: int, log_name: str) -> subprocess.Popen:
        log = open(self.logs / log_name, "wb")
        try:
            return subprocess.Popen(self.make_command(jobs), cwd=self.root, env=self.env(),
                                    stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        finally:
            log.close()

    def build(self, jobs: int, log_name: str) -> tuple[int, float]:
        began = time.monotonic()
        process = self.start(jobs, log_name)
        try:
            status = process.wait(timeout=MAKE_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            status = -1
        return status, time.monotonic() - began

    def up_to_date(self) -> bool:
        return subprocess.run(self.make_command(1, "-q"), cwd=self.root, env=self.env(),
                              stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0

    def log_tail(self, log_name: str, lines: int = 15) -> str:
        text = (self.logs / log_name).read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])

    def clean_outputs(self) -> None:
        for sub in OUTPUT_DIRS:
            shutil.rmtree(self.root / sub, ignore_errors=True)

    def clear_tmpdir(self) -> list[str]:
        """Empty the sandbox's TMPDIR; return what runs left there, except
        the directory of the animations' lock files, which stays by design."""
        left = sorted(p.name for p in self.tmpdir.iterdir()
                      if not p.name.startswith("convarith-locks-"))
        for path in self.tmpdir.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        return left


def prepare(box: Sandbox, variant: str, rng: random.Random) -> None:
    """Give Make something to do."""
    if box.targets == ["report"]:
        # The report's own files too, so that pdflatex really runs.
        for path in box.root.glob("conv_arithmetic-build.*"):
            path.unlink()
    if variant == "clean":
        box.clean_outputs()
    elif variant == "delete-some":
        outputs = [p for sub in OUTPUT_DIRS if (box.root / sub).is_dir()
                   for p in (box.root / sub).iterdir()]
        for path in rng.sample(outputs, k=max(1, len(outputs) // 3)):
            path.unlink()
    else:
        name = ("templates/arithmetic.tex.j2" if variant == "touch-template"
                else "convarith/render/latex.py")
        os.utime(box.root / name)   # newer than every output


@dataclass
class Trial:
    number: int
    variant: str
    signal: signal.Signals
    delay: float
    problems: list[str] = field(default_factory=list)
    temps: int = 0
    temps_after_resume: int = 0
    interrupted: bool = True


def run_trial(box: Sandbox, number: int, rng: random.Random, jobs: int,
              expected: dict[str, int], reference: dict[str, str],
              clean_seconds: float, signals=SIGNALS) -> Trial:
    variant = VARIANTS[number % len(VARIANTS)]
    sig = signals[number % len(signals)]
    prepare(box, variant, rng)
    share = {"clean": 1.0, "delete-some": 0.5, "touch-template": 0.7,
             "touch-code": 1.0}[variant]
    delay = rng.uniform(0.05, 0.9) * clean_seconds * share
    trial = Trial(number, variant, sig, delay)
    process = box.start(jobs, f"trial-{number:02d}.log")
    try:
        process.wait(timeout=delay)
        trial.interrupted = False               # Make finished first
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            trial.problems.append(f"make did not stop within 120 s of {sig.name}")
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    survivors = wait_for_group(process.pid)
    if survivors:
        trial.problems.append(f"processes survived {sig.name}: {survivors}")
        with _suppress():
            os.killpg(process.pid, signal.SIGKILL)
        wait_for_group(process.pid)
    after_kill = check_tree(box.root, expected, temps_allowed=sig != signal.SIGINT)
    trial.problems += [f"after {sig.name}: {p}" for p in after_kill.problems]
    trial.temps = len(after_kill.temps)
    private = box.clear_tmpdir()
    if sig == signal.SIGINT and private:
        trial.problems.append(f"after SIGINT, temporary directories left: {private}")

    status, _ = box.build(jobs, f"trial-{number:02d}-resume.log")
    if status != 0:
        trial.problems.append(f"the next make failed ({status}):\n"
                              + box.log_tail(f"trial-{number:02d}-resume.log"))
        return trial
    after_resume = check_tree(box.root, expected, temps_allowed=True)
    trial.temps_after_resume = len(after_resume.temps)
    trial.problems += [f"after the next make: {p}" for p in after_resume.problems]
    trial.problems += compare(reference, hashes(box.root, REPORT in expected))
    if not box.up_to_date():
        trial.problems.append("after the next make, 'make -q' still finds work")
    box.clear_tmpdir()
    return trial


def group_members(pgid: int) -> list[str]:
    """Live (not zombie) processes of a process group, as 'PID COMMAND'."""
    listing = subprocess.run(["ps", "-eo", "pid=,pgid=,stat=,comm="], capture_output=True,
                             text=True).stdout
    members = []
    for line in listing.splitlines():
        pid, group, state, command = (line.split(None, 3) + [""])[:4]
        if group == str(pgid) and not state.startswith("Z"):
            members.append(f"{pid} {command}")
    return members


def wait_for_group(pgid: int, seconds: float = 10) -> list[str]:
    """Wait until a process group has no live member; return those still alive."""
    deadline = time.monotonic() + seconds
    while True:
        members = group_members(pgid)
        if not members or time.monotonic() > deadline:
            return members
        time.sleep(0.1)


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], ProcessLookupError)


def reference_build(parent: Path, name: str, jobs: int, targets, expected,
                    log=print) -> tuple[Sandbox, dict[str, str], float, list[str]]:
    box = Sandbox.create(parent, name, targets=targets)
    status, seconds = box.build(jobs, "clean.log")
    problems = []
    if status != 0:
        problems.append(f"clean -j{jobs} build failed ({status}):\n" + box.log_tail("clean.log"))
        return box, {}, seconds, problems
    if REPORT in expected and (box.root / REPORT).exists():
        from pypdf import PdfReader
        expected[REPORT] = len(PdfReader(box.root / REPORT).pages)
    report = check_tree(box.root, expected, temps_allowed=False)
    problems += [f"clean -j{jobs} build: {p}" for p in report.problems]
    found = hashes(box.root, REPORT in expected)
    if set(found) != set(expected):
        problems.append(f"clean -j{jobs} build: {len(set(expected) - set(found))} outputs "
                        f"missing, {len(set(found) - set(expected))} unexpected")
    if not box.up_to_date():
        problems.append(f"after a clean -j{jobs} build, 'make -q' still finds work")
    log(f"  clean build -j{jobs}: {len(found)} files in {seconds:.1f} s")
    return box, found, seconds, problems


def parallel_check(parent: Path, reference: dict[str, str], targets, expected,
                   jobs=(1, 8), log=print) -> list[str]:
    """Clean builds with each -jN must be byte-identical to the reference."""
    problems = []
    for n in jobs:
        box, found, _, trouble = reference_build(parent, f"parallel-j{n}", n, targets,
                                                 expected, log)
        problems += trouble
        problems += [f"-j{n}: {p}" for p in compare(reference, found)]
        shutil.rmtree(box.root, ignore_errors=True)
    return problems


def report_outputs() -> dict[str, int]:
    """What plain `make` builds: every frame PDF and the report (its page
    count is filled in from the clean build)."""
    expected = {p: n for p, n in expected_outputs().items() if p.startswith("pdf/")}
    expected[REPORT] = 0
    return expected


def run_trials(trials: int, seed: int, jobs: int, names: list[str] | None,
               parallel: bool, workdir: Path | None = None,
               log=print, report: bool = False,
               signals=SIGNALS) -> tuple[int, int, list[str]]:
    """(trials tried, trials held, problems of trials and checks)."""
    rng = random.Random(seed)
    expected = report_outputs() if report else expected_outputs(names)
    # For a subset, ask for every file (as all_animations does), not just the
    # GIFs: a GIF newer than its PDFs is up to date even when a PNG made
    # beside it was deleted, since the PNGs are not its prerequisites.
    targets = (["report"] if report else
               ["all_animations"] if names is None else sorted(expected))
    owned = workdir is None
    parent = Path(tempfile.mkdtemp(prefix="convarith-trials-")) if owned else workdir
    problems: list[str] = []
    try:
        box, reference, seconds, trouble = reference_build(parent, "trials", jobs,
                                                           targets, expected, log)
        problems += trouble
        if trouble:
            return 0, 0, problems
        tried = held = 0
        number = 0
        attempts = 0
        while tried < trials and attempts < trials * 3:
            attempts += 1
            trial = run_trial(box, number, rng, jobs, expected, reference, seconds,
                              signals)
            number += 1
            if not trial.interrupted and not trial.problems:
                log(f"  trial {trial.number:2d}: make finished within "
                    f"{trial.delay:.2f} s, before the signal; not counted")
                continue
            tried += 1
            verdict = "held" if not trial.problems else "FAILED"
            log(f"  trial {trial.number:2d}: {trial.variant:14s} {trial.signal.name:7s} "
                f"after {trial.delay:5.2f} s: {verdict}"
                + (f" ({trial.temps} temporary files left, as allowed; "
                   f"{trial.temps_after_resume} after the next make)" if trial.temps else ""))
            if trial.problems:
                problems += [f"trial {trial.number} ({trial.variant}, {trial.signal.name}, "
                             f"{trial.delay:.2f} s): {p}" for p in trial.problems]
            else:
                held += 1
        if parallel:
            problems += parallel_check(parent, reference, targets, expected, log=log)
        return tried, held, problems
    finally:
        if owned:
            shutil.rmtree(parent, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=21)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--subset", help="comma-separated animation names "
                                         "(default: all_animations)")
    parser.add_argument("--no-parallel", dest="parallel", action="store_false",
                        help="skip the -j1 / -j8 comparison")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it")
    parser.add_argument("--signal", choices=[s.name for s in SIGNALS],
                        help="send only this signal (default: each in turn)")
    parser.add_argument("--report", action="store_true",
                        help="interrupt plain `make` (the report and its frames) instead")
    args = parser.parse_args(argv)
    names = args.subset.split(",") if args.subset else None
    workdir = None
    if args.keep:
        workdir = Path(args.keep)
        workdir.mkdir(parents=True, exist_ok=True)
    began = time.monotonic()
    tried, held, problems = run_trials(args.trials, args.seed, args.jobs, names,
                                       args.parallel, workdir, report=args.report,
                                       signals=(signal.Signals[args.signal],) if args.signal
                                       else SIGNALS)
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print(f"interrupt trials: {tried} tried, {held} held")
    if args.parallel:
        print("parallel builds: -j1 and -j8 "
              + ("identical to -j2" if not any(p.startswith("-j") or "clean -j" in p
                                                for p in problems) else "DIFFER"))
    print(f"({time.monotonic() - began:.0f} s)")
    return 0 if tried == args.trials and held == tried and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
