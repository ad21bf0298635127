"""Bad parameters through the real command-line programs.

Every case runs `bin/produce_figure` or `bin/animate` as a user would, in a
throwaway working directory that already holds a pdf/, png/ and gif/ file,
and checks that

* the exit status is non-zero (2: a bad request),
* stderr is one paragraph starting '<program>: error:' - no traceback, no
  blank line, no usage dump - and stdout is empty,
* the message names the parameter and the allowed range or the fix (each
  case lists regular expressions the message must match),
* nothing in the working directory was created, removed or touched.

Validation happens before any TeX runs, so the cases run with PDFLATEX set to
a program that does not exist: a case that got as far as pdflatex would fail
with the wrong message.  The helpers at the top are shared with
test_safety.py and test_tools_and_latex.py.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PROGRAMS = {"produce_figure": [str(ROOT / "bin" / "produce_figure")],
            "animate": [str(ROOT / "bin" / "animate")],
            "convarith": ["-m", "convarith"],
            "convarith.stages": ["-m", "convarith.stages"]}
NO_PDFLATEX = "/nonexistent/convarith-test/pdflatex"
#: Variables that change what the programs do; cases set them explicitly.
CONTROLLED_ENV = ("CONVARITH_MAX_STEPS", "PDFLATEX", "TEXINPUTS")


# --- helpers shared with the other robustness tests -------------------------

def base_env(**extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in CONTROLLED_ENV}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def run_program(program: str, argv: list[str], cwd: Path, env: dict | None = None,
                timeout: float = 120) -> subprocess.CompletedProcess:
    """Run one of our programs like a user: own process, given cwd and env."""
    return subprocess.run([PYTHON, *PROGRAMS[program], *argv], cwd=cwd,
                          env=base_env() if env is None else env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=timeout)


def snapshot(directory: Path) -> dict[str, tuple]:
    """Every path under `directory` with its type, size, mtime and content hash."""
    import hashlib
    state = {}
    for dirpath, dirnames, filenames in os.walk(directory):
        for name in dirnames + filenames:
            path = Path(dirpath, name)
            st = path.lstat()
            digest = (hashlib.sha256(path.read_bytes()).hexdigest()
                      if path.is_file() else None)
            state[str(path.relative_to(directory))] = (
                st.st_mode, st.st_size, st.st_mtime_ns, digest)
    return state


def seed_workdir(directory: Path) -> None:
    """A working directory as a user has it: earlier outputs already there."""
    for sub, name in (("pdf", "x_00.pdf"), ("png", "x_00.png"), ("gif", "x.gif")):
        path = directory / sub / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"an earlier output that must stay as it is\n")
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))


def message_problems(result: subprocess.CompletedProcess, program: str) -> list[str]:
    """What is wrong with how a refused request was reported, if anything."""
    problems = []
    err = result.stderr
    if result.returncode == 0:
        problems.append("exit status 0")
    if "Traceback" in err:
        problems.append("traceback on stderr")
    if result.stdout.strip():
        problems.append(f"stdout not empty: {result.stdout[:200]!r}")
    text = err.strip()
    if not text:
        problems.append("stderr empty")
    elif not text.startswith(f"{program}: error: "):
        problems.append(f"stderr does not start with '{program}: error: '")
    if re.search(r"\n\s*\n", text):
        problems.append("stderr has more than one paragraph")
    if "usage:" in err:
        problems.append("usage dump on stderr")
    return problems


# --- the table ----------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    #: Regular expressions (case-insensitive) the message must all match:
    #: the parameter's name, and the allowed range or the fix.
    expect: tuple[str, ...]
    program: str = "produce_figure"
    env: dict = field(default_factory=dict)
    exit_code: int = 2


def pf(id, argv, *expect, **kw):
    return Case(id, tuple(argv.split()) if isinstance(argv, str) else tuple(argv),
                expect, **kw)


def an(id, argv, *expect, **kw):
    return pf(id, argv, *expect, program="animate", **kw)


NAME_RULE = (r"animation name", r"letters, digits, '_' and '-'")
PAIR_RULE = (r"whole number or two separated by a comma", r"3,2")

CASES = [
    # sizes: zero, negative, not whole numbers
    pf("input-zero", "arithmetic x 0 -i 0 -k 3", r"--input-size", r"at least 1", r"\b0\b"),
    pf("input-negative", "arithmetic x 0 -i -4 -k 3", r"--input-size", r"at least 1", r"-4"),
    pf("input-fraction", "arithmetic x 0 -i 2.5 -k 3", r"--input-size", *PAIR_RULE, r"2\.5"),
    pf("input-word", "arithmetic x 0 -i five -k 3", r"--input-size", *PAIR_RULE),
    pf("input-empty", ["arithmetic", "x", "0", "-i", "", "-k", "3"],
       r"--input-size", *PAIR_RULE),
    pf("input-superscript-digit", "arithmetic x 0 -i ² -k 3", r"--input-size", *PAIR_RULE),
    pf("input-double-minus", "arithmetic x 0 --input-size=--5 -k 3",
       r"--input-size", *PAIR_RULE),
    pf("input-zero-width", "arithmetic x 0 -i 5,0 -k 3", r"--input-size", r"at least 1"),
    pf("kernel-zero", "arithmetic x 0 -i 5 -k 0", r"--kernel-size", r"at least 1"),
    pf("kernel-negative", "arithmetic x 0 -i 5 -k -3", r"--kernel-size", r"at least 1"),
    pf("kernel-fraction", "arithmetic x 0 -i 5 -k 1.5", r"--kernel-size", *PAIR_RULE),
    pf("padding-negative", "arithmetic x 0 -i 5 -k 3 -p -1", r"--padding", r"at least 0"),
    pf("output-zero", "arithmetic x 0 -i 5 -k 3 -o 0", r"--output-size", r"at least 1"),
    pf("stride-zero", "arithmetic x 0 -i 5 -k 3 -s 0", r"--stride", r"at least 1"),
    pf("stride-fraction", "arithmetic x 0 -i 5 -k 3 -s 0.5", r"--stride", *PAIR_RULE),
    pf("dilation-zero", "arithmetic x 0 -i 5 -k 3 -d 0", r"--dilation", r"at least 1"),
    # malformed pairs
    pf("pair-three-values", "arithmetic x 0 -i 3,2,1 -k 3", r"--input-size", *PAIR_RULE,
       r"'3,2,1'"),
    pf("pair-trailing-comma", "arithmetic x 0 -i 3, -k 3", r"--input-size", *PAIR_RULE,
       r"'3,'"),
    pf("pair-leading-comma", "arithmetic x 0 -i 5 -k ,3", r"--kernel-size", *PAIR_RULE),
    pf("pair-semicolon", "arithmetic x 0 -i 5 -k 3 -s 1;2", r"--stride", *PAIR_RULE),
    # geometry that cannot be drawn
    pf("kernel-larger-than-input", "arithmetic x 0 -i 3 -k 5",
       r"kernel", r"covers 5 cells", r"padded input's 3", r"smaller kernel|more padding"),
    pf("dilated-kernel-larger-than-input", "arithmetic x 0 -i 5 -k 3 -d 3",
       r"kernel", r"covers 7 cells", r"d=3", r"smaller kernel or dilation"),
    pf("kernel-larger-than-padded-width", "arithmetic x 0 -i 5,3 -k 4 -p 0",
       r"kernel \(width\)", r"covers 4 cells", r"padded input's 3"),
    pf("output-size-inconsistent", "arithmetic x 0 -i 5 -k 3 -o 4",
       r"--output-size 4", r"output size of 3", r"-o 3"),
    pf("output-size-9-for-i5-k3", "arithmetic x 0 -i 5 -o 9 -k 3",
       r"--output-size 9", r"output size of 3", r"drop -o|pass -o 3"),
    pf("output-size-inconsistent-rectangular", "arithmetic x 0 -i 5,7 -k 3 -o 3",
       r"--output-size 3", r"output size of 3,5", r"-o 3,5"),
    # steps
    pf("step-99-of-9", "arithmetic x 99 -i 5 -k 3", r"step 99", r"9 steps", r"0 to 8"),
    pf("step-negative", "arithmetic x -1 -i 5 -k 3", r"step -1", r"0 to 8"),
    pf("step-fraction", "arithmetic x 1.5 -i 5 -k 3", r"STEP", r"whole number",
       r"0 to 8", r"'all'"),
    pf("step-word", "arithmetic x last -i 5 -k 3", r"STEP", r"'all'"),
    pf("step-superscript", "arithmetic x ² -i 5 -k 3", r"STEP", r"'all'"),
    # modes, pooling
    pf("mode-unknown", "numerical x 0 -i 5 -k 3 -m median", r"--mode", r"'median'",
       r"convolution, average, max"),
    pf("mode-unknown-arithmetic", "arithmetic x 0 -i 5 -k 3 -m median", r"--mode",
       r"convolution, average, max"),
    pf("max-pooling-transposed", "numerical x 0 -i 5 -k 3 -m max --transposed",
       r"max pooling", r"--transposed", r"--mode convolution"),
    pf("average-pooling-transposed", "numerical x 0 -i 5 -k 3 -m average --transposed",
       r"average pooling", r"--transposed"),
    pf("average-pooling-dilated", "numerical x 0 -i 7 -k 3 -m average -d 2",
       r"average pooling", r"dilation", r"\b2\b"),
    pf("pooling-padding-too-large", "numerical x 0 -i 5 -k 3 -m max -p 2",
       r"pooling padding", r"at most half the kernel size", r"kernel size 3"),
    # transposed convolutions
    pf("output-padding-equals-stride",
       "arithmetic x 0 --transposed-input 3 -k 3 -s 2 --output-padding 2",
       r"output padding", r"smaller than the stride or the dilation", r"stride 2"),
    pf("output-padding-with-dilation",
       "arithmetic x 0 --transposed-input 3 -k 3 -d 2 --output-padding 3",
       r"output padding", r"smaller than the stride or the dilation", r"dilation 2"),
    pf("output-padding-negative",
       "arithmetic x 0 --transposed-input 3 -k 3 -s 2 --output-padding -1",
       r"--output-padding", r"at least 0"),
    pf("output-padding-without-transposed-input",
       "arithmetic x 0 -i 5 -k 3 -s 2 --output-padding 1",
       r"--output-padding", r"needs --transposed-input"),
    pf("transposed-input-with-input-size",
       "arithmetic x 0 --transposed-input 3 -i 5 -k 3",
       r"--transposed-input", r"do not combine it with -i"),
    pf("transposed-cropped-to-nothing", "arithmetic x 0 --transposed-input 2 -k 3 -p 3",
       r"transposed convolution", r"no output", r"= -2"),
    # padding: named, modes, transposed and pooling limits
    pf("padding-word", "arithmetic x 0 -i 5 -k 3 -p wide", r"--padding",
       r"whole number", r"same, causal", r"'wide'"),
    pf("causal-on-2d", "arithmetic x 0 -i 5 -k 3 -p causal", r"causal", r"1-D figures",
       r"input height 1 and kernel height 1", r"-i 1,16"),
    pf("padding-mode-unknown", "numerical x 0 -i 5 -k 3 -p 1 --padding-mode mirror",
       r"--padding-mode", r"'mirror'", r"zeros, reflect, replicate, circular"),
    pf("reflect-as-wide-as-input", "numerical x 0 -i 3 -k 3 -p 3 --padding-mode reflect",
       r"reflect padding", r"smaller than the input size", r"it is 3 with input size 3"),
    pf("circular-wraps-twice", "numerical x 0 -i 3 -k 3 -p 4 --padding-mode circular",
       r"circular padding", r"at most the input size", r"more than once"),
    pf("padding-mode-transposed", "numerical x 0 --transposed-input 3 -k 3 --padding-mode reflect",
       r"ConvTranspose2d", r"padding_mode 'zeros'"),
    pf("same-transposed", "arithmetic x 0 -i 5 -k 3 -p same --transposed",
       r"transposed convolution", r"padding='same'"),
    pf("same-pooling", "numerical x 0 -i 5 -k 3 -p same -m max", r"max pooling",
       r"whole-number padding", r"no --padding same or causal"),
    pf("padding-mode-pooling", "numerical x 0 -i 5 -k 3 -p 1 -m average --padding-mode reflect",
       r"average pooling", r"no\s+--padding-mode"),
    # pooling flags
    pf("ceil-mode-convolution", "numerical x 0 -i 5 -k 3 --ceil-mode", r"--ceil-mode",
       r"pooling only", r"no ceil_mode"),
    pf("ceil-mode-no-window", "numerical x 0 -i 2 -k 3 --ceil-mode -m max",
       r"no window that starts inside the input", r"smaller kernel"),
    pf("count-include-pad-max", "numerical x 0 -i 5 -k 3 -m max --no-count-include-pad",
       r"--no-count-include-pad", r"average pooling only"),
    pf("count-include-pad-convolution", "numerical x 0 -i 5 -k 3 --count-include-pad",
       r"--count-include-pad", r"average pooling only"),
    # too many steps, too large
    pf("thousands-of-steps", "arithmetic x 0 -i 60 -k 3",
       r"3364 steps", r"limit of 1024", r"--max-steps", r"CONVARITH_MAX_STEPS"),
    pf("thousands-of-steps-numerical", "numerical x all -i 50,40 -k 2",
       r"1911 steps", r"--max-steps", r"CONVARITH_MAX_STEPS"),
    pf("steps-above-env-limit", "arithmetic x 0 -i 5 -k 3",
       r"9 steps", r"limit of 4", r"--max-steps", r"CONVARITH_MAX_STEPS",
       env={"CONVARITH_MAX_STEPS": "4"}),
    pf("env-limit-not-a-number", "arithmetic x 0 -i 5 -k 3",
       r"CONVARITH_MAX_STEPS", r"positive whole number", r"'lots'",
       env={"CONVARITH_MAX_STEPS": "lots"}),
    pf("env-limit-zero", "arithmetic x 0 -i 5 -k 3",
       r"CONVARITH_MAX_STEPS", r"positive whole number", env={"CONVARITH_MAX_STEPS": "0"}),
    pf("max-steps-zero", "arithmetic x 0 -i 5 -k 3 --max-steps 0",
       r"--max-steps", r"at least 1"),
    pf("max-steps-word", "arithmetic x 0 -i 5 -k 3 --max-steps many",
       r"--max-steps", r"whole number"),
    pf("drawn-input-too-wide", "arithmetic x 0 -i 200,5 -k 3 --max-steps 100000",
       r"200 cells in height", r"limit of 100 cells", r"smaller sizes"),
    pf("absurd-size", "arithmetic x 0 -i 99999999999 -k 3 --max-steps 10000000000000000000000",
       r"99999999999 cells", r"limit of 100 cells"),
    # names
    pf("name-slash", ["arithmetic", "a/b", "0", "-i", "5", "-k", "3"], *NAME_RULE, r"'a/b'"),
    pf("name-dotdot", ["arithmetic", "..", "0", "-i", "5", "-k", "3"], *NAME_RULE),
    pf("name-parent-path", ["arithmetic", "../x", "0", "-i", "5", "-k", "3"], *NAME_RULE),
    pf("name-space", ["arithmetic", "a b", "0", "-i", "5", "-k", "3"], *NAME_RULE),
    pf("name-dollar", ["arithmetic", "a$b", "0", "-i", "5", "-k", "3"], *NAME_RULE),
    pf("name-semicolon", ["arithmetic", "a;b", "0", "-i", "5", "-k", "3"], *NAME_RULE),
    pf("name-backslash", ["arithmetic", "a\\b", "0", "-i", "5", "-k", "3"], *NAME_RULE),
    pf("name-brace", ["arithmetic", "a{b", "0", "-i", "5", "-k", "3"], *NAME_RULE),
    pf("name-empty", ["arithmetic", "", "0", "-i", "5", "-k", "3"], *NAME_RULE),
    pf("name-dot-start", ["arithmetic", ".hidden", "0", "-i", "5", "-k", "3"], *NAME_RULE),
    pf("name-too-long", ["arithmetic", "n" * 101, "0", "-i", "5", "-k", "3"],
       *NAME_RULE, r"1 to 100 characters"),
    # themes
    pf("theme-short-colour", ["arithmetic", "x", "0", "-i", "5", "-k", "3",
                              "--theme", "input=#12"],
       r"'#12' is not a colour", r"six hexadecimal digits"),
    pf("theme-colour-name", ["arithmetic", "x", "0", "-i", "5", "-k", "3",
                             "--theme", "solarized,output=red"],
       r"'red' is not a colour", r"six hexadecimal digits"),
    pf("theme-unknown-name", ["arithmetic", "x", "0", "-i", "5", "-k", "3",
                              "--theme", "neon"],
       r"unknown theme 'neon'", r"solarized, grayscale, colorblind"),
    pf("theme-unknown-role", ["arithmetic", "x", "0", "-i", "5", "-k", "3",
                              "--theme", "background=#ffffff"],
       r"colour role 'background'", r"--theme", r"input, output, footprint, lines"),
    pf("theme-empty", ["arithmetic", "x", "0", "-i", "5", "-k", "3", "--theme", ""],
       r"unknown theme ''", r"solarized"),
    # the command line itself
    pf("figure-type-unknown", "pictorial x 0 -i 5 -k 3", r"figure type 'pictorial'",
       r"arithmetic, numerical"),
    pf("option-unknown", "arithmetic x 0 -i 5 -k 3 --colour red", r"--colour",
       r"--help"),
    pf("kernel-missing", "arithmetic x 0 -i 5", r"--kernel-size", r"required", r"-k 3"),
    pf("input-missing", "arithmetic x 0 -k 3", r"--input-size", r"required",
       r"--transposed-input"),
    pf("step-missing", "arithmetic x", r"required", r"step"),
    # bin/animate
    an("animate-stride-zero", "x -i 5 -k 3 -s 0", r"--stride", r"at least 1"),
    an("animate-name-slash", ["a/b", "-i", "5", "-k", "3"], *NAME_RULE),
    an("animate-name-dotdot", ["..", "-i", "5", "-k", "3"], *NAME_RULE),
    an("animate-type-unknown", "x --type pictorial -i 5 -k 3", r"--type",
       r"'arithmetic', 'numerical'"),
    an("animate-fps-zero", "x -i 5 -k 3 --fps 0", r"--fps", r"between 0\.01 and 50"),
    an("animate-fps-nan", "x -i 5 -k 3 --fps nan", r"--fps", r"between 0\.01 and 50"),
    an("animate-fps-word", "x -i 5 -k 3 --fps fast", r"--fps", r"between 0\.01 and 50"),
    an("animate-dpi-too-low", "x -i 5 -k 3 --dpi 5", r"--dpi", r"between 10 and 1200"),
    an("animate-dpi-fraction", "x -i 5 -k 3 --dpi 1.5", r"--dpi", r"whole number",
       r"between 10 and 1200"),
    an("animate-out-unknown-suffix", "x -i 5 -k 3 --out frames.txt", r"--out frames\.txt",
       r"'\.txt'", r"\.gif", r"\.mp4", r"\.svg"),
    an("animate-out-no-suffix", "x -i 5 -k 3 --out movie", r"--out movie", r"\.webm"),
    an("animate-hold-last-negative", "x -i 5 -k 3 --hold-last -1", r"--hold-last",
       r"between 0 and 3600"),
    an("animate-thousands-of-steps", "x --type numerical -i 32 -k 1 --max-steps 1000",
       r"1024 steps", r"--max-steps", r"CONVARITH_MAX_STEPS"),
    an("animate-all-steps-of-a-real-layer", "x -i 224 -k 7 -s 2 -p 3 --out-channels 64 "
       "--steps all", r"--steps names 802,816 steps", r"limit of 1,024", r"--max-steps"),
    pf("real-layer-by-tex", "arithmetic x 0 -i 224 -k 7 -s 2 -p 3 --out-channels 64",
       r"--out-channels is 64", r"limit of 4 channels"),
    an("animate-pooling-transposed", "x --type numerical -i 5 -k 3 -m max --transposed",
       r"max pooling", r"--transposed"),
    an("animate-output-size-inconsistent", "x -i 5 -o 9 -k 3", r"--output-size 9",
       r"output size of 3"),
    an("animate-padding-mode-unknown", "x -i 5 -k 3 -p 1 --padding-mode wrap",
       r"--padding-mode", r"'wrap'"),
    an("animate-causal-on-2d", "x -i 4,8 -k 1,2 -p causal", r"1-D figures",
       r"input height is 4"),
    # channels and groups
    pf("groups-not-dividing", "arithmetic x 0 -i 5 -k 3 --in-channels 4 --out-channels 2 "
       "--groups 3", r"--groups 3", r"divide both channel counts", r"--in-channels is 4"),
    pf("groups-not-dividing-out", "arithmetic x 0 -i 5 -k 3 --in-channels 2 --out-channels 3 "
       "--groups 2", r"--groups 2", r"divide", r"--out-channels is 3"),
    pf("in-channels-zero", "arithmetic x 0 -i 5 -k 3 --in-channels 0", r"--in-channels",
       r"at least 1", r"'0'"),
    pf("out-channels-negative", "arithmetic x 0 -i 5 -k 3 --out-channels -2",
       r"--out-channels", r"at least 1"),
    pf("groups-zero", "arithmetic x 0 -i 5 -k 3 --groups 0", r"--groups", r"at least 1"),
    pf("in-channels-word", "numerical x 0 -i 5 -k 3 --in-channels three", r"--in-channels",
       r"whole number", r"'three'"),
    pf("out-channels-fraction", "numerical x 0 -i 5 -k 3 --out-channels 1.5",
       r"--out-channels", r"whole number"),
    pf("groups-superscript-digit", "arithmetic x 0 -i 5 -k 3 --groups ²", r"--groups",
       r"whole number"),
    pf("in-channels-above-limit", "arithmetic x 0 -i 5 -k 3 --in-channels 5",
       r"--in-channels is 5", r"limit of 4 channels"),
    pf("out-channels-above-limit", "numerical x 0 -i 5 -k 3 --out-channels 64",
       r"--out-channels is 64", r"limit of 4 channels"),
    pf("pooling-out-channels", "numerical x 0 -i 5 -k 3 -m max --in-channels 2 "
       "--out-channels 3", r"max pooling", r"--in-channels only"),
    pf("pooling-groups", "numerical x 0 -i 5 -k 3 -m average --groups 2", r"average pooling",
       r"--in-channels only"),
    pf("channel-step-out-of-range", "arithmetic x 18 -i 5 -k 3 --out-channels 2",
       r"step 18", r"18 steps", r"0 to 17"),
    an("animate-groups-not-dividing", "x -i 5 -k 3 --in-channels 3 --out-channels 3 "
       "--groups 2", r"--groups 2", r"divide"),
    an("animate-channels-above-limit", "x --type numerical -i 5 -k 3 --in-channels 9",
       r"--in-channels is 9", r"limit of 4"),
    an("animate-theme-malformed", ["x", "-i", "5", "-k", "3", "--theme", "input=#ggg000"],
       r"'#ggg000' is not a colour"),
    # output paths are checked before any work, whatever is wrong with them
    an("animate-out-empty", ["x", "-i", "5", "-k", "3", "--out", ""], r"--out", r"empty"),
    an("animate-out-directory", ["x", "-i", "5", "-k", "3", "--out", "gif.gif/"],
       r"--out", r"directory"),
    an("animate-out-proc", "x -i 5 -k 3 --out /proc/x.gif", r"--out", r"/proc",
       r"cannot be written"),
    an("animate-out-too-long", ["x", "-i", "5", "-k", "3", "--out", "a" * 250 + ".gif"],
       r"--out", r"longer than this system allows"),
    an("animate-out-under-a-file", "x -i 5 -k 3 --out pdf/x_00.pdf/y.gif", r"--out",
       r"pdf/x_00\.pdf", r"is a file"),
    pf("pdf-dir-empty", ["arithmetic", "x", "0", "-i", "5", "-k", "3", "--pdf-dir", ""],
       r"--pdf-dir", r"empty"),
    pf("pdf-dir-is-a-file", "arithmetic x 0 -i 5 -k 3 --pdf-dir pdf/x_00.pdf",
       r"--pdf-dir", r"not a directory"),
    an("animate-catalogue-name", "padding_strides -i 4 -k 2", r"padding_strides",
       r"catalogue", r"another name", r"make all_animations"),
    an("animate-dpi-underscore", "x -i 5 -k 3 --dpi 1_000", r"--dpi", r"1_000"),
    an("animate-dpi-superscript", "x -i 5 -k 3 --dpi 1\u00b2", r"--dpi", r"whole number"),
    an("animate-fps-arabic-digit", "x -i 5 -k 3 --fps \u0661", r"--fps", r"between"),
    an("animate-fps-underscore", "x -i 5 -k 3 --fps 1_0", r"--fps", r"1_0"),
    # limits that hold: refused before any work
    an("animate-numerical-too-wide", "x --type numerical -i 40 -k 21", r"numerical",
       r"at most 32 cells"),
    pf("arithmetic-too-much-work", "arithmetic x 0 -i 100 -k 80", r"cells over its 441 steps",
       r"limit of 2,200,000"),
]


def check_case(case: Case, workdir: Path) -> list[str]:
    """Run one case in `workdir` (prepared with seed_workdir); list what failed."""
    before = snapshot(workdir)
    env = base_env(PDFLATEX=NO_PDFLATEX, **case.env)
    result = run_program(case.program, list(case.argv), workdir, env)
    problems = message_problems(result, case.program)
    if result.returncode != case.exit_code:
        problems.append(f"exit status {result.returncode}, expected {case.exit_code}")
    for pattern in case.expect:
        if not re.search(pattern, result.stderr, re.IGNORECASE):
            problems.append(f"message lacks /{pattern}/")
    if "pdflatex" in result.stderr:
        problems.append("got as far as pdflatex: validation came too late")
    after = snapshot(workdir)
    if after != before:
        changed = sorted(set(after.items()) ^ set(before.items()))
        problems.append(f"working directory changed: {changed[:4]}")
    if problems:
        problems.append(f"stderr was: {result.stderr.strip()[:600]!r}")
    return problems


def test_table_is_large_and_distinct():
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES), "case ids must be unique"
    assert len({(c.program, c.argv, tuple(sorted(c.env.items()))) for c in CASES}) \
        == len(CASES), "two cases run the same command"
    assert len({c.program for c in CASES}) == 2


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory) -> dict[str, list[str]]:
    """Every case run once (in parallel; each is a short process)."""
    # Directories are made here, in one thread: pytest's tmp_path_factory is
    # not thread-safe (two threads may each create a new base directory).
    workdirs = {case.id: tmp_path_factory.mktemp(case.id[:40]) for case in CASES}

    def run(case):
        workdir = workdirs[case.id]
        seed_workdir(workdir)
        return case.id, check_case(case, workdir)

    with ThreadPoolExecutor(max_workers=min(8, (os.cpu_count() or 2) * 2)) as pool:
        return dict(pool.map(run, CASES))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case, outcomes):
    problems = outcomes[case.id]
    assert not problems, f"{case.program} {' '.join(case.argv)}: " + "; ".join(problems)


def test_bad_input_summary(outcomes, capsys):
    held = [cid for cid, problems in outcomes.items() if not problems]
    with capsys.disabled():
        print(f"\nbad-input cases: {len(outcomes)} tried, {len(held)} held")
    assert len(outcomes) == len(CASES)
    assert len(held) == len(outcomes), sorted(set(outcomes) - set(held))


def test_checker_notices_a_bad_report(tmp_path):
    """The checks above can fail: a traceback, a second paragraph, a created
    file and a missing phrase are each caught."""
    fake = subprocess.CompletedProcess(
        [], 1, stdout="", stderr="Traceback (most recent call last):\n\nValueError\n")
    problems = message_problems(fake, "produce_figure")
    assert "traceback on stderr" in problems
    assert "stderr has more than one paragraph" in problems
    assert any("does not start with" in p for p in problems)
    # A request that is fine gets as far as pdflatex, which does not exist here.
    seed_workdir(tmp_path)
    ok = Case("valid", ("arithmetic", "x", "0", "-i", "5", "-k", "3"), (r"--stride",))
    problems = check_case(ok, tmp_path)
    assert any("message lacks" in p for p in problems)
    assert any("pdflatex" in p for p in problems)
