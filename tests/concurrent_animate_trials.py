#!/usr/bin/env python3
"""Race two `bin/animate` runs on one name, with different geometry, many times.

Usage (from the repository, with the project's Python):

    .venv/bin/python tests/concurrent_animate_trials.py [--trials 20] [--seed 1]

Each trial starts a 9-step run, then after a random delay of 0 to 0.5 s
(a run alone takes about 0.6 s, so the two always overlap) a 4-step run on
the same name in the same directory.  Both must succeed, and pdf/, png/
and gif/ must afterwards be wholly one run's: the same file names, pixels
and GIF bytes as that geometry makes alone.  Prints one line per trial and
"concurrent animate trials: N tried, M held"; exits non-zero unless all held.
tests/test_concurrency.py runs three fixed delays of the same race.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent.parent), str(Path(__file__).resolve().parent)]

from test_concurrency import build_alone, race  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    chooser = random.Random(args.seed)
    held, winners = 0, Counter()
    with tempfile.TemporaryDirectory(prefix="convarith-race-") as work:
        work = Path(work)
        build_alone(work)
        for trial in range(args.trials):
            delay = round(chooser.uniform(0.0, 0.5), 2)
            started = time.monotonic()
            try:
                winner = race(work / f"trial-{trial}", delay, work)
            except AssertionError as failure:
                print(f"trial {trial}: delay {delay} s: FAILED: {failure}", flush=True)
                continue
            held += 1
            winners[winner] += 1
            print(f"trial {trial}: delay {delay} s: wholly '{winner}' "
                  f"({time.monotonic() - started:.1f} s)", flush=True)
    print(f"concurrent animate trials: {args.trials} tried, {held} held "
          f"(last writer: {dict(winners)})")
    return 0 if held == args.trials else 1


if __name__ == "__main__":
    sys.exit(main())
