"""Random draws the phases share: totals that must come out exact, random sets of days."""

import numpy as np


def spread(rng: np.random.Generator, total: int, count: int, low=0.5, high=1.5) -> np.ndarray:
    """``count`` random non-negative integers around ``total / count`` adding up to ``total``."""
    each = np.rint(total / count * rng.uniform(low, high, count)).astype(np.int64)
    gap = total - int(each.sum())
    each += gap // count
    each[: gap % count] += 1
    return each


def nudge_to_total(
    rng: np.random.Generator, values: np.ndarray, total: int, low: int, high: int
) -> np.ndarray:
    """``values`` moved by ones, at random places within [low, high], to add up to ``total``."""
    values = values.copy()
    while (gap := total - int(values.sum())) != 0:
        room = np.flatnonzero(values < high) if gap > 0 else np.flatnonzero(values > low)
        if not len(room):
            raise ValueError(f"{total} does not fit {len(values)} values within [{low}, {high}]")
        picked = rng.choice(room, min(abs(gap), len(room)), replace=False)
        values[picked] += 1 if gap > 0 else -1
    return values


def subsets(
    rng: np.random.Generator, counts: np.ndarray, size: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each row a random set of ``counts[row]`` of ``range(size)``: the (row, member)
    pairs, ordered by row then member."""
    draws = rng.random((len(counts), size))
    cut = np.sort(draws, axis=1)[np.arange(len(counts)), np.maximum(counts - 1, 0)]
    cut = np.where(counts > 0, cut, -1.0)
    return np.nonzero(draws <= cut[:, None])
