"""numpy's ``default_rng(seed).integers(...)`` in the standard library alone.

Figures draw their numbers from numpy's default generator, and must draw the
same numbers where numpy cannot be had (Python in a web browser).  This is
that generator rebuilt from its published definitions: ``SeedSequence``
turns the seed into 128 bits of state and 128 bits of increment, ``PCG64``
(a 128-bit linear congruential generator with the XSL-RR output function)
makes 64-bit words, and ``Generator.integers`` maps them onto a range.

The stream matches numpy's, call after call: a 32-bit draw uses the low half
of a 64-bit word and keeps the high half for the next 32-bit draw, and a
range of at most 2**32 values takes one 32-bit draw per number (Lemire's
multiply-and-reject method).  tests/test_rng.py compares with numpy.
"""

from __future__ import annotations

from functools import partial
from math import prod

MASK32 = (1 << 32) - 1
MASK64 = (1 << 64) - 1
MASK128 = (1 << 128) - 1

# SeedSequence's hashing constants (numpy/random/bit_generator.pyx).
_POOL_WORDS = 4
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_LEFT, _MIX_RIGHT = 0xCA01F9DD, 0x4973F715
# PCG's default 128-bit multiplier.
_PCG_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645


def _seed_words(seed: int) -> list[int]:
    """The seed as 32-bit words, least significant first (0 is one word)."""
    if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"The seed must be a whole number of at least 0, not {seed!r}.")
    words = [seed & MASK32]
    seed >>= 32
    while seed:
        words.append(seed & MASK32)
        seed >>= 32
    return words


class _Hasher:
    """One of SeedSequence's multiplicative hashes; its multiplier changes
    after every value it hashes."""

    def __init__(self, start: int, step: int):
        self.multiplier, self.step = start, step

    def __call__(self, value: int) -> int:
        value ^= self.multiplier
        self.multiplier = (self.multiplier * self.step) & MASK32
        value = (value * self.multiplier) & MASK32
        return value ^ (value >> 16)


def _mix(left: int, right: int) -> int:
    value = (_MIX_LEFT * left - _MIX_RIGHT * right) & MASK32
    return value ^ (value >> 16)


def seed_state(seed: int, n_words: int) -> list[int]:
    """``SeedSequence(seed).generate_state(n_words)``: 32-bit words."""
    entropy = _seed_words(seed)
    hash_in = _Hasher(_INIT_A, _MULT_A)
    padded = entropy + [0] * (_POOL_WORDS - len(entropy))
    pool = [hash_in(word) for word in padded[:_POOL_WORDS]]
    for source in range(_POOL_WORDS):
        for target in range(_POOL_WORDS):
            if source != target:
                pool[target] = _mix(pool[target], hash_in(pool[source]))
    for word in entropy[_POOL_WORDS:]:
        for target in range(_POOL_WORDS):
            pool[target] = _mix(pool[target], hash_in(word))
    hash_out = _Hasher(_INIT_B, _MULT_B)
    return [hash_out(pool[n % _POOL_WORDS]) for n in range(n_words)]


class PCG64:
    """numpy's PCG64 bit generator, seeded as ``PCG64(seed)`` seeds it."""

    def __init__(self, seed: int):
        words = seed_state(seed, 8)
        # four 64-bit words (each two 32-bit words, low first): state high,
        # state low, stream high, stream low
        halves = [words[n] | words[n + 1] << 32 for n in range(0, 8, 2)]
        start = halves[0] << 64 | halves[1]
        self.increment = ((halves[2] << 64 | halves[3]) << 1 | 1) & MASK128
        self.state = 0
        self._step()
        self.state = (self.state + start) & MASK128
        self._step()
        #: The high half of the last 64-bit word, kept for the next 32-bit draw.
        self.spare: int | None = None

    def _step(self) -> None:
        self.state = (self.state * _PCG_MULTIPLIER + self.increment) & MASK128

    def next64(self) -> int:
        """Advance, then output: the state's halves xor-ed, rotated right by
        the state's top six bits."""
        self._step()
        folded = (self.state >> 64) ^ (self.state & MASK64)
        turn = self.state >> 122
        return ((folded >> turn) | (folded << (64 - turn))) & MASK64

    def next32(self) -> int:
        if self.spare is not None:
            word, self.spare = self.spare, None
            return word
        word = self.next64()
        self.spare = word >> 32
        return word & MASK32


def _bounded(next_word, bits: int, top: int) -> int:
    """A number in [0, top] from `bits`-bit draws: the high part of a draw
    times top + 1, redrawn while the low part falls in the few values that
    would make some results likelier (Lemire's method, as numpy uses it)."""
    size = top + 1
    mask = (1 << bits) - 1
    product = next_word() * size
    if product & mask < size:
        threshold = (mask - top) % size
        while product & mask < threshold:
            product = next_word() * size
    return product >> bits


class Generator:
    """``numpy.random.default_rng(seed)``, for drawing integers."""

    def __init__(self, seed: int):
        self.bits = PCG64(seed)

    def integers(self, low: int, high: int, size: int | tuple[int, ...] | None = None):
        """Integers from `low` up to but not including `high` (numpy's
        default, ``endpoint=False``), in numpy's order.  `size` None gives one
        int; an int or a shape gives nested lists of that shape."""
        if high <= low:
            raise ValueError(f"low >= high: the range [{low}, {high}) is empty.")
        top = high - 1 - low
        if top > MASK64:
            raise ValueError(f"The range [{low}, {high}) holds more than 2**64 numbers.")
        shape = () if size is None else (size,) if isinstance(size, int) else tuple(size)
        count = prod(shape)
        if top == 0:            # one possible value: numpy draws nothing
            flat = [low] * count
        else:
            draw = (self.bits.next32 if top == MASK32
                    else partial(_bounded, self.bits.next32, 32, top) if top < MASK32
                    else self.bits.next64 if top == MASK64
                    else partial(_bounded, self.bits.next64, 64, top))
            flat = [low + draw() for _ in range(count)]
        return _nest(flat, shape) if shape else flat[0]


def _nest(flat: list[int], shape: tuple[int, ...]) -> list:
    """`flat` (row-major) as nested lists of `shape` (at least one axis)."""
    if len(shape) == 1:
        return flat
    step = prod(shape[1:])
    return [_nest(flat[n * step:(n + 1) * step], shape[1:]) for n in range(shape[0])]
