"""Synthetic caseload data: determinism, codebook conformance, calibration, loader errors, CLI.

Expected values are derived from the codebook's calibration, never hard-coded.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from activering.cli import app as root_app
from activering.data import DataFileError, generate, load_all, load_codebook, load_table, write_dataset
from activering.data.generate import VARIANTS, generate_with_params
from activering.data.loader import DEFAULT_DATA_DIR
from activering.data.schema import pandas_dtype

CB = load_codebook()
DEFAULT_N = CB.generator.default_clients
DEFAULT_SEED = CB.generator.default_seed
LARGE_N = 30_000


@pytest.fixture(scope="module")
def shipped() -> dict[str, pd.DataFrame]:
    return load_all(DEFAULT_DATA_DIR)


@pytest.fixture(scope="module")
def large() -> dict[str, pd.DataFrame]:
    """A larger set, so rates can be checked with little sampling noise."""
    return generate(LARGE_N, 7)


def _write(tmp_path: Path, n: int, seed: int, name: str) -> Path:
    out = tmp_path / name
    write_dataset(generate(n, seed), out)
    return out


# --- determinism ---------------------------------------------------------------------------


def test_same_seed_gives_identical_bytes(tmp_path):
    a, b = _write(tmp_path, 500, 11, "a"), _write(tmp_path, 500, 11, "b")
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(t.file for t in CB.tables)
    match, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    assert mismatch == [] and errors == []


def test_different_seed_gives_different_data(tmp_path):
    a, b = _write(tmp_path, 500, 11, "a"), _write(tmp_path, 500, 12, "b")
    assert (a / "clients.csv").read_bytes() != (b / "clients.csv").read_bytes()


def test_shipped_data_equals_fresh_generation(tmp_path):
    fresh = _write(tmp_path, DEFAULT_N, DEFAULT_SEED, "fresh")
    for table in CB.tables:
        assert (fresh / table.file).read_bytes() == (DEFAULT_DATA_DIR / table.file).read_bytes(), (
            f"data/{table.file} wijkt af van een nieuwe generatie: draai `activering data genereer`"
        )


def test_no_temp_files_left(tmp_path):
    out = _write(tmp_path, 200, 1, "out")
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


# --- codebook ------------------------------------------------------------------------------


def test_codebook_marks_dataset_synthetic():
    assert CB.synthetic is True
    readme = (DEFAULT_DATA_DIR / "README.md").read_text(encoding="utf-8").lower()
    assert "synthetisch" in readme


def test_every_calibration_parameter_is_used_and_every_used_parameter_exists():
    _, params = generate_with_params(300, 3)
    assert params.used == {entry.parameter for entry in CB.calibration}


def test_calibration_entries_have_a_source_or_are_marked_assumed():
    for entry in CB.calibration:
        assert entry.assumed or "vanderaa2012" in entry.source or "vanberkel2013" in entry.source, entry.parameter


def test_shipped_tables_conform_to_codebook(shipped):
    assert list(shipped) == CB.table_names
    for table in CB.tables:
        frame = shipped[table.name]
        assert list(frame.columns) == table.column_names
        assert len(frame) > 0, table.name
        for column in table.columns:
            series = frame[column.name]
            assert series.dtype == pandas_dtype(column), (table.name, column.name)
            if not column.nullable:
                assert series.notna().all(), (table.name, column.name)
            if column.pattern:
                assert series.dropna().str.match(column.pattern).all(), (table.name, column.name)
        assert not frame.duplicated(table.primary_key).any(), table.name


def test_ids_look_synthetic(shipped):
    assert shipped["clients"]["client_id"].str.startswith("SYN-").all()
    assert shipped["klantmanagers"]["km_id"].str.startswith("SYN-KM-").all()


def test_fictional_gemeenten_one_per_variant(shipped):
    gemeenten = shipped["gemeenten"]
    assert sorted(gemeenten["variant"].astype(str)) == sorted(VARIANTS)
    real_cities = {"amsterdam", "rotterdam", "den haag", "'s-gravenhage"}
    assert not {g.lower() for g in gemeenten["gemeente"].astype(str)} & real_cities


# --- consistency between tables ------------------------------------------------------------


def test_caseload_column_matches_clients(shipped):
    counts = shipped["clients"].groupby("km_id").size()
    km = shipped["klantmanagers"].set_index("km_id")["caseload"]
    assert (counts.reindex(km.index).fillna(0).astype(int) == km.astype(int)).all()


def test_events_fall_before_outflow(shipped):
    exit_date = shipped["uitstroom"].set_index("client_id")["datum"]
    for name, column in [("contactmomenten", "datum"), ("sancties", "datum"), ("trajecten", "start")]:
        frame = shipped[name]
        limit = frame["client_id"].map(exit_date)
        assert (frame[column][limit.notna()] < limit.dropna()).all(), name


# --- calibration ---------------------------------------------------------------------------


def _mean_caseload(tables) -> pd.Series:
    return tables["klantmanagers"].groupby("variant", observed=True)["caseload"].mean()


def test_mean_caseload_per_variant_within_source_range(large):
    means = _mean_caseload(large)
    for variant in VARIANTS:
        low, high = CB.param(f"caseload_bereik_{variant}")
        assert low <= means[variant] <= high, variant
        assert means[variant] == pytest.approx(CB.param(f"caseload_gemiddeld_{variant}"), rel=0.03)


def test_shipped_caseloads_near_source_mean(shipped):
    """With a few thousand clients, the number of klantmanagers is small: allow one klantmanager of rounding."""
    km = shipped["klantmanagers"]
    for variant in VARIANTS:
        sub = km[km["variant"] == variant]
        n_clients, k = int(sub["caseload"].sum()), len(sub)
        target = CB.param(f"caseload_gemiddeld_{variant}")
        candidates = [n_clients / kk for kk in (k - 1, k, k + 1) if kk > 0]
        assert min(abs(c - target) for c in candidates) >= abs(n_clients / k - target) - 1e-9


def test_trede_distribution_within_tolerance(large):
    shares = CB.param("trede_aandeel")
    observed = large["clients"]["trede"].value_counts(normalize=True)
    for trede, share in shares.items():
        assert observed[trede] == pytest.approx(share, abs=0.015), trede


def test_gemeente_sizes_follow_weights(large):
    weights = CB.param("gemeente_gewicht")
    total = sum(weights.values())
    observed = large["clients"]["gemeente"].value_counts(normalize=True)
    for gemeente, weight in weights.items():
        assert observed[gemeente] == pytest.approx(weight / total, abs=0.01), gemeente


def test_sanction_heights_follow_each_regime(large):
    steps = CB.param("sanctie_stappen")
    factor = CB.param("sanctie_recidive_factor")
    sancties = large["sancties"].merge(large["clients"][["client_id", "gemeente"]], on="client_id")
    assert sancties["waarschuwing"].any() and sancties["recidive"].any()
    for gemeente, regime in steps.items():
        allowed_pct = {int(s[:-1]) for s in regime if s.endswith("%")}
        allowed_eur = {int(s[:-3]) for s in regime if s.upper().endswith("EUR")}
        rows = sancties[sancties["gemeente"] == gemeente]
        warnings = rows[rows["waarschuwing"]]
        assert (warnings["hoogte_pct"] == 0).all() and (warnings["duur_maanden"] == 0).all()
        first = rows[~rows["waarschuwing"] & ~rows["recidive"]]
        assert set(first["hoogte_pct"].dropna().astype(int)) <= allowed_pct, gemeente
        assert set(first["hoogte_eur"].dropna().astype(int)) <= allowed_eur, gemeente
        repeat = rows[rows["recidive"]]
        assert set(repeat["hoogte_pct"].dropna().astype(int)) <= {min(factor * p, 100) for p in allowed_pct}
        assert set(repeat["hoogte_eur"].dropna().astype(int)) <= {factor * e for e in allowed_eur}
        real = rows[~rows["waarschuwing"]]
        assert (real["hoogte_pct"].notna() ^ real["hoogte_eur"].notna()).all()


def test_sanctieregimes_table_matches_codebook(shipped):
    regimes = shipped["sanctieregimes"]
    for gemeente, per_category in CB.param("sanctie_stap_per_categorie").items():
        for categorie, step in per_category.items():
            row = regimes[(regimes["gemeente"] == gemeente) & (regimes["categorie"] == categorie)].iloc[0]
            value = row["hoogte_pct"] if step.endswith("%") else row["hoogte_eur"]
            assert int(value) == int(step.rstrip("%").upper().removesuffix("EUR"))


@pytest.fixture(scope="module")
def exposure(large) -> pd.DataFrame:
    """Per client of the large set: variant, trede and years in the caseload during the observation year."""
    variant_of = large["gemeenten"].set_index("gemeente")["variant"].astype(str)
    clients = large["clients"]
    start = pd.Timestamp(CB.observation_period.start)
    end = pd.Timestamp(CB.observation_period.end) + pd.Timedelta(days=1)
    exit_date = large["uitstroom"].set_index("client_id")["datum"]
    until = clients["client_id"].map(exit_date).fillna(end)
    return pd.DataFrame(
        {
            "variant": clients["gemeente"].astype(str).map(variant_of).to_numpy(),
            "trede": clients["trede"].to_numpy(dtype=int),
            "years": ((until - start).dt.days / 365.0).to_numpy(),
        },
        index=pd.Index(clients["client_id"].astype(str), name="client_id"),
    )


def _events_per_variant(frame: pd.DataFrame, exposure: pd.DataFrame) -> pd.Series:
    return frame["client_id"].astype(str).map(exposure["variant"]).value_counts()


def test_sanctions_per_klantmanager_year_match_calibration(large, exposure):
    """Sanctions per klantmanager-year (source figure) spread over clients with obligations (trede 2-5)."""
    shares = CB.param("trede_aandeel")
    eligible_share = 1 - shares[1] / sum(shares.values())
    observed = _events_per_variant(large["sancties"], exposure)
    eligible_years = exposure[exposure["trede"] >= 2].groupby("variant")["years"].sum()
    for variant in VARIANTS:
        km_years = eligible_years[variant] / eligible_share / CB.param(f"caseload_gemiddeld_{variant}")
        expected = CB.param(f"sanctie_per_km_jaar_{variant}") * km_years
        assert abs(observed[variant] - expected) <= 3 * np.sqrt(expected), (variant, observed[variant], expected)
    sanctioned = large["sancties"]["client_id"].astype(str).map(exposure["trede"])
    assert (sanctioned >= 2).all()


def _sanction_dispersion(tables: dict[str, pd.DataFrame]) -> float:
    """Chi-square per degree of freedom of sanctions per klantmanager against 'same chance for every
    client of the gemeente' (about 1 when only chance differs, far above 1 when klantmanagers differ)."""
    clients = tables["clients"].assign(gemeente=lambda c: c["gemeente"].astype(str), km_id=lambda c: c["km_id"].astype(str))
    clients = clients[clients["trede"].astype(int) >= 2]
    counts = tables["sancties"]["client_id"].astype(str).value_counts()
    per_km = clients.assign(n=clients["client_id"].astype(str).map(counts).fillna(0)).groupby(["gemeente", "km_id"])
    per_km = per_km.agg(observed=("n", "sum"), clients=("n", "size")).reset_index()
    rate = per_km.groupby("gemeente")["observed"].transform("sum") / per_km.groupby("gemeente")["clients"].transform("sum")
    expected = rate * per_km["clients"]
    used = expected > 0
    chi2 = (((per_km["observed"] - expected) ** 2) / expected)[used].sum()
    return float(chi2 / (used.sum() - per_km.loc[used, "gemeente"].nunique()))


def test_klantmanagers_differ_in_sanctioning_only_when_the_codebook_says_so():
    """Klantmanagergebonden differentiatie (sanctie_neiging_spreiding_km): over-dispersion, gone at sigma 0."""
    with_tendency = _sanction_dispersion(generate(LARGE_N, 11))
    codebook = load_codebook()
    calibration = [entry.model_copy(update={"value": 0.0}) if entry.parameter == "sanctie_neiging_spreiding_km" else entry
                   for entry in codebook.calibration]
    codebook = codebook.model_copy(update={"calibration": calibration})
    without = _sanction_dispersion(generate(LARGE_N, 11, codebook))
    assert 0.7 < without < 1.4, without  # chance alone: about 1 (sd about 0.1 with ~300 klantmanagers)
    assert with_tendency > 1.6, with_tendency


def test_contact_frequency_per_variant(large, exposure):
    per_week = CB.param("contact_gesprekken_per_km_week_regisseur") * CB.param("werkweken_per_jaar")
    observed = _events_per_variant(large["contactmomenten"], exposure) / exposure.groupby("variant")["years"].sum()
    for variant in VARIANTS:
        if variant == "regisseur":
            expected = per_week / _mean_caseload(large)[variant]
            assert observed[variant] == pytest.approx(expected, rel=0.10), variant
        else:
            expected = CB.param(f"contact_per_client_jaar_{variant}")
            assert observed[variant] == pytest.approx(expected, rel=0.05), variant


def test_outflow_rate_per_variant(large, exposure):
    shares = CB.param("trede_aandeel")
    p = np.array(list(shares.values()), dtype=float)
    p /= p.sum()
    factor = np.array([CB.param("uitstroom_trede_factor")[t] for t in shares], dtype=float)
    factor /= (p * factor).sum()
    caseload = {v: CB.param(f"caseload_gemiddeld_{v}") for v in VARIANTS}
    rate = {
        "interventionist": np.mean(CB.param("uitstroom_target_interventionist")) / caseload["interventionist"],
        "regisseur": np.mean(CB.param("uitstroom_target_regisseur")) / caseload["regisseur"],
        "administrateur": CB.param("uitstroom_per_client_jaar_administrateur"),
    }
    observed = _events_per_variant(large["uitstroom"], exposure) / exposure["variant"].value_counts()
    for variant in VARIANTS:
        expected = float((p * (1 - np.exp(-rate[variant] * factor))).sum())
        assert observed[variant] == pytest.approx(expected, abs=0.02), variant


def test_traject_participation_per_variant(large, exposure):
    trede_one = CB.param("trede_aandeel")[1] / sum(CB.param("trede_aandeel").values())
    observed = _events_per_variant(large["trajecten"], exposure) / exposure["variant"].value_counts()
    for variant in VARIANTS:
        expected = CB.param(f"traject_deelname_{variant}") * (1 - trede_one)
        assert observed[variant] == pytest.approx(expected, abs=0.03), variant


# --- loader errors -------------------------------------------------------------------------


@pytest.fixture
def broken_dir(tmp_path) -> Path:
    out = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, out, ignore=shutil.ignore_patterns("*.md", "*.yml"))
    return out


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def test_loader_rejects_missing_column(broken_dir):
    path = broken_dir / "clients.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    frame = [",".join(line.split(",")[:-1]) for line in lines]  # drop the last column
    path.write_text("\n".join(frame) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_table("clients", broken_dir)
    message = str(info.value)
    assert "clients.csv" in message and "uitkeringsduur_klasse" in message and "ontbreekt" in message


def test_loader_rejects_unexpected_column(broken_dir):
    path = broken_dir / "uitstroom.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(line + ",x" for line in lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"uitstroom\.csv.*'x'.*onverwachte kolom"):
        load_table("uitstroom", broken_dir)


def test_loader_rejects_value_out_of_range(broken_dir):
    path = broken_dir / "clients.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[3].split(",")
    cells[header.index("trede")] = "7"
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_table("clients", broken_dir)
    assert info.value.column == "trede" and info.value.line == 4
    assert "clients.csv" in str(info.value) and "'trede'" in str(info.value) and "maximum" in str(info.value)


def test_loader_rejects_value_not_allowed(broken_dir):
    _edit(broken_dir / "contactmomenten.csv", ",gesprek\n", ",huisbezoek\n")
    with pytest.raises(DataFileError, match=r"contactmomenten\.csv, kolom 'soort', regel \d+: waarde niet toegestaan"):
        load_table("contactmomenten", broken_dir)


def test_loader_rejects_wrong_type(broken_dir):
    path = broken_dir / "sancties.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    cells = lines[1].split(",")
    cells[2] = "5 mei 2010"
    lines[1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"sancties\.csv, kolom 'datum', regel 2: geen geldige datum"):
        load_table("sancties", broken_dir)


def test_loader_rejects_duplicate_key(broken_dir):
    path = broken_dir / "klantmanagers.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(lines[1])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as info:
        load_table("klantmanagers", broken_dir)
    assert "klantmanagers.csv" in str(info.value) and "km_id" in str(info.value) and "dubbele" in str(info.value)
    assert info.value.line == len(lines)


def test_loader_rejects_broken_foreign_key(broken_dir):
    path = broken_dir / "uitstroom.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = "SYN-999999" + lines[1][len("SYN-000000"):]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"uitstroom\.csv, kolom 'client_id', regel 2: verwijzing 'SYN-999999'.*clients\.csv"):
        load_table("uitstroom", broken_dir)


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage"])
def test_loader_rejects_empty_or_unreadable_file(broken_dir, content):
    (broken_dir / "gemeenten.csv").write_bytes(content)
    with pytest.raises(DataFileError, match=r"gemeenten\.csv"):
        load_table("gemeenten", broken_dir)


def test_loader_rejects_missing_file(broken_dir):
    (broken_dir / "trajecten.csv").unlink()
    with pytest.raises(DataFileError, match=r"trajecten\.csv: bestand ontbreekt"):
        load_all(broken_dir)


def test_loader_uses_environment_variable(broken_dir, monkeypatch):
    (broken_dir / "sancties.csv").unlink()
    monkeypatch.setenv("ACTIVERING_DATA_DIR", str(broken_dir))
    assert len(load_table("gemeenten")) == 3
    with pytest.raises(DataFileError, match="sancties.csv"):
        load_table("sancties")


# --- CLI -----------------------------------------------------------------------------------


def test_cli_genereer_writes_loadable_data(tmp_path):
    out = tmp_path / "uit"
    result = CliRunner().invoke(root_app, ["data", "genereer", "--clients", "400", "--seed", "5", "--uit", str(out)])
    assert result.exit_code == 0, result.output
    tables = load_all(out)
    assert len(tables["clients"]) == 400
    expected = tmp_path / "direct"
    write_dataset(generate(400, 5), expected)
    for table in CB.tables:
        assert (out / table.file).read_bytes() == (expected / table.file).read_bytes()
