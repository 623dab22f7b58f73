"""k-anonymity and l-diversity: generalise the quasi-identifiers, then suppress what is left.

An equivalence class is a group of rows with the same values in every quasi-identifier. A file
is k-anonymous when every class has at least k rows, and l-diverse when every class has at least
l different values in each sensitive column. The search is greedy: as long as more rows would
have to be suppressed than allowed (``max_onderdrukking``), raise the generalisation level of
the quasi-identifier that helps most; then drop the rows of the classes that still fail.
Everything works on integer codes with numpy, so a million rows take well under a second per step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from activering.anonimisering.read import ExportError
from activering.anonimisering.transform import FileResult


@dataclass
class Outcome:
    """What the guarantees step did with one file."""

    file: str
    rows_in: int
    quasi: list[str]
    sensitive: list[str]
    k_target: int
    l_target: int
    levels: dict[str, int] = field(default_factory=dict)
    max_levels: dict[str, int] = field(default_factory=dict)
    level_descriptions: dict[str, str] = field(default_factory=dict)
    distinct_before: dict[str, int] = field(default_factory=dict)
    distinct_after: dict[str, int] = field(default_factory=dict)
    suppressed: int = 0
    cascaded: int = 0
    k_reached: int | None = None
    l_reached: int | None = None
    classes: int = 0
    budget_exceeded: bool = False

    @property
    def rows_out(self) -> int:
        return self.rows_in - self.suppressed - self.cascaded

    @property
    def precision(self) -> float:
        """Sweeney's precision: 1 − mean(level / highest level) over the quasi-identifiers."""
        if not self.quasi:
            return 1.0
        return 1 - float(np.mean([self.levels[c] / self.max_levels[c] for c in self.quasi]))


def _class_ids(codes: list[np.ndarray], n: int) -> np.ndarray:
    """One integer per row for its combination of codes (mixed radix, then factorised)."""
    if not codes:
        return np.zeros(n, dtype=np.int64)
    key = np.zeros(n, dtype=np.int64)
    radix = 1
    for c in codes:
        base = int(c.max()) + 2 if len(c) else 1  # codes start at -1 (empty)
        if radix * base > 2**62:  # pragma: no cover - only with very many distinct combinations
            key, _ = pd.factorize(key)
            radix = int(key.max()) + 1
        key = key + (c.astype(np.int64) + 1) * radix
        radix *= base
    ids, _ = pd.factorize(key)
    return ids.astype(np.int64)


def failing(class_ids: np.ndarray, sensitive: list[np.ndarray], k: int, l: int) -> np.ndarray:  # noqa: E741
    """Mask of the rows whose class has fewer than k rows or fewer than l sensitive values."""
    if len(class_ids) == 0:
        return np.zeros(0, dtype=bool)
    sizes = np.bincount(class_ids)
    bad = sizes[class_ids] < k
    n_classes = len(sizes)
    for codes in sensitive:
        pairs = np.unique(class_ids * (int(codes.max()) + 2) + codes + 1)
        distinct = np.bincount(pairs // (int(codes.max()) + 2), minlength=n_classes)
        bad |= distinct[class_ids] < l
    return bad


def _measure(class_ids: np.ndarray, sensitive: list[np.ndarray]) -> tuple[int, int | None, int]:
    sizes = np.bincount(class_ids)
    sizes = sizes[sizes > 0]
    l_reached = None
    for codes in sensitive:
        pairs = np.unique(class_ids * (int(codes.max()) + 2) + codes + 1)
        distinct = np.bincount(pairs // (int(codes.max()) + 2))
        distinct = distinct[distinct > 0]
        value = int(distinct.min())
        l_reached = value if l_reached is None else min(l_reached, value)
    return int(sizes.min()), l_reached, int(len(sizes))


def enforce(result: FileResult, k: int, l: int, max_suppression: float) -> tuple[Outcome, np.ndarray]:  # noqa: E741
    """Choose generalisation levels and the rows to suppress; returns the outcome and a keep-mask."""
    n = len(next(iter(result.columns.values()))) if result.columns else len(result.source.frame)
    quasi = list(result.hierarchies)
    outcome = Outcome(result.source.name, n, quasi, list(result.sensitive), k, l)
    sensitive = [
        pd.factorize(np.asarray(result.columns[c].to_numpy(zero_copy_only=False), dtype=object))[0].astype(np.int64)
        for c in result.sensitive
    ]
    levels = {c: 0 for c in quasi}
    for c in quasi:
        h = result.hierarchies[c]
        outcome.max_levels[c] = len(h.levels) - 1
        outcome.distinct_before[c] = len(h.levels[0].labels)
    if n == 0:
        outcome.levels = levels
        return outcome, np.zeros(0, dtype=bool)

    def bad_for(lv: dict[str, int]) -> np.ndarray:
        codes = [result.hierarchies[c].levels[lv[c]].codes for c in quasi]
        return failing(_class_ids(codes, n), sensitive, k, l)

    bad = bad_for(levels)
    budget = int(np.floor(max_suppression * n))
    while bad.sum() > budget:
        options = []
        for c in quasi:
            if levels[c] < outcome.max_levels[c]:
                trial = {**levels, c: levels[c] + 1}
                trial_bad = bad_for(trial)
                options.append((int(trial_bad.sum()), (levels[c] + 1) / outcome.max_levels[c], c, trial_bad))
        if not options:
            break
        count, _, column, trial_bad = min(options, key=lambda o: (o[0], o[1]))
        levels[column] += 1
        bad = trial_bad
    if bad.sum() <= budget:
        levels, bad = _step_back(levels, bad, budget, bad_for)
    if bad.all():
        reasons = []
        if n < k:
            reasons.append(f"het bestand heeft maar {n} rijen, minder dan k = {k}")
        for c, codes in zip(result.sensitive, sensitive):
            if len(np.unique(codes)) < l:
                reasons.append(
                    f"gevoelige kolom '{c}' heeft in het hele bestand minder dan l = {l} verschillende waarden"
                )
        raise ExportError(
            result.source.path,
            "k-anonimiteit/l-diversiteit is onhaalbaar: "
            + ("; ".join(reasons) or "elke rij zou weggelaten worden")
            + ". Verlaag k of l in het plan, of geef een kolom een andere rol.",
        )
    outcome.levels = levels
    outcome.budget_exceeded = bool(bad.sum() > budget)
    outcome.suppressed = int(bad.sum())
    for c in quasi:
        level = result.hierarchies[c].levels[levels[c]]
        outcome.level_descriptions[c] = level.description
        outcome.distinct_after[c] = len(np.unique(level.codes[~bad]))
    return outcome, ~bad


def _step_back(levels: dict[str, int], bad: np.ndarray, budget: int, bad_for) -> tuple[dict[str, int], np.ndarray]:
    """Undo generalisation steps that are not needed: the greedy climb can overshoot.

    Try to lower each quasi-identifier by one level (most generalised first); keep the change when
    the rows to suppress still fit the budget. Repeat until nothing can be lowered.
    """
    improved = True
    while improved:
        improved = False
        for column in sorted(levels, key=lambda c: -levels[c]):
            if levels[column] == 0:
                continue
            trial = {**levels, column: levels[column] - 1}
            trial_bad = bad_for(trial)
            if trial_bad.sum() <= budget and not trial_bad.all():
                levels, bad, improved = trial, trial_bad, True
    return levels, bad


def apply_levels(result: FileResult, outcome: Outcome) -> None:
    """Put the chosen generalisation level of every quasi-identifier into the output columns."""
    for c in outcome.quasi:
        result.columns[c] = result.hierarchies[c].levels[outcome.levels[c]].values()


def measure(result: FileResult, outcome: Outcome, keep: np.ndarray) -> None:
    """The k and l reached on the rows that are kept (after suppression and cascading)."""
    if not keep.any():
        outcome.k_reached, outcome.l_reached, outcome.classes = None, None, 0
        return
    codes = [result.hierarchies[c].levels[outcome.levels[c]].codes[keep] for c in outcome.quasi]
    ids = _class_ids(codes, int(keep.sum()))
    sensitive = [
        pd.factorize(np.asarray(result.columns[c].to_numpy(zero_copy_only=False), dtype=object)[keep])[0].astype(
            np.int64
        )
        for c in result.sensitive
    ]
    outcome.k_reached, outcome.l_reached, outcome.classes = _measure(ids, sensitive)


def take(columns: dict[str, pa.Array], keep: np.ndarray) -> dict[str, pa.Array]:
    mask = pa.array(keep)
    return {c: a.filter(mask) for c, a in columns.items()}
