"""Chance bands (activering.data.kansband): exact binomial bands, edge cases, and what they flag in
generated caseloads with and without a planted sanctioning tendency."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import activering.data.generate as generator
from activering.data import load_codebook
from activering.data.kansband import (
    BETROUWBAARHEID,
    binomial_cdf,
    kans_buiten,
    kans_minstens,
    kansband,
    per_klantmanager,
    trechter,
    vergelijk,
)

SIZES = [1, 2, 5, 17, 47, 60, 125, 204, 400]
RATES = [0.001, 0.004, 0.0376, 0.057, 0.1, 0.25, 0.5, 0.8, 0.999]


def _exact_band(n: int, p: float, level: float) -> tuple[int, int]:
    """The band written out with math.comb: the lowest k whose cumulative probability reaches each tail."""
    tail = (1 - level) / 2
    cumulative, low, high = 0.0, None, None
    for k in range(n + 1):
        cumulative += math.comb(n, k) * p**k * (1 - p) ** (n - k)
        if low is None and cumulative >= tail - 1e-10:
            low = k
        if high is None and cumulative >= 1 - tail - 1e-10:
            high = k
    return low, n if high is None else high


@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
def test_band_equals_exact_sums(level):
    for n in SIZES:
        for p in RATES:
            low, high = kansband(n, p, level)
            assert (int(low[0]), int(high[0])) == _exact_band(n, p, level), (n, p, level)


def test_band_equals_scipy_quantiles():
    stats = pytest.importorskip("scipy.stats")
    sizes = np.array(SIZES)
    for p in RATES:
        low, high = kansband(sizes, p)
        assert low.tolist() == stats.binom.ppf(0.025, sizes, p).astype(int).tolist(), p
        assert high.tolist() == stats.binom.ppf(0.975, sizes, p).astype(int).tolist(), p
        assert np.allclose(binomial_cdf(60, p), stats.binom.cdf(np.arange(61), 60, p))


def test_chance_alone_puts_at_most_five_percent_outside():
    stats = pytest.importorskip("scipy.stats")
    for n in SIZES:
        for p in RATES:
            low, high = kansband(n, p)
            outside = stats.binom.cdf(low[0] - 1, n, p) + stats.binom.sf(high[0], n, p)
            assert kans_buiten(n, p)[0] == pytest.approx(outside, abs=1e-9), (n, p)
            assert kans_buiten(n, p)[0] <= 1 - BETROUWBAARHEID + 1e-9, (n, p)


def test_edge_cases():
    assert [x.tolist() for x in kansband(0, 0.3)] == [[0], [0]]
    assert kans_buiten(0, 0.3).tolist() == [0.0]
    assert [x.tolist() for x in kansband(1, 0.5)] == [[0], [1]]
    assert [x.tolist() for x in kansband(1, 0.01)] == [[0], [0]]
    assert [x.tolist() for x in kansband([10, 50], 0.0)] == [[0, 0], [0, 0]]
    assert [x.tolist() for x in kansband([10, 50], 1.0)] == [[10, 50], [10, 50]]
    assert kans_buiten([10, 50], 0.0).tolist() == [0.0, 0.0]
    assert kans_buiten([10, 50], 1.0).tolist() == [0.0, 0.0]
    for bad in (-0.1, 1.1, float("nan")):
        with pytest.raises(ValueError):
            kansband(10, bad)
    with pytest.raises(ValueError):
        kansband(-1, 0.5)
    with pytest.raises(ValueError):
        kansband(10, 0.5, betrouwbaarheid=1.0)


def test_at_least_so_many_outside():
    stats = pytest.importorskip("scipy.stats")
    equal = [0.04] * 25
    for k in range(6):
        assert kans_minstens(equal, k) == pytest.approx(stats.binom.sf(k - 1, 25, 0.04), abs=1e-12), k
    assert kans_minstens([], 0) == 1.0
    assert kans_minstens([0.5], 2) == 0.0
    mixed = [0.01, 0.03, 0.05]
    none = (1 - 0.01) * (1 - 0.03) * (1 - 0.05)
    assert kans_minstens(mixed, 1) == pytest.approx(1 - none)
    assert kans_minstens(mixed, 3) == pytest.approx(0.01 * 0.03 * 0.05)


def test_vergelijk_marks_above_and_below_and_skips_empty_caseloads():
    per_km = pd.DataFrame(
        {
            "gemeente": ["A"] * 5,
            "km_id": ["k1", "k2", "k3", "k4", "k5"],
            "verplicht": [100, 100, 100, 100, 0],
            "met_maatregel": [10, 10, 30, 0, 0],
        }
    )
    out = vergelijk(per_km).set_index("km_id")
    assert "k5" not in out.index
    assert out.loc["k3", "buiten"] == "boven"
    assert out.loc["k4", "buiten"] == "onder"
    assert out.loc["k1", "buiten"] == "binnen"
    assert out["kans"].iloc[0] == pytest.approx(50 / 400)
    assert out.loc["k1", "per_100"] == pytest.approx(10.0)
    funnel = trechter(0, 3, 0.5)
    assert funnel["n"].tolist() == [1, 2, 3]
    assert vergelijk(per_km.iloc[4:]).empty


def _codebook(sigma: float):
    codebook = load_codebook()
    calibration = [
        entry.model_copy(update={"value": sigma}) if entry.parameter == "sanctie_neiging_spreiding_km" else entry
        for entry in codebook.calibration
    ]
    return codebook.model_copy(update={"calibration": calibration})


def _compared(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return vergelijk(per_klantmanager(tables["clients"], tables["sancties"]))


def test_planted_extreme_klantmanager_is_flagged(monkeypatch):
    """One klantmanager sanctions five times as readily as the rest (all others exactly alike)."""

    def planted(rng, sigma, km_gemeente, km_caseload):
        factor = np.ones(len(km_gemeente))
        factor[0] = 5.0
        return factor

    monkeypatch.setattr(generator, "_sanction_tendency", planted)
    result = _compared(generator.generate(20_000, 3, _codebook(0.0))).set_index("km_id")
    assert result.loc["SYN-KM-0001", "buiten"] == "boven"
    others = result.drop(index="SYN-KM-0001")
    # the rest only as often as chance alone predicts (generous: expectation + 3 sd + 1)
    expected = others["kans_buiten"].sum()
    assert (others["buiten"] != "binnen").sum() <= expected + 3 * math.sqrt(expected) + 1


def test_null_caseload_flags_about_the_expected_share():
    """Without personal tendencies (sigma 0) the generator flags about as many as chance alone predicts."""
    result = _compared(generator.generate(20_000, 5, _codebook(0.0)))
    expected = result["kans_buiten"].sum()
    flagged = int((result["buiten"] != "binnen").sum())
    assert expected <= len(result) * (1 - BETROUWBAARHEID)
    assert abs(flagged - expected) <= 3 * math.sqrt(expected) + 1, (flagged, expected, len(result))


def test_null_simulation_share_matches_exact_probability():
    """Many simulated klantmanagers with one known chance: the flagged share matches the exact probability."""
    rng = np.random.default_rng(19)
    sizes = rng.integers(40, 220, size=20_000)
    p = 0.06
    counts = rng.binomial(sizes, p)
    low, high = kansband(sizes, p)
    flagged = ((counts < low) | (counts > high)).mean()
    expected = kans_buiten(sizes, p).mean()
    assert flagged == pytest.approx(expected, abs=0.005)
    assert expected <= 1 - BETROUWBAARHEID


def test_generated_tendency_shows_more_outliers_than_chance():
    """With the codebook's spread of tendencies more klantmanagers fall outside than chance alone predicts."""
    result = _compared(generator.generate(40_000, 5))
    expected = result["kans_buiten"].sum()
    assert (result["buiten"] != "binnen").sum() > expected + 3 * math.sqrt(expected)
