"""Random draws that belong to their cells: the number a [day, unit] cell gets depends only on the seed, the
table, which draw it is, the day and the unit.

Why: with one generator per table, every draw consumed numbers in order over all units, and numpy's binomial and
Poisson samplers consume a varying count of them. A correction to one province's cases then redrew every other
province's simulated figures (and their levels). Here each cell's uniform number comes from a counter-based hash
(SplitMix64's finaliser over seed, table, draw, day and unit), and inverse distribution functions (scipy.stats)
turn it into a binomial, Poisson, lognormal or beta draw: a cell keeps its draw whatever happens to other units
(given the same inputs, the simulation of a few districts draws for them what the whole country's does), and the
same seed gives the same tables.
"""
from __future__ import annotations

import hashlib

import numpy as np
from scipy import stats

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1, _M2 = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB)


def _mix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: 64 well-mixed bits from 64 (uint64 arithmetic wraps)."""
    x = np.asarray(x, dtype=np.uint64) + _GOLDEN
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def text_key(text: str) -> np.uint64:
    """A stable 64-bit key of a name (a unit's code, a table's name): the same on every machine and run."""
    return np.uint64(int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little"))


class Draws:
    """The draws of one table over `days` (datetime64) and `units` (codes): each method takes arrays shaped
    [day, unit] or [unit] (broadcast from their arguments or `size`) and numbers its calls, so the n-th draw of a
    table is always the same draw."""

    def __init__(self, seed: int, table: str, days: np.ndarray, units: np.ndarray):
        with np.errstate(over="ignore"):
            self._root = _mix(np.uint64(seed) ^ text_key(table))
        self._days = np.asarray(days).astype("datetime64[D]").astype(np.int64).astype(np.uint64)
        self._units = np.array([text_key(str(unit)) for unit in units], dtype=np.uint64)
        self._count = 0

    def uniform(self, shape) -> np.ndarray:
        """Numbers in (0, 1), one per cell of a [day, unit] or [unit] array."""
        shape = tuple(shape)
        self._count += 1
        with np.errstate(over="ignore"):
            draw = _mix(self._root ^ _mix(np.uint64(self._count)))
            if shape == (len(self._days), len(self._units)):
                bits = _mix(_mix(draw ^ self._days)[:, None] ^ self._units[None, :])
            elif shape == (len(self._units),):
                bits = _mix(draw ^ self._units)
            else:
                raise ValueError(f"a draw is shaped [day, unit] {len(self._days), len(self._units)} or [unit], "
                                 f"not {shape}")
        return ((bits >> np.uint64(11)).astype(np.float64) + 0.5) / 2.0**53

    def binomial(self, counts, share) -> np.ndarray:
        """Binomial draws; shares outside [0, 1] clipped back."""
        counts, share = np.broadcast_arrays(np.asarray(counts, dtype=np.int64), np.clip(share, 0.0, 1.0))
        u = self.uniform(counts.shape)
        drawn = np.zeros(counts.shape, dtype=np.int64)
        some = (counts > 0) & (share > 0)
        drawn[some] = stats.binom.ppf(u[some], counts[some], share[some])
        return drawn

    def poisson(self, mean) -> np.ndarray:
        mean = np.asarray(mean, dtype=float)
        u = self.uniform(mean.shape)
        drawn = np.zeros(mean.shape, dtype=np.int64)
        some = mean > 0
        drawn[some] = stats.poisson.ppf(u[some], mean[some])
        return drawn

    def lognormal(self, mean: float, sigma, size: int | tuple[int, ...]) -> np.ndarray:
        return np.exp(mean + np.asarray(sigma) * stats.norm.ppf(self.uniform(np.atleast_1d(size).tolist())))

    def beta(self, a, b, size: int | tuple[int, ...]) -> np.ndarray:
        return stats.beta.ppf(self.uniform(np.atleast_1d(size).tolist()), a, b)
