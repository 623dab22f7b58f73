"""Generate the synthetic caseload tables from the codebook's calibration.

Every number the generator uses comes from ``data/codebook.yml`` (``calibration``), read
through :class:`Params`, which records which parameters were used so a test can check that
the codebook and the generator agree. All draws are vectorised numpy on one
``np.random.default_rng(seed)``, so the same seed gives the same tables, and 100,000+ clients
take seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from activering.data.codebook import Codebook, load_codebook
from activering.data.schema import cast, to_text
from activering.files import write_atomic
from activering.vocabulary import Variant

# Plain strings in the vocabulary's fixed order: the order is part of the seeded draws.
VARIANTS: tuple[str, ...] = tuple(variant.value for variant in Variant)
DAYS_PER_MONTH = 365.25 / 12


class Params:
    """Read-only access to the calibration values that records what was read."""

    def __init__(self, codebook: Codebook) -> None:
        self._codebook = codebook
        self.used: set[str] = set()

    def __getitem__(self, name: str) -> Any:
        value = self._codebook.param(name)
        self.used.add(name)
        return value


# --- small vectorised helpers --------------------------------------------------------------


def _ids(prefix: str, count: int, width: int) -> np.ndarray:
    width = max(width, len(str(count)))
    numbers = np.char.zfill(np.arange(1, count + 1).astype(str), width)
    return np.char.add(prefix, numbers).astype(object)


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split ``total`` into integers proportional to ``weights`` (deterministic)."""
    exact = total * weights / weights.sum()
    counts = np.floor(exact).astype(np.int64)
    short = total - counts.sum()
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:short]] += 1
    return counts


def _choice(rng: np.random.Generator, shares: dict, size: int) -> np.ndarray:
    """Indices into ``list(shares)`` drawn with the given shares."""
    p = np.array(list(shares.values()), dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum())


def _choice_per_row(rng: np.random.Generator, table: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """For each element, draw a column index with the probabilities in ``table[rows[i]]``."""
    cumulative = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    draws = rng.random(len(rows))
    index = (draws[:, None] >= cumulative[rows]).sum(axis=1)
    return np.minimum(index, table.shape[1] - 1)


def _share_table(per_variant: dict, keys: list[str]) -> np.ndarray:
    return np.array([[per_variant[v][k] for k in keys] for v in VARIANTS], dtype=float)


def _event_days(rng: np.random.Generator, rate_per_year: np.ndarray, active_days: np.ndarray):
    """Poisson events per client over its active days; returns (client index, day offset)."""
    counts = rng.poisson(rate_per_year * active_days / 365.0)
    owner = np.repeat(np.arange(len(counts)), counts)
    day = np.floor(rng.random(len(owner)) * active_days[owner]).astype(np.int64)
    return owner, day


def _sanction_tendency(
    rng: np.random.Generator, sigma: float, km_gemeente: np.ndarray, km_caseload: np.ndarray
) -> np.ndarray:
    """A factor per klantmanager for how readily he or she imposes a sanction (klantmanagergebonden
    differentiatie): lognormal, scaled so each gemeente's caseload-weighted mean stays exactly 1 and
    the gemeente's sanction rate is unchanged. Its own random stream keeps the other tables as they were."""
    factor = rng.lognormal(0.0, sigma, size=len(km_gemeente)) if sigma > 0 else np.ones(len(km_gemeente))
    for g in np.unique(km_gemeente):
        mine = km_gemeente == g
        factor[mine] /= np.average(factor[mine], weights=km_caseload[mine])
    return factor


def _parse_step(step: str) -> tuple[float, float]:
    """'10%' → (10, nan); '200 EUR' → (nan, 200)."""
    step = step.strip()
    if step.endswith("%"):
        return float(step[:-1]), np.nan
    if step.upper().endswith("EUR"):
        return np.nan, float(step[:-3])
    raise ValueError(f"sanctiestap {step!r} is not 'N%' or 'N EUR'")


# --- the generator -------------------------------------------------------------------------


def generate(n_clients: int, seed: int, codebook: Codebook | None = None) -> dict[str, pd.DataFrame]:
    """Generate all tables for ``n_clients`` synthetic clients; same seed, same tables."""
    tables, _ = generate_with_params(n_clients, seed, codebook)
    return tables


def generate_with_params(
    n_clients: int, seed: int, codebook: Codebook | None = None
) -> tuple[dict[str, pd.DataFrame], Params]:
    """Like :func:`generate`, also returning the :class:`Params` record of what was used."""
    if n_clients < 1:
        raise ValueError("n_clients moet minstens 1 zijn")
    cb = codebook or load_codebook()
    P = Params(cb)
    rng = np.random.default_rng(seed)
    obs_start = np.datetime64(cb.observation_period.start, "D")
    year_days = int((np.datetime64(cb.observation_period.end, "D") - obs_start).astype(int)) + 1

    # Municipalities: one variant each; client numbers follow the model cities' benefit counts.
    model = P["gemeente_model"]
    gemeenten = list(model)
    variant_of = np.array([VARIANTS.index(model[g]["variant"]) for g in gemeenten])
    weights = np.array([P["gemeente_gewicht"][g] for g in gemeenten], dtype=float)
    clients_per_gemeente = _largest_remainder(n_clients, weights)

    # Klantmanagers and caseloads: a triangular draw with the variant's mean and range.
    km_gemeente, km_caseload = [], []
    for g, n_g in enumerate(clients_per_gemeente):
        if n_g == 0:
            continue
        variant = VARIANTS[variant_of[g]]
        mean = float(P[f"caseload_gemiddeld_{variant}"])
        low, high = (float(x) for x in P[f"caseload_bereik_{variant}"])
        # the number of klantmanagers whose average caseload comes closest to the source mean
        k = min(
            {max(1, int(np.floor(n_g / mean))), int(np.ceil(n_g / mean))}, key=lambda kk: (abs(n_g / kk - mean), kk)
        )
        mode = min(max(3 * mean - low - high, low), high)
        wanted = rng.triangular(low, mode, high, size=k) if high > low else np.full(k, mean)
        km_gemeente.append(np.full(k, g))
        km_caseload.append(_largest_remainder(int(n_g), wanted))
    km_gemeente = np.concatenate(km_gemeente)
    km_caseload = np.concatenate(km_caseload)
    n_km = len(km_gemeente)
    km_ids = _ids("SYN-KM-", n_km, 4)

    # Clients: assigned to klantmanagers by caseload, then shuffled so ids carry no order.
    client_km = rng.permutation(np.repeat(np.arange(n_km), km_caseload))
    n = len(client_km)
    client_g = km_gemeente[client_km]
    client_v = variant_of[client_g]
    client_ids = _ids("SYN-", n, 6)

    trede_shares = P["trede_aandeel"]
    treden = np.array(list(trede_shares), dtype=np.int64)
    trede = treden[_choice(rng, trede_shares, n)]
    kansgroep_map = P["kansgroep_per_trede"]
    kansgroep = np.array([kansgroep_map[int(t)] for t in treden], dtype=object)[trede - treden.min()]

    leeftijd_shares = P["leeftijdsklasse_aandeel"]
    leeftijd = np.array(list(leeftijd_shares), dtype=object)[_choice(rng, leeftijd_shares, n)]
    geslacht = np.where(rng.random(n) < float(P["geslacht_aandeel_vrouw"]), "vrouw", "man").astype(object)
    huishouden_shares = P["huishouden_aandeel"]
    huishouden = np.array(list(huishouden_shares), dtype=object)[_choice(rng, huishouden_shares, n)]
    regios = P["regio_per_gemeente"]
    regio_counts = np.array([len(regios[g]) for g in gemeenten])
    regio_offset = np.concatenate([[0], np.cumsum(regio_counts)[:-1]])
    regio_flat = np.array([r for g in gemeenten for r in regios[g]], dtype=object)
    regio = regio_flat[regio_offset[client_g] + rng.integers(0, regio_counts[client_g])]

    # Duration on benefit at the start of the observation year (exponential per trede).
    mean_months = P["uitkeringsduur_gemiddeld_maanden_per_trede"]
    mean_days = np.array([mean_months[int(t)] for t in treden], dtype=float)[trede - treden.min()] * DAYS_PER_MONTH
    duration_days = np.ceil(rng.exponential(mean_days)).astype(np.int64) + 1
    earliest = np.datetime64("1990-01-01", "D")
    startdatum = np.maximum(obs_start - duration_days, earliest)
    start_month = startdatum.astype("datetime64[M]")
    after_first = (startdatum - start_month.astype("datetime64[D]")).astype(np.int64) > 0
    duur_maanden = (obs_start.astype("datetime64[M]") - start_month).astype(np.int64) - after_first
    duur_klasse = np.array(["<1 jaar", "1-2 jaar", "2-5 jaar", "5+ jaar"], dtype=object)[
        np.searchsorted([12, 24, 60], duur_maanden, side="right")
    ]

    # Outflow: per variant an intensity per client-year, varied by trede (mean kept).
    caseload_mean = np.array([float(P[f"caseload_gemiddeld_{v}"]) for v in VARIANTS])
    outflow_rate = np.array(
        [
            np.mean(P["uitstroom_target_interventionist"]) / caseload_mean[0],
            np.mean(P["uitstroom_target_regisseur"]) / caseload_mean[1],
            float(P["uitstroom_per_client_jaar_administrateur"]),
        ]
    )
    trede_p = np.array(list(trede_shares.values()), dtype=float)
    trede_p /= trede_p.sum()
    factor = np.array([P["uitstroom_trede_factor"][int(t)] for t in treden], dtype=float)
    factor /= (trede_p * factor).sum()
    hazard = outflow_rate[client_v] * factor[trede - treden.min()]
    exit_day = np.floor(rng.exponential(1.0 / hazard) * 365.0).astype(np.int64)
    flows_out = exit_day < year_days
    active_days = np.where(flows_out, exit_day, year_days)
    reden_keys = list(P["uitstroom_reden_aandeel"]["interventionist"])
    reden_idx = _choice_per_row(rng, _share_table(P["uitstroom_reden_aandeel"], reden_keys), client_v)
    reden = np.array(reden_keys, dtype=object)[reden_idx]

    # Contactmomenten.
    contact_rate = np.array(
        [float(P["contact_per_client_jaar_interventionist"]), 0.0, float(P["contact_per_client_jaar_administrateur"])]
    )[client_v]
    per_week = float(P["contact_gesprekken_per_km_week_regisseur"]) * float(P["werkweken_per_jaar"])
    is_regisseur = client_v == VARIANTS.index("regisseur")
    contact_rate[is_regisseur] = per_week / km_caseload[client_km[is_regisseur]]
    c_owner, c_day = _event_days(rng, contact_rate, active_days)
    soort_keys = list(P["contact_soort_aandeel"]["interventionist"])
    c_soort = np.array(soort_keys, dtype=object)[
        _choice_per_row(rng, _share_table(P["contact_soort_aandeel"], soort_keys), client_v[c_owner])
    ]
    order = np.lexsort((c_day, c_owner))
    c_owner, c_day, c_soort = c_owner[order], c_day[order], c_soort[order]

    # Trajecten: at most one start in the year for clients with obligations (trede 2-5).
    eligible = trede >= 2
    deelname = np.array([float(P[f"traject_deelname_{v}"]) for v in VARIANTS])[client_v]
    starts = eligible & (active_days > 0) & (rng.random(n) < deelname)
    t_owner = np.flatnonzero(starts)
    t_v = client_v[t_owner]
    t_start = np.floor(rng.random(len(t_owner)) * active_days[t_owner]).astype(np.int64)
    intern_p = np.array([float(P["traject_aanbieder_intern_kans"][v]) for v in VARIANTS])[t_v]
    t_intern = rng.random(len(t_owner)) < intern_p
    soort_per_trede = P["traject_soort_per_trede"]
    soort_flat = np.array([s for t in treden if t in soort_per_trede for s in soort_per_trede[t]], dtype=object)
    soort_count = np.array([len(soort_per_trede.get(int(t), [])) for t in treden])
    soort_offset = np.concatenate([[0], np.cumsum(soort_count)[:-1]])
    t_trede = trede[t_owner] - treden.min()
    t_soort = soort_flat[soort_offset[t_trede] + rng.integers(0, np.maximum(soort_count[t_trede], 1))]
    t_soort[t_intern & (t_v == VARIANTS.index("interventionist"))] = "begeleiding_naar_werk"
    dur_bounds = np.array([P[f"traject_duur_maanden_{v}"] for v in VARIANTS], dtype=float)
    months = dur_bounds[t_v, 0] + rng.random(len(t_owner)) * (dur_bounds[t_v, 1] - dur_bounds[t_v, 0])
    t_end = t_start + np.maximum(1, np.round(months * DAYS_PER_MONTH)).astype(np.int64)
    completes = rng.random(len(t_owner)) < float(P["traject_afgerond_kans"])
    cut_by_exit = flows_out[t_owner] & (exit_day[t_owner] < t_end)
    ends_in_year = cut_by_exit | (t_end < year_days)
    t_end = np.where(cut_by_exit, exit_day[t_owner], t_end)
    t_afgerond = np.where(cut_by_exit, reden[t_owner] == "werk", completes).astype(object)
    t_afgerond[~ends_in_year] = None

    # Sancties: per klantmanager-year figures spread over the clients with obligations.
    eligible_share = 1.0 - trede_p[treden == 1].sum()
    s_rate = np.array([float(P[f"sanctie_per_km_jaar_{v}"]) for v in VARIANTS]) / caseload_mean / eligible_share
    km_tendency = _sanction_tendency(
        np.random.default_rng([seed, 1]), float(P["sanctie_neiging_spreiding_km"]), km_gemeente, km_caseload
    )
    s_owner, s_day = _event_days(rng, np.where(eligible, s_rate[client_v] * km_tendency[client_km], 0.0), active_days)
    categorie_shares = P["sanctie_categorie_aandeel"]
    categories = list(categorie_shares)
    s_cat = _choice(rng, categorie_shares, len(s_owner))
    s_warning = rng.random(len(s_owner)) < float(P["sanctie_waarschuwing_aandeel"])
    order = np.lexsort((s_day, s_cat, s_owner))
    s_owner, s_day, s_cat, s_warning = s_owner[order], s_day[order], s_cat[order], s_warning[order]
    same_before = np.zeros(len(s_owner), dtype=bool)
    same_before[1:] = (s_owner[1:] == s_owner[:-1]) & (s_cat[1:] == s_cat[:-1])
    after_warning = np.zeros(len(s_owner), dtype=bool)
    after_warning[1:] = s_warning[:-1]
    s_recidive = same_before & after_warning & ~s_warning

    step_of = P["sanctie_stap_per_categorie"]
    steps = np.array([[_parse_step(step_of[g][c]) for c in categories] for g in gemeenten])  # g × c × 2
    s_g = client_g[s_owner]
    s_pct, s_eur = steps[s_g, s_cat, 0].copy(), steps[s_g, s_cat, 1].copy()
    factor_rec = float(P["sanctie_recidive_factor"])
    s_pct[s_recidive] = np.minimum(s_pct[s_recidive] * factor_rec, 100.0)
    s_eur[s_recidive] = s_eur[s_recidive] * factor_rec
    s_pct[s_warning], s_eur[s_warning] = 0.0, np.nan
    duur = int(P["sanctie_duur_maanden"])
    s_duur = np.where(s_warning, 0, duur)
    order = np.lexsort((s_day, s_owner))

    # Assemble the tables.
    stappen = P["sanctie_stappen"]
    raw: dict[str, pd.DataFrame] = {}
    raw["gemeenten"] = pd.DataFrame(
        {
            "gemeente": gemeenten,
            "variant": [VARIANTS[v] for v in variant_of],
            "gemodelleerd_naar": [model[g]["gemodelleerd_naar"] for g in gemeenten],
            "sanctie_eenheid": [
                "procent_en_euro" if any(s.upper().endswith("EUR") for s in stappen[g]) else "procent"
                for g in gemeenten
            ],
            "aantal_sanctiestappen": [len(stappen[g]) for g in gemeenten],
            "maatregelwaarschuwing": [float(P["sanctie_waarschuwing_aandeel"]) > 0] * len(gemeenten),
            "recidive_factor": [int(factor_rec)] * len(gemeenten),
        }
    )
    raw["sanctieregimes"] = pd.DataFrame(
        {
            "gemeente": np.repeat(gemeenten, len(categories)),
            "categorie": categories * len(gemeenten),
            "hoogte_pct": steps[:, :, 0].ravel(),
            "hoogte_eur": steps[:, :, 1].ravel(),
            "duur_maanden": duur,
        }
    )
    raw["klantmanagers"] = pd.DataFrame(
        {
            "km_id": km_ids,
            "gemeente": np.array(gemeenten, dtype=object)[km_gemeente],
            "variant": np.array(VARIANTS, dtype=object)[variant_of[km_gemeente]],
            "caseload": km_caseload,
        }
    )
    raw["clients"] = pd.DataFrame(
        {
            "client_id": client_ids,
            "gemeente": np.array(gemeenten, dtype=object)[client_g],
            "km_id": km_ids[client_km],
            "leeftijdsklasse": leeftijd,
            "geslacht": geslacht,
            "huishouden": huishouden,
            "regio": regio,
            "trede": trede,
            "kansgroep": kansgroep,
            "startdatum": startdatum,
            "uitkeringsduur_maanden": duur_maanden,
            "uitkeringsduur_klasse": duur_klasse,
        }
    )
    raw["contactmomenten"] = pd.DataFrame(
        {
            "contact_id": _ids("SYN-C-", len(c_owner), 7),
            "client_id": client_ids[c_owner],
            "km_id": km_ids[client_km[c_owner]],
            "datum": obs_start + c_day,
            "soort": c_soort,
        }
    )
    raw["trajecten"] = pd.DataFrame(
        {
            "traject_id": _ids("SYN-T-", len(t_owner), 6),
            "client_id": client_ids[t_owner],
            "soort": t_soort,
            "aanbieder": np.where(t_intern, "intern", "extern").astype(object),
            "start": obs_start + t_start,
            "eind": np.where(ends_in_year, obs_start + np.minimum(t_end, year_days - 1), np.datetime64("NaT")),
            "afgerond": pd.array(t_afgerond, dtype="boolean"),
        }
    )
    raw["sancties"] = pd.DataFrame(
        {
            "sanctie_id": _ids("SYN-S-", len(s_owner), 6),
            "client_id": client_ids[s_owner[order]],
            "datum": obs_start + s_day[order],
            "categorie": np.array(categories, dtype=object)[s_cat[order]],
            "waarschuwing": s_warning[order],
            "recidive": s_recidive[order],
            "hoogte_pct": pd.array(s_pct[order], dtype="Float64").round().astype("Int64"),
            "hoogte_eur": pd.array(s_eur[order], dtype="Float64").round().astype("Int64"),
            "duur_maanden": s_duur[order],
        }
    )
    out = np.flatnonzero(flows_out)
    raw["uitstroom"] = pd.DataFrame(
        {"client_id": client_ids[out], "datum": obs_start + exit_day[out], "reden": reden[out]}
    )
    raw["sanctieregimes"]["hoogte_pct"] = pd.array(raw["sanctieregimes"]["hoogte_pct"], dtype="Float64").astype("Int64")
    raw["sanctieregimes"]["hoogte_eur"] = pd.array(raw["sanctieregimes"]["hoogte_eur"], dtype="Float64").astype("Int64")

    tables = {name: cast(raw[name], cb.table(name)) for name in cb.table_names}
    return tables, P


def write_dataset(tables: dict[str, pd.DataFrame], out_dir: Path | str, codebook: Codebook | None = None) -> list[Path]:
    """Write each table as CSV (UTF-8) into ``out_dir``; atomic per file (temp file + rename)."""
    cb = codebook or load_codebook()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, frame in tables.items():
        table = cb.table(name)
        target = out / table.file
        write_atomic(target, to_text(frame, table))
        written.append(target)
    return written
