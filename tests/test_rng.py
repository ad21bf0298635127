"""convarith.model.rng draws what numpy's default_rng draws: the same seeding, the
same 64-bit words, the same 32-bit halves in the same order, and the same
integers, call after call on one generator."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convarith.model.rng import PCG64, Generator, seed_state

EXACT = settings(max_examples=300, deadline=None, database=None, derandomize=True)
#: The figures' seeds first, then small, large and many-word seeds.
SEEDS = [2016, 2191, 0, 1, 2, 42, 2**32 - 1, 2**32, 2**63 + 11, 2**128 + 7, 3**200]
#: The figures' ranges (high exclusive), then ranges where Lemire's method
#: often rejects a draw (3 * 2**30: one draw in four), the full 32-bit
#: range, and ranges that need 64-bit draws.
RANGES = [(0, 4), (0, 3), (0, 10), (-3, 5), (7, 8), (0, 3 * 2**30), (0, 2**31 + 1),
          (-2**31, 2**31), (0, 2**32 + 1), (0, 3 * 2**61), (-2**63, 2**63 - 1)]


def numpy_draws(seed, calls):
    rng = np.random.default_rng(seed)
    return [rng.integers(low, high, size=size).tolist() for low, high, size in calls]


def pure_draws(seed, calls):
    rng = Generator(seed)
    return [rng.integers(low, high, size) for low, high, size in calls]


def test_seed_sequence_matches_numpy():
    for seed in SEEDS:
        for words in (1, 4, 8, 9):
            assert seed_state(seed, words) == \
                np.random.SeedSequence(seed).generate_state(words).tolist(), (seed, words)


def test_pcg64_state_and_words_match_numpy():
    for seed in SEEDS:
        ours, theirs = PCG64(seed), np.random.PCG64(seed)
        state = theirs.state["state"]
        assert (ours.state, ours.increment) == (state["state"], state["inc"]), seed
        assert [ours.next64() for _ in range(50)] == theirs.random_raw(50).tolist(), seed


def test_32_bit_draws_use_the_low_half_first_then_the_high_half():
    """numpy's 32-bit draws, seen through integers over the full 32-bit range
    (one word per number, no rejection), agree with splitting 64-bit words."""
    words = np.random.PCG64(2016).random_raw(3).tolist()
    halves = [half for word in words for half in (word & 0xFFFFFFFF, word >> 32)]
    assert np.random.default_rng(2016).integers(0, 2**32, size=6).tolist() == halves
    assert Generator(2016).integers(0, 2**32, 6) == halves


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("low, high", RANGES)
def test_integers_match_numpy(seed, low, high):
    calls = [(low, high, 7), (low, high, (1, 5, 5)), (low, high, None), (low, high, (2, 3)),
             (low, high, 1)]
    assert pure_draws(seed, calls) == numpy_draws(seed, calls)


def test_the_figures_draws_match_numpy():
    """What the figures draw: a (C, h, w) input, then a weight from the same
    stream, where an odd count leaves half a word for the weight's first draw."""
    for seed, (low, high) in ((2016, (0, 4)), (2191, (0, 10))):
        for channels, size in ((1, (5, 5)), (3, (5, 5)), (1, (6, 7)), (4, (32, 32))):
            calls = [(low, high, (channels, *size)), (0, 3, (2, channels, 3, 3))]
            assert pure_draws(seed, calls) == numpy_draws(seed, calls)


def test_rejected_draws_are_drawn_again():
    """For a range of 3 * 2**30, a quarter of the draws are rejected: the
    comparison above covers the redraw only if some happen."""
    rng = Generator(5)
    numbers = rng.integers(0, 3 * 2**30, 200)
    assert numbers == np.random.default_rng(5).integers(0, 3 * 2**30, size=200).tolist()
    words, fresh = 0, PCG64(5)
    while fresh.state != rng.bits.state:
        fresh.next64()
        words += 1
    assert words > 110      # 200 numbers without a redraw take 100 words

calls = st.lists(st.tuples(
    st.one_of(st.sampled_from(RANGES),
              st.tuples(st.integers(-2**40, 2**40), st.integers(1, 2**33)).map(
                  lambda pair: (pair[0], pair[0] + pair[1]))),
    st.one_of(st.none(), st.integers(0, 9), st.tuples(st.integers(1, 3), st.integers(1, 5))),
).map(lambda call: (*call[0], call[1])), min_size=1, max_size=6)


@EXACT
@given(st.one_of(st.sampled_from(SEEDS), st.integers(0, 2**130)), calls)
def test_any_sequence_of_calls_matches_numpy(seed, calls):
    assert pure_draws(seed, calls) == numpy_draws(seed, calls)


def test_one_possible_value_draws_nothing():
    rng = Generator(2016)
    assert rng.integers(4, 5, (2, 2)) == [[4, 4], [4, 4]]
    assert rng.integers(0, 4, 5) == np.random.default_rng(2016).integers(0, 4, 5).tolist()


@pytest.mark.parametrize("low, high", [(3, 3), (4, 3)])
def test_an_empty_range_is_refused_as_numpy_refuses_it(low, high):
    with pytest.raises(ValueError, match="low >= high"):
        np.random.default_rng(0).integers(low, high)
    with pytest.raises(ValueError, match="low >= high"):
        Generator(0).integers(low, high)


@pytest.mark.parametrize("seed", [-1, 1.5, "2016", None, True])
def test_a_seed_must_be_a_whole_number_of_at_least_zero(seed):
    with pytest.raises(ValueError, match="seed must be a whole number"):
        Generator(seed)
