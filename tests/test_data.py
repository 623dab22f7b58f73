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
from activering.data import DataFileError, load_all, load_codebook, load_table
from activering.data.generate import VARIANTS, generate, generate_with_params, write_dataset
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


def test_variants_are_the_vocabulary_in_its_order():
    """The generator draws per variant in this order: the order is part of the shipped data."""
    from activering.vocabulary import Variant

    assert VARIANTS == ("interventionist", "regisseur", "administrateur") == tuple(Variant)
    assert all(type(variant) is str for variant in VARIANTS)  # plain strings in the CSV files
    assert set(CB.table("gemeenten").column("variant").allowed) == set(VARIANTS)


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
    clients = tables["clients"].assign(
        gemeente=lambda c: c["gemeente"].astype(str), km_id=lambda c: c["km_id"].astype(str)
    )
    clients = clients[clients["trede"].astype(int) >= 2]
    counts = tables["sancties"]["client_id"].astype(str).value_counts()
    per_km = clients.assign(n=clients["client_id"].astype(str).map(counts).fillna(0)).groupby(["gemeente", "km_id"])
    per_km = per_km.agg(observed=("n", "sum"), clients=("n", "size")).reset_index()
    rate = per_km.groupby("gemeente")["observed"].transform("sum") / per_km.groupby("gemeente")["clients"].transform(
        "sum"
    )
    expected = rate * per_km["clients"]
    used = expected > 0
    chi2 = (((per_km["observed"] - expected) ** 2) / expected)[used].sum()
    return float(chi2 / (used.sum() - per_km.loc[used, "gemeente"].nunique()))


def test_klantmanagers_differ_in_sanctioning_only_when_the_codebook_says_so():
    """Klantmanagergebonden differentiatie (sanctie_neiging_spreiding_km): over-dispersion, gone at sigma 0."""
    with_tendency = _sanction_dispersion(generate(LARGE_N, 11))
    codebook = load_codebook()
    calibration = [
        entry.model_copy(update={"value": 0.0}) if entry.parameter == "sanctie_neiging_spreiding_km" else entry
        for entry in codebook.calibration
    ]
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
    lines[1] = "SYN-999999" + lines[1][len("SYN-000000") :]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(
        DataFileError, match=r"uitstroom\.csv, kolom 'client_id', regel 2: verwijzing 'SYN-999999'.*clients\.csv"
    ):
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


# --- real data: a converted export (activering data gebruik) ------------------------------------

from activering.data import beschikbaarheid  # noqa: E402


def _set_column(path: Path, column: str, values: list[str]) -> None:
    """Overwrite one column of a CSV file, cycling through ``values``."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame[column] = [values[i % len(values)] for i in range(len(frame))]
    frame.to_csv(path, index=False, lineterminator="\n")


def _manifest(
    folder: Path,
    *,
    missing: dict[str, list[str]] | None = None,
    precision: dict | None = None,
    absent_tables: tuple[str, ...] = (),
) -> None:
    tables = {}
    for table in CB.tables:
        columns = {}
        for column in table.columns:
            entry = {"status": "ontbreekt" if column.name in (missing or {}).get(table.name, []) else "gekoppeld"}
            if (table.name, column.name) in (precision or {}):
                entry["precisie"] = precision[(table.name, column.name)]
            columns[column.name] = entry
        tables[table.name] = {"bestand": None if table.name in absent_tables else table.file, "kolommen": columns}
    beschikbaarheid.write_manifest(folder, tables, "test")


@pytest.fixture
def real_dir(broken_dir) -> Path:
    """The shipped files with the forms an anonymiser writes, and a manifest that marks them real."""
    clients = broken_dir / "clients.csv"
    _set_column(clients, "leeftijdsklasse", ["<18", "18-26", "65+", "18-34", "55+", "*", "", "35-44"])
    _set_column(clients, "geslacht", ["X", "man", "O", "onbekend", "*", "vrouw"])
    _set_column(clients, "trede", ["6", "1", "*", "3", ""])
    _set_column(clients, "startdatum", ["2009-03", "2009-K2", "2008", "*", "", "2007-05-14"])
    _set_column(clients, "uitkeringsduur_maanden", ["0-11", "12-23", "60+", "*"])
    _set_column(clients, "regio", ["35xx", "3xxx", "*", "Binnenstad"])
    _set_column(broken_dir / "contactmomenten.csv", "datum", ["2010-03", "2010-11", "*"])
    _manifest(broken_dir)
    return broken_dir


def test_strict_loader_still_rejects_generalised_values(real_dir):
    (real_dir / beschikbaarheid.MANIFEST_NAME).unlink()  # the synthetic course data stay strict
    with pytest.raises(
        DataFileError,
        match=r"clients\.csv, kolom '(leeftijdsklasse|geslacht|trede|startdatum|uitkeringsduur_maanden|regio)'",
    ):
        load_table("clients", real_dir)


def test_real_data_accept_bands_suppression_and_own_categories(real_dir):
    clients = load_table("clients", real_dir)
    n = len(clients)
    age = clients["leeftijdsklasse"]
    order = list(age.cat.categories)
    assert age.cat.ordered and order[0] == "<18" and order[-1] == "*"
    assert order.index("55-64") < order.index("65+") and order.index("18-26") < order.index("18-34") < order.index(
        "27-34"
    )
    assert age.isna().sum() == sum(1 for i in range(n) if i % 8 == 6)  # only the empty values are unknown
    assert set(clients["geslacht"].dropna()) == {"X", "man", "O", "onbekend", "*", "vrouw"}
    trede = clients["trede"]
    assert 6 in set(trede.dropna())
    assert int(trede.isna().sum()) == sum(1 for i in range(n) if i % 5 in (2, 4))  # '*' and '' are unknown, not guessed
    assert len(clients[clients["trede"] >= 2]) == sum(1 for i in range(n) if i % 5 in (0, 3))  # a mask leaves them out
    start = clients["startdatum"]
    assert start.iloc[0] == pd.Timestamp("2009-03-01") and start.iloc[1] == pd.Timestamp("2009-04-01")
    assert start.iloc[2] == pd.Timestamp("2008-01-01") and pd.isna(start.iloc[3]) and pd.isna(start.iloc[4])
    assert start.iloc[5] == pd.Timestamp("2007-05-14")
    duur = clients["uitkeringsduur_maanden"]  # bands stay bands: an ordered category, not a made-up number
    assert isinstance(duur.dtype, pd.CategoricalDtype) and list(duur.cat.categories) == ["0-11", "12-23", "60+", "*"]
    assert set(clients["regio"].dropna()) == {"35xx", "3xxx", "*", "Binnenstad"}
    assert load_table("contactmomenten", real_dir)["datum"].dt.month.dropna().astype(int).isin([3, 11]).all()


def test_real_data_still_reject_what_is_not_a_value(real_dir):
    _set_column(real_dir / "contactmomenten.csv", "datum", ["2010-03", "gisteren"])
    with pytest.raises(
        DataFileError, match=r"contactmomenten\.csv, kolom 'datum', regel 3: geen geldige datum.*'gisteren'"
    ):
        load_table("contactmomenten", real_dir)
    _set_column(real_dir / "contactmomenten.csv", "datum", ["2010-03"])
    _set_column(real_dir / "contactmomenten.csv", "contact_id", ["*"])  # a key must stay a key
    with pytest.raises(DataFileError, match=r"contactmomenten\.csv, kolom 'contact_id'"):
        load_table("contactmomenten", real_dir)


@pytest.mark.parametrize(
    ("values", "dtype", "expected"),
    [
        (["2025-03-14", "2025-01-02"], "date", "dag"),
        (["2025-03-14", "2025-03", "*"], "date", "maand"),
        (["2025-K1", "2025-03"], "date", "kwartaal"),
        (["2025", "2025-K1", ""], "date", "jaar"),
        (["*", ""], "category", "weggelaten"),
        (["1200.50", "*"], "float", None),
        (["1000-1249", "1500+"], "float", "klasse"),
        (["1", "6"], "integer", None),
    ],
)
def test_precision_of_a_column(values, dtype, expected):
    assert beschikbaarheid.precision_of(dtype, values) == expected


def test_beschikbaar_names_what_is_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ACTIVERING_DATA_DIR", str(tmp_path))
    assert beschikbaarheid.missing("clients.trede", "sancties") == []  # no manifest: complete data
    _manifest(
        tmp_path,
        missing={"clients": ["trede"], "contactmomenten": ["km_id"]},
        absent_tables=("sancties",),
        precision={("contactmomenten", "datum"): "maand", ("clients", "geslacht"): "weggelaten"},
    )
    assert beschikbaarheid.heeft("clients.gemeente", "contactmomenten.datum")
    assert beschikbaarheid.heeft("contactmomenten.datum", precisie="maand")
    assert not beschikbaarheid.heeft("contactmomenten.datum", precisie="dag")
    assert not beschikbaarheid.beschikbaar("clients.trede")
    assert capsys.readouterr().out.strip() == "Deze grafiek heeft de kolom trede nodig; die zit niet in jouw data."
    problems = beschikbaarheid.missing("sancties", "clients.trede", "contactmomenten.km_id")
    text = beschikbaarheid.message(problems, "Deze vraag")
    assert text == (
        "Deze vraag heeft de tabel sancties en de kolommen trede en km_id in contactmomenten nodig; "
        "die zitten niet in jouw data."
    )
    coarse = beschikbaarheid.message(beschikbaarheid.missing("contactmomenten.datum", precisie="dag"), precisie="dag")
    assert "per dag" in coarse and "alleen per maand" in coarse and "niet in jouw data" in coarse
    assert "weggelaten" in beschikbaarheid.message(beschikbaarheid.missing("clients.geslacht"))


def test_real_data_numbers_with_a_decimal_point(real_dir):
    _set_column(real_dir / "klantmanagers.csv", "caseload", ["80.0", "*", "120"])
    caseload = load_table("klantmanagers", real_dir)["caseload"]
    assert caseload.iloc[0] == 80 and pd.isna(caseload.iloc[1])
    _set_column(real_dir / "klantmanagers.csv", "caseload", ["80.0", "120"])
    assert str(load_table("klantmanagers", real_dir)["caseload"].dtype) == "Int64"
    _set_column(real_dir / "klantmanagers.csv", "caseload", ["80.5", "120"])
    assert load_table("klantmanagers", real_dir)["caseload"].iloc[0] == pytest.approx(80.5)


def test_a_damaged_manifest_is_named_not_ignored(real_dir):
    (real_dir / beschikbaarheid.MANIFEST_NAME).write_text("tabellen: [niet, goed\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"kolommen\.yml: onleesbaar"):
        load_table("clients", real_dir)


@pytest.mark.parametrize(
    ("locator", "shown"),
    [
        ("vanderaa2012, §6.3 Tabel 6.3 (regel 1928–1947)", "vanderaa2012, §6.3 Tabel 6.3"),
        ("§6.3.4 (regel 2298: 160 klanten) en §6.4.2.5", "§6.3.4 (160 klanten) en §6.4.2.5"),
        ("termen van de onderzoeker (voetnoot 3, regel 3548).", "termen van de onderzoeker (voetnoot 3)."),
        ("Tabel 7.4; voetnoot 31 (regel 3807)", "Tabel 7.4; voetnoot 31"),
        ("§6.3.2 ('twee of drie'; regel 2030: 'twee of zo')", "§6.3.2 ('twee of drie'; 'twee of zo')"),
        ("§7.2.1.1 (regel 3548 en 3653)", "§7.2.1.1"),
        (
            "trede 4 was officieel 4 tot 6 maanden (geen regelnummer)",
            "trede 4 was officieel 4 tot 6 maanden (geen regelnummer)",
        ),
    ],
)
def test_readers_see_no_line_numbers_of_the_makers_text_version(locator, shown):
    from activering.data.codebook import for_readers

    assert for_readers(locator) == shown


def test_no_calibration_locator_shows_a_line_number_to_readers():
    import re

    from activering.data.codebook import for_readers

    shown = [for_readers(t) for e in load_codebook().calibration for t in (e.source, e.note)]
    assert not [t for t in shown if re.search(r"\bregel\s*\d", t)]
