"""Chance bands ("kansbanden"): which differences between klantmanagers chance alone already gives.

One method for every page that compares klantmanagers within a gemeente (modules 2, 4 and 6), explained
once in module 2:

- The measure is, per klantmanager, the number of clients with obligations (trede 2-5) who received at
  least one maatregel (warnings included), out of all his or her clients with obligations.
- The null model: every client with obligations in the gemeente has the same chance ``p`` of at least
  one maatregel, the gemeente's overall share. The count of one klantmanager with ``n`` such clients is
  then binomial(``n``, ``p``).
- The band is the central interval of that binomial distribution at one confidence level (default
  95%): the lowest count ``laag`` with P(X <= laag) >= 2.5% and the lowest count ``hoog`` with
  P(X <= hoog) >= 97.5%. A count below ``laag`` or above ``hoog`` lies outside the band; because the
  counts are whole numbers, chance alone puts a klantmanager outside with probability at most 5%.
- Multiple comparisons: with many klantmanagers some fall outside by chance alone. :func:`kans_buiten`
  gives that exact probability per klantmanager, so a page can state how many to expect, and
  :func:`kans_minstens` how likely it is that chance alone puts at least as many outside as observed.

The binomial distribution is computed exactly here (no scipy): sums of probabilities written out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from activering.data.beschikbaarheid import bekend

BETROUWBAARHEID = 0.95
"""The one confidence level the course uses for chance bands."""

_TOLERANCE = 1e-10  # rounding in the summed probabilities must not move a quantile by one count


def _check(p: float, betrouwbaarheid: float = BETROUWBAARHEID) -> None:
    if not 0.0 <= p <= 1.0:  # also catches NaN
        raise ValueError(f"kans moet tussen 0 en 1 liggen, niet {p!r}")
    if not 0.0 < betrouwbaarheid < 1.0:
        raise ValueError(f"betrouwbaarheid moet tussen 0 en 1 liggen, niet {betrouwbaarheid!r}")


def binomial_pmf(n: int, p: float) -> np.ndarray:
    """P(X = k) for k = 0..n when X is binomial(n, p); exact up to floating point."""
    if n < 0:
        raise ValueError(f"aantal cliënten mag niet negatief zijn, niet {n!r}")
    _check(p)
    pmf = np.zeros(n + 1)
    if p == 0.0:
        pmf[0] = 1.0
    elif p == 1.0:
        pmf[n] = 1.0
    else:
        k = np.arange(n + 1)
        # log C(n, k) as a running sum of log((n - j + 1) / j), j = 1..k
        log_comb = np.concatenate([[0.0], np.cumsum(np.log(np.arange(n, 0, -1)) - np.log(np.arange(1, n + 1)))])
        pmf = np.exp(log_comb + k * np.log(p) + (n - k) * np.log1p(-p))
    return pmf


def binomial_cdf(n: int, p: float) -> np.ndarray:
    """P(X <= k) for k = 0..n when X is binomial(n, p)."""
    return np.minimum(np.cumsum(binomial_pmf(n, p)), 1.0)


def _band_one(n: int, p: float, betrouwbaarheid: float) -> tuple[int, int, float]:
    cdf = binomial_cdf(n, p)
    tail = (1.0 - betrouwbaarheid) / 2.0
    low = int(np.searchsorted(cdf, tail - _TOLERANCE, side="left"))
    high = int(np.searchsorted(cdf, 1.0 - tail - _TOLERANCE, side="left"))
    low, high = min(low, n), min(high, n)
    outside = (cdf[low - 1] if low > 0 else 0.0) + (1.0 - cdf[high])
    return low, high, float(max(outside, 0.0))


def kansband(n, p: float, betrouwbaarheid: float = BETROUWBAARHEID) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest count (both inside the band) that chance alone gives for ``n`` clients.

    ``n`` is one number or an array of numbers of clients with obligations; ``p`` the gemeente's share.
    For ``n == 0`` the band is (0, 0).
    """
    _check(p, betrouwbaarheid)
    sizes = np.atleast_1d(np.asarray(n, dtype=np.int64))
    if (sizes < 0).any():
        raise ValueError("aantal cliënten mag niet negatief zijn")
    cache = {int(m): _band_one(int(m), p, betrouwbaarheid) for m in np.unique(sizes)}
    low = np.array([cache[int(m)][0] for m in sizes], dtype=np.int64)
    high = np.array([cache[int(m)][1] for m in sizes], dtype=np.int64)
    return low, high


def kans_buiten(n, p: float, betrouwbaarheid: float = BETROUWBAARHEID) -> np.ndarray:
    """The exact probability that chance alone puts a klantmanager with ``n`` clients outside the band."""
    _check(p, betrouwbaarheid)
    sizes = np.atleast_1d(np.asarray(n, dtype=np.int64))
    cache = {int(m): _band_one(int(m), p, betrouwbaarheid)[2] for m in np.unique(sizes)}
    return np.array([cache[int(m)] for m in sizes], dtype=float)


def kans_minstens(kansen, aantal: int) -> float:
    """The probability that chance alone puts at least ``aantal`` klantmanagers outside their band,
    given each one's :func:`kans_buiten` (independent klantmanagers; exact, by convolution)."""
    probabilities = np.asarray(kansen, dtype=float).ravel()
    if aantal <= 0:
        return 1.0
    if aantal > len(probabilities):
        return 0.0
    distribution = np.zeros(len(probabilities) + 1)
    distribution[0] = 1.0
    for q in probabilities:
        distribution[1:] = distribution[1:] * (1 - q) + distribution[:-1] * q
        distribution[0] *= 1 - q
    return float(min(1.0, max(0.0, distribution[aantal:].sum())))


def per_klantmanager(clients: pd.DataFrame, sancties: pd.DataFrame) -> pd.DataFrame:
    """Per klantmanager: ``gemeente``, ``km_id``, ``verplicht`` (clients with trede 2-5) and
    ``met_maatregel`` (of those, the clients with at least one maatregel, warnings included).

    Klantmanagers without clients with obligations are left out: there is nothing to compare.
    """
    known = bekend(clients, "trede")
    obliged = known[known["trede"] >= 2][["client_id", "gemeente", "km_id"]].copy()
    obliged["gemeente"] = obliged["gemeente"].astype(str)
    obliged["km_id"] = obliged["km_id"].astype(str)
    sanctioned = set(sancties["client_id"].astype(str))
    obliged["met_maatregel"] = obliged["client_id"].astype(str).isin(sanctioned)
    return (
        obliged.groupby(["gemeente", "km_id"], sort=True)
        .agg(verplicht=("client_id", "size"), met_maatregel=("met_maatregel", "sum"))
        .reset_index()
        .astype({"verplicht": "int64", "met_maatregel": "int64"})
    )


def vergelijk(
    per_km: pd.DataFrame,
    *,
    groep: str = "gemeente",
    n: str = "verplicht",
    k: str = "met_maatregel",
    betrouwbaarheid: float = BETROUWBAARHEID,
) -> pd.DataFrame:
    """Add the chance band of each klantmanager, against the share of his or her own ``groep``.

    New columns: ``kans`` (the group's share), ``laag``/``hoog`` (band in counts), ``per_100``,
    ``laag_100``/``hoog_100`` (the same per 100 clients), ``buiten`` ("boven", "onder" or "binnen") and
    ``kans_buiten`` (the probability that chance alone puts this klantmanager outside).
    """
    out = per_km[per_km[n] > 0].copy()
    parts = []
    for _, rows in out.groupby(groep, sort=False):
        rows = rows.copy()
        p = float(rows[k].sum() / rows[n].sum())
        low, high = kansband(rows[n].to_numpy(), p, betrouwbaarheid)
        rows["kans"] = p
        rows["laag"], rows["hoog"] = low, high
        rows["kans_buiten"] = kans_buiten(rows[n].to_numpy(), p, betrouwbaarheid)
        parts.append(rows)
    if not parts:
        columns = ["kans", "laag", "hoog", "per_100", "laag_100", "hoog_100", "buiten", "kans_buiten"]
        return out.assign(**{c: pd.Series(dtype=float) for c in columns})
    out = pd.concat(parts)
    out["per_100"] = 100 * out[k] / out[n]
    out["laag_100"] = 100 * out["laag"] / out[n]
    out["hoog_100"] = 100 * out["hoog"] / out[n]
    out["buiten"] = np.select([out[k] > out["hoog"], out[k] < out["laag"]], ["boven", "onder"], default="binnen")
    return out.sort_index()


def trechter(n_min: int, n_max: int, p: float, betrouwbaarheid: float = BETROUWBAARHEID) -> pd.DataFrame:
    """The band per 100 clients for every whole number of clients from ``n_min`` to ``n_max``: a funnel to draw."""
    sizes = np.arange(max(1, int(n_min)), max(1, int(n_max)) + 1)
    low, high = kansband(sizes, p, betrouwbaarheid)
    return pd.DataFrame({"n": sizes, "laag_100": 100 * low / sizes, "hoog_100": 100 * high / sizes})
