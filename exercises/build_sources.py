"""Build the source notebooks of the graded exercises (nbgrader course folder ``exercises/``).

The notebooks in ``exercises/source/<opdracht>/<opdracht>.ipynb`` are generated from this file, so
they are reproducible and can be reviewed as plain Python. Run it after every change::

    uv run python exercises/build_sources.py            # writes exercises/source/
    uv run python exercises/build_sources.py --uit DIR  # writes DIR/<opdracht>/<opdracht>.ipynb

Conventions (checked by tests/test_assignments.py):

* every cell carries nbgrader metadata; instruction cells and the data cell are read-only
  (``locked``); cell ids equal the nbgrader ``grade_id``;
* an answer cell holds the instructor's solution between ``### BEGIN SOLUTION`` and
  ``### END SOLUTION``;
* after each answer come graded test cells: the visible part checks type, shape and sanity only
  (never the answer itself, nor a hash of it); the part between ``### BEGIN HIDDEN TESTS`` and
  ``### END HIDDEN TESTS`` reloads the data and recomputes the expected value on its own route;
* a test that needs a column or table a trainer's own anonymised export may lack (``nodig=...``) runs
  inside ``if beschikbaar(...):``; on such data it is skipped with one Dutch line ("Deze test heeft de
  tabel sancties nodig; die zit niet in jouw data."), on the synthetic data it always runs. Shapes are
  checked against the data (one row per gemeente in ``clients``), so a smaller export fits too;
* reflection answers are graded by hand with the rubric in ``grading/rubrics/<opdracht>.yml``;
* the notebooks are written without outputs.
"""

from __future__ import annotations

import argparse
import textwrap
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
SOURCE_DIR = HERE / "source"

KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


# --------------------------------------------------------------------------------------------
# cell helpers
# --------------------------------------------------------------------------------------------

def _clean(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: int | None = None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def tekst(grade_id: str, text: str):
    """A read-only instruction cell."""
    cell = new_markdown_cell(_clean(text), metadata=_meta(grade_id, grade=False, solution=False, locked=True))
    cell.id = grade_id
    return cell


def vaste_code(grade_id: str, code: str):
    """A read-only code cell (loading the data)."""
    cell = new_code_cell(_clean(code), metadata=_meta(grade_id, grade=False, solution=False, locked=True))
    cell.id = grade_id
    return cell


def antwoord(grade_id: str, code: str):
    """An autograded answer cell; the solution sits between the solution markers."""
    cell = new_code_cell(_clean(code), metadata=_meta(grade_id, grade=False, solution=True, locked=False))
    cell.id = grade_id
    return cell


def _nodig(code: str, nodig: tuple[str, ...], precisie: str | None) -> str:
    """Run ``code`` only when the data have the columns in ``nodig`` (always so for the synthetic data);
    otherwise ``beschikbaar`` prints one Dutch line saying which column is missing and the test is skipped."""
    if not nodig:
        return _clean(code)
    args = ", ".join(repr(n) for n in nodig) + (f", precisie={precisie!r}" if precisie else "")
    body = textwrap.indent(_clean(code), "    ")
    return f'# Op eigen data zonder deze gegevens wordt deze test overgeslagen (met een melding).\nif beschikbaar({args}, wat="Deze test"):\n{body}'


def toets(grade_id: str, points: int, code: str, nodig: tuple[str, ...] = (), precisie: str | None = None):
    """A graded, read-only test cell; with ``nodig`` it only runs when the data have those columns."""
    cell = new_code_cell(_nodig(code, nodig, precisie),
                         metadata=_meta(grade_id, grade=True, solution=False, locked=True, points=points))
    cell.id = grade_id
    return cell


def reflectie(grade_id: str, points: int, model_answer: str):
    """A manually graded written answer. The model answer is removed from the student version."""
    cell = new_markdown_cell(_clean(model_answer), metadata=_meta(grade_id, grade=True, solution=True, locked=False, points=points))
    cell.id = grade_id
    return cell


def per_gemeente_vorm(grade_id: str, name: str, wat: str, bereik: str, melding: str, nodig: tuple[str, ...] = ()):
    """The shape test of a 'one number per gemeente' question (1 point): a Series with one value for
    each gemeente in ``clients`` (three in the synthetic data), each satisfying ``bereik`` (a condition on ``v``)."""
    return toets(grade_id, 1, f"""
        assert isinstance({name}, pd.Series), "{name} moet een pandas Series zijn"
        assert len({name}.dropna()) == clients["gemeente"].nunique(), "verwacht één {wat} per gemeente"
        assert all({bereik} for v in {name}.dropna()), "{melding}"
        print("Vorm in orde.")
        """, nodig)


def percentage_vorm(grade_id: str, name: str, nodig: tuple[str, ...] = ()):
    """The shape test every 'percentage per gemeente' question shares."""
    return per_gemeente_vorm(grade_id, name, "percentage", "0 <= float(v) <= 100", "een percentage ligt tussen 0 en 100", nodig)


WERKWIJZE = """
    ## Zo werk je in dit notebook

    - Voer eerst de grijze cel met de data uit (Shift+Enter). Grijze cellen kun je niet wijzigen.
    - In elke antwoordcel staat `# YOUR CODE HERE` en `raise NotImplementedError()`. Vervang die
      twee regels door je eigen code. Laat de naam van de variabele die gevraagd wordt precies zo staan.
    - Na elke antwoordcel volgen een of meer testcellen. Die controleren alleen of je antwoord de goede
      vorm heeft (soort object, aantal rijen, waarden binnen het mogelijke bereik). Of de uitkomst ook
      klopt, rekent de docent bij het nakijken na met verborgen tests. Een test die nu slaagt, is dus
      nog geen garantie voor de punten.
    - Wijzig of verwijder geen testcellen: dan vervallen de punten voor dat onderdeel.
    - De reflectievraag aan het eind kijkt de docent met de hand na, met een rubric.
    - Kies tot slot *Kernel → Restart Kernel and Run All Cells* en kijk of alles zonder fouten draait.
    """

DATA_NOOT = """
    **Over de data.** De tabellen zijn synthetisch: verzonnen cliënten, klantmanagers en drie fictieve
    gemeenten (Lindeveen, Havenmonde, Duinwijck). Elke gemeente werkt volgens één uitvoeringsvariant uit het
    proefschrift van Van der Aa: interventionist, regisseur of administrateur. De verhoudingen lijken op wat
    het onderzoek beschrijft, maar het zijn geen metingen. Trek er dus geen conclusies uit over echte
    gemeenten of echte mensen. Op de pagina *Over de data* in het boek staat welke waarden uit de bronnen
    komen en welke zijn aangenomen.
    """


# --------------------------------------------------------------------------------------------
# 1. Caseload verkennen (modules 1 and 5)
# --------------------------------------------------------------------------------------------

def caseload_verkennen() -> list:
    return [
        tekst("intro", """
            # Opdracht 1: Caseload verkennen

            *Hoort bij module 1 (Activeringswerk) en module 5 (Uitvoering en sturing).*

            Wie zit er eigenlijk in de caseload van een klantmanager, en hoe groot is die caseload? In het
            onderzoek van Van der Aa liepen de antwoorden sterk uiteen. Klantmanagers gaven zelf gemiddelden
            per team op die varieerden van 55 tot 330 cliënten; per uitvoeringsvariant kwam dat uit op
            gemiddeld 80 bij de interventionisten, 195 bij de regisseurs en 155 bij de administrateurs, die
            daarnaast ook nog het uitkeringsbeheer deden (Van der Aa, 2012, §7.3.1.3, tabel 7.4). De
            onderzoeker waarschuwt er direct bij dat een kaal getal weinig zegt zolang je niet weet welke
            taken een klantmanager voor die cliënten heeft (Van der Aa, 2012, §7.3.1.3).

            In deze opdracht verken je de synthetische caseloads van de cursus. Je oefent met laden,
            filteren, tellen en groeperen in pandas, en je denkt na over wat zulke tellingen wel en niet
            vertellen.

            **Na deze opdracht kun je**
            - een tabel laden en de kolommen bekijken;
            - rijen tellen en groeperen per gemeente, per klantmanager en per variant;
            - aandelen in procenten uitrekenen en twee kenmerken tegen elkaar uitzetten;
            - uitleggen waarom de omvang van een caseload niet hetzelfde is als de tijd die een cliënt krijgt.
            """),
        tekst("werkwijze", WERKWIJZE + DATA_NOOT),
        vaste_code("data", """
            import pandas as pd
            from activering.data import beschikbaar, load_table

            clients = load_table("clients")              # één rij per cliënt op 1 januari 2010
            klantmanagers = load_table("klantmanagers")  # één rij per klantmanager, met de caseload
            gemeenten = load_table("gemeenten")          # de drie fictieve gemeenten en hun variant

            gemeenten
            """),
        # --- vraag 1 ---------------------------------------------------------------------------
        tekst("vraag_aantal", """
            ## Vraag 1 – Hoeveel cliënten per gemeente? (2 punten)

            Maak een pandas Series `aantal_per_gemeente` met de naam van de gemeente als index en het aantal
            cliënten in `clients` als waarde.

            *Tip:* `value_counts()` of `groupby(...).size()`.
            """),
        antwoord("antwoord_aantal", """
            ### BEGIN SOLUTION
            aantal_per_gemeente = clients["gemeente"].value_counts()
            ### END SOLUTION
            aantal_per_gemeente
            """),
        toets("test_aantal_vorm", 1, """
            # Vorm: een Series met precies de drie gemeenten als index.
            assert isinstance(aantal_per_gemeente, pd.Series), "aantal_per_gemeente moet een pandas Series zijn"
            assert len(aantal_per_gemeente) == 3, "verwacht één waarde per gemeente"
            assert set(map(str, aantal_per_gemeente.index)) == set(gemeenten["gemeente"].astype(str)), \\
                "de index moet de namen van de gemeenten bevatten"
            print("Vorm in orde.")
            """),
        toets("test_aantal_waarde", 1, """
            # Samen moeten de gemeenten alle cliënten omvatten.
            assert int(aantal_per_gemeente.sum()) == len(clients), "de aantallen tellen niet op tot alle cliënten"
            ### BEGIN HIDDEN TESTS
            from collections import Counter
            _verwacht = Counter(load_table("clients")["gemeente"].astype(str))
            for _g, _n in _verwacht.items():
                assert int(aantal_per_gemeente[_g]) == _n, "het aantal klopt niet voor een gemeente"
            ### END HIDDEN TESTS
            """),
        # --- vraag 2 ---------------------------------------------------------------------------
        tekst("vraag_caseload", """
            ## Vraag 2 – Gemiddelde caseload per variant (3 punten)

            De tabel `klantmanagers` heeft een kolom `caseload` en een kolom `variant`. Maak een Series
            `gemiddelde_caseload` met de variant als index en de gemiddelde caseload van de klantmanagers in die
            variant als waarde. Rond niet af.

            *Tip:* denk bij een categorische kolom aan `groupby(..., observed=True)`.
            """),
        antwoord("antwoord_caseload", """
            ### BEGIN SOLUTION
            gemiddelde_caseload = klantmanagers.groupby("variant", observed=True)["caseload"].mean()
            ### END SOLUTION
            gemiddelde_caseload
            """),
        toets("test_caseload_vorm", 1, """
            assert isinstance(gemiddelde_caseload, pd.Series), "gemiddelde_caseload moet een pandas Series zijn"
            assert set(map(str, gemiddelde_caseload.index)) == set(klantmanagers["variant"].dropna().astype(str)), \\
                "de index moet de varianten bevatten (in de cursusdata alle drie)"
            print("Vorm in orde.")
            """, nodig=("klantmanagers.variant", "klantmanagers.caseload"), precisie="getal"),
        toets("test_caseload_waarde", 2, """
            # Een gemiddelde ligt altijd tussen de kleinste en de grootste caseload.
            _laag, _hoog = klantmanagers["caseload"].min(), klantmanagers["caseload"].max()
            assert all(_laag <= float(v) <= _hoog for v in gemiddelde_caseload), "een gemiddelde valt buiten het mogelijke bereik"
            ### BEGIN HIDDEN TESTS
            _km = load_table("klantmanagers")
            for _v in set(_km["variant"].dropna().astype(str)):
                _waarden = _km.loc[_km["variant"].astype(str) == _v, "caseload"].to_numpy(dtype=float)
                assert abs(float(gemiddelde_caseload[_v]) - _waarden.sum() / len(_waarden)) < 0.06, \\
                    "het gemiddelde klopt niet voor een variant"
            ### END HIDDEN TESTS
            """, nodig=("klantmanagers.variant", "klantmanagers.caseload"), precisie="getal"),
        # --- vraag 3 ---------------------------------------------------------------------------
        tekst("vraag_kansrijk", """
            ## Vraag 3 – Hoeveel cliënten gelden als kansrijk? (3 punten)

            De kolom `kansgroep` deelt cliënten in als `kansarm`, `middengroep` of `kansrijk`. Dat zijn de labels
            die Van der Aa zelf gebruikt voor de groepen waarin de drie steden hun cliënten in feite indeelden
            (Van der Aa, 2012, §7.2.1.1).

            Maak een Series `kansrijk_pct` met per gemeente het **percentage** (0–100) van de cliënten dat in de
            kansgroep `kansrijk` valt. Rond niet af.
            """),
        antwoord("antwoord_kansrijk", """
            ### BEGIN SOLUTION
            is_kansrijk = clients["kansgroep"] == "kansrijk"
            kansrijk_pct = is_kansrijk.groupby(clients["gemeente"], observed=True).mean() * 100
            ### END SOLUTION
            kansrijk_pct
            """),
        percentage_vorm("test_kansrijk_vorm", "kansrijk_pct", nodig=("clients.kansgroep",)),
        toets("test_kansrijk_waarde", 2, """
            assert float(kansrijk_pct.max()) > 1, "gebruik procenten (0-100), geen fracties (0-1)"
            ### BEGIN HIDDEN TESTS
            _c = load_table("clients")
            for _g in _c["gemeente"].astype(str).unique():
                _rijen = _c[_c["gemeente"].astype(str) == _g]
                _pct = 100 * sum(str(k) == "kansrijk" for k in _rijen["kansgroep"]) / len(_rijen)
                assert abs(float(kansrijk_pct[_g]) - _pct) < 0.06, "het percentage klopt niet voor een gemeente"
            ### END HIDDEN TESTS
            """, nodig=("clients.kansgroep",)),
        # --- vraag 4 ---------------------------------------------------------------------------
        tekst("vraag_per_km", """
            ## Vraag 4 – Caseloads per klantmanager (3 punten)

            a. Tel in `clients` hoeveel cliënten elke klantmanager (`km_id`) heeft. Sla het resultaat op als
               Series `per_km` met `km_id` als index.
            b. Zet in `km_grootste` de `km_id` (een tekst, bijvoorbeeld `"SYN-KM-0001"`) van de klantmanager met
               de meeste cliënten.

            Vergelijk je telling daarna voor jezelf met de kolom `caseload` in `klantmanagers`.
            """),
        antwoord("antwoord_per_km", """
            ### BEGIN SOLUTION
            per_km = clients.groupby("km_id").size()
            km_grootste = str(per_km.idxmax())
            ### END SOLUTION
            per_km.sort_values(ascending=False).head()
            """),
        toets("test_per_km_vorm", 1, """
            assert isinstance(per_km, pd.Series), "per_km moet een pandas Series zijn"
            assert len(per_km) == clients["km_id"].nunique(), "verwacht één waarde per klantmanager"
            assert int(per_km.sum()) == len(clients), "de aantallen tellen niet op tot alle cliënten"
            print("Vorm in orde.")
            """),
        toets("test_per_km_waarde", 1, """
            # Verborgen test: de telling per klantmanager wordt nagerekend.
            assert isinstance(per_km, pd.Series)
            ### BEGIN HIDDEN TESTS
            from collections import Counter
            _verwacht = Counter(load_table("clients")["km_id"].astype(str))
            for _km_id, _n in _verwacht.items():
                assert int(per_km[_km_id]) == _n, "de telling klopt niet voor een klantmanager"
            ### END HIDDEN TESTS
            """),
        toets("test_km_grootste", 1, """
            assert isinstance(km_grootste, str), "km_grootste moet een tekst zijn, zoals 'SYN-KM-0001'"
            assert km_grootste in set(klantmanagers["km_id"]), "dit is geen km_id uit de data"
            ### BEGIN HIDDEN TESTS
            from collections import Counter
            _telling = Counter(load_table("clients")["km_id"].astype(str))
            assert _telling[km_grootste] == max(_telling.values()), "deze klantmanager heeft niet de meeste cliënten"
            ### END HIDDEN TESTS
            """),
        # --- vraag 5 ---------------------------------------------------------------------------
        tekst("vraag_treden", """
            ## Vraag 5 – Treden per gemeente (3 punten)

            De kolom `trede` geeft de plek van een cliënt op een participatieladder van vijf treden (1 = niet te
            belasten met werk of traject, 5 = gedeeltelijk beschikbaar en aan het werk voor al die uren).

            Maak een DataFrame `treden_per_gemeente` met de gemeenten als rijen en de treden 1 tot en met 5 als
            kolommen. Elke cel is het **percentage** van de cliënten van die gemeente op die trede, zodat elke
            rij optelt tot 100.

            *Tip:* `pd.crosstab(..., normalize="index")`.
            """),
        antwoord("antwoord_treden", """
            ### BEGIN SOLUTION
            treden_per_gemeente = pd.crosstab(clients["gemeente"], clients["trede"], normalize="index") * 100
            ### END SOLUTION
            treden_per_gemeente.round(1)
            """),
        toets("test_treden_vorm", 1, """
            assert isinstance(treden_per_gemeente, pd.DataFrame), "treden_per_gemeente moet een DataFrame zijn"
            assert treden_per_gemeente.shape == (clients["gemeente"].nunique(), clients["trede"].nunique()), \\
                "verwacht een rij per gemeente en een kolom per trede (in de cursusdata 3 rijen en 5 kolommen)"
            _rijsom = treden_per_gemeente.sum(axis=1)
            assert all(abs(float(s) - 100) < 0.5 for s in _rijsom), "elke rij moet optellen tot 100 procent"
            print("Vorm in orde.")
            """, nodig=("clients.trede",)),
        toets("test_treden_waarde", 2, """
            # Verborgen test: de percentages worden per gemeente en trede nagerekend.
            assert isinstance(treden_per_gemeente, pd.DataFrame)
            ### BEGIN HIDDEN TESTS
            _c = load_table("clients")
            for _g in _c["gemeente"].astype(str).unique():
                _tredes = list(_c.loc[_c["gemeente"].astype(str) == _g, "trede"].dropna())
                for _t in set(_c["trede"].dropna()):
                    _pct = 100 * _tredes.count(_t) / len(_tredes)
                    assert abs(float(treden_per_gemeente.loc[_g, _t]) - _pct) < 0.06, "een percentage klopt niet"
            ### END HIDDEN TESTS
            """, nodig=("clients.trede",)),
        # --- reflectie -------------------------------------------------------------------------
        tekst("vraag_reflectie", """
            ## Vraag 6 – Reflectie: wat zegt de omvang van een caseload? (4 punten, nagekeken met een rubric)

            Bij de interventionisten van Lindeveen is de caseload het kleinst. Betekent dat dat hun cliënten
            meer aandacht krijgen dan de cliënten in Havenmonde of Duinwijck?

            Schrijf in 150 tot 250 woorden een onderbouwd antwoord in de cel hieronder (vervang de tekst
            `YOUR ANSWER HERE`). Gebruik:
            - minstens twee uitkomsten uit deze opdracht, met de getallen;
            - de kanttekening van Van der Aa over wat een caseload wel en niet zegt (2012, §7.3.1.3);
            - minstens één gegeven dat je extra nodig hebt om de vraag echt te beantwoorden, en waarom.
            """),
        reflectie("reflectie_caseload", 4, """
            *Voorbeeldantwoord voor de docent (staat niet in de studentversie). De getallen komen uit de
            standaardset van de cursusdata; met andere data veranderen ze.*

            In de data heeft een klantmanager in Lindeveen gemiddeld ongeveer 80 cliënten, tegen ongeveer 190 in
            Havenmonde en ruim 160 in Duinwijck. Op het eerste gezicht is er in Lindeveen dus veel meer tijd per
            cliënt. Maar Van der Aa (2012, §7.3.1.3) wijst erop dat je een caseload moet lezen naast het
            takenpakket: de administrateurs doen ook het uitkeringsbeheer, dus hun ruim 160 cliënten wegen
            zwaarder dan het getal doet vermoeden, terwijl regisseurs veel uitbesteden. De verdeling over de
            treden is in de drie gemeenten ongeveer gelijk, dus het verschil komt niet doordat de ene gemeente
            'makkelijkere' cliënten heeft. Om de vraag te beantwoorden wil ik weten hoeveel contact er
            werkelijk is (bijvoorbeeld de tabel contactmomenten), hoeveel uur een klantmanager aan activering
            besteedt en of die aandacht gelijk verdeeld is of naar een paar focusklanten gaat. De data zijn
            bovendien synthetisch, dus het gaat om oefenen met de redenering, niet om een uitspraak over echte
            gemeenten.
            """),
    ]


# --------------------------------------------------------------------------------------------
# 2. Sancties in cijfers (module 4)
# --------------------------------------------------------------------------------------------

def sancties_in_cijfers() -> list:
    return [
        tekst("intro", """
            # Opdracht 2: Sancties in cijfers

            *Hoort bij module 4 (Sancties).*

            Hoe hoog een maatregel kan zijn, legde elke gemeente vast in haar afstemmingsverordening. In 2010
            kende Den Haag kortingen van 30, 40 of 100 procent van de uitkeringsnorm, Amsterdam een bedrag van
            200 euro of 100 procent, en Rotterdam een trap van zes hoogten, van 5 tot 100 procent. Alle drie de
            steden kenden daarnaast de maatregelwaarschuwing: een korting van 0 procent, waarna een volgende
            overtreding van dezelfde soort twee keer zo zwaar kon worden bestraft (Van der Aa, 2012, §7.2.1.1). Óf er een maatregel kwam, hing
            in de praktijk ook af van de klantmanager: wie het druk had, zag er soms van af, zodat de ene cliënt
            een sanctie ontliep die een ander wel kreeg (Van der Aa, 2012, §6.5.2.4).

            De fictieve gemeenten in de data volgen deze drie regimes: Lindeveen dat van Amsterdam, Havenmonde dat
            van Rotterdam en Duinwijck dat van Den Haag. Je berekent hoe vaak en hoe zwaar er gesanctioneerd
            wordt, maakt een grafiek en denkt na over de vraag wat zulke cijfers zeggen over rechtvaardigheid.

            **Na deze opdracht kun je**
            - twee tabellen koppelen met `merge`;
            - een sanctiegraad per 100 cliënten en een aandeel in procenten berekenen;
            - een staafdiagram maken met Altair;
            - uitleggen wat sanctiecijfers wel en niet zeggen over een eerlijke behandeling van cliënten.
            """),
        tekst("werkwijze", WERKWIJZE + DATA_NOOT),
        vaste_code("data", """
            import pandas as pd
            import altair as alt
            from activering.data import beschikbaar, load_table

            clients = load_table("clients")                # één rij per cliënt
            sancties = load_table("sancties")              # één rij per maatregel (ook waarschuwingen) in 2010
            gemeenten = load_table("gemeenten")            # de drie fictieve gemeenten en hun variant
            sanctieregimes = load_table("sanctieregimes")  # hoogte per gemeente en soort gedraging

            sancties.head()
            """),
        # --- vraag 1 ---------------------------------------------------------------------------
        tekst("vraag_koppelen", """
            ## Vraag 1 – Bij welke gemeente hoort een maatregel? (2 punten)

            In `sancties` staat wel de cliënt, maar niet de gemeente. Koppel `sancties` aan `clients` zodat elke
            maatregel de kolommen `gemeente` en `trede` van de cliënt krijgt. Noem het resultaat `sancties_gem`.
            Het moet evenveel rijen hebben als `sancties`.

            *Tip:* `merge` met `on="client_id"` en `how="left"`; neem uit `clients` alleen de kolommen mee die
            je nodig hebt.
            """),
        antwoord("antwoord_koppelen", """
            ### BEGIN SOLUTION
            sancties_gem = sancties.merge(clients[["client_id", "gemeente", "trede"]], on="client_id", how="left")
            ### END SOLUTION
            sancties_gem.head()
            """),
        toets("test_koppelen_vorm", 1, """
            assert isinstance(sancties_gem, pd.DataFrame), "sancties_gem moet een DataFrame zijn"
            assert len(sancties_gem) == len(sancties), "er mogen geen maatregelen bijkomen of verdwijnen"
            assert {"sanctie_id", "gemeente", "trede"} <= set(sancties_gem.columns), "kolommen ontbreken"
            assert sancties_gem["gemeente"].notna().all(), "er zijn maatregelen zonder gemeente"
            print("Vorm in orde.")
            """, nodig=("sancties",)),
        toets("test_koppelen_waarde", 1, """
            # Verborgen test: de gemeente van elke maatregel wordt nagekeken.
            assert isinstance(sancties_gem, pd.DataFrame)
            ### BEGIN HIDDEN TESTS
            _c = load_table("clients")
            _gemeente_van = dict(zip(_c["client_id"].astype(str), _c["gemeente"].astype(str)))
            _s = load_table("sancties")
            _verwacht = {str(s): _gemeente_van[str(k)] for s, k in zip(_s["sanctie_id"], _s["client_id"])}
            _gevonden = dict(zip(sancties_gem["sanctie_id"].astype(str), sancties_gem["gemeente"].astype(str)))
            assert _gevonden == _verwacht, "niet elke maatregel heeft de juiste gemeente"
            ### END HIDDEN TESTS
            """, nodig=("sancties",)),
        # --- vraag 2 ---------------------------------------------------------------------------
        tekst("vraag_graad", """
            ## Vraag 2 – Sanctiegraad per 100 cliënten (3 punten)

            Een kaal aantal maatregelen zegt weinig, want de gemeenten zijn niet even groot. Alleen cliënten met
            een arbeids- of activeringsplicht kunnen een maatregel krijgen; in de data zijn dat de cliënten op
            trede 2 tot en met 5 (trede 1 is ontheven).

            Maak een Series `sanctiegraad` met per gemeente het aantal maatregelen (waarschuwingen meegeteld)
            **per 100 cliënten op trede 2–5** in die gemeente. Rond niet af.
            """),
        antwoord("antwoord_graad", """
            ### BEGIN SOLUTION
            maatregelen = sancties_gem.groupby("gemeente", observed=False).size()
            met_plicht = clients[clients["trede"] >= 2].groupby("gemeente", observed=False).size()
            sanctiegraad = maatregelen / met_plicht * 100
            ### END SOLUTION
            sanctiegraad
            """),
        per_gemeente_vorm("test_graad_vorm", "sanctiegraad", "waarde", "float(v) >= 0", "een sanctiegraad kan niet negatief zijn",
                          nodig=("sancties", "clients.trede")),
        toets("test_graad_waarde", 2, """
            # Verborgen test: de graad wordt per gemeente nagerekend.
            assert isinstance(sanctiegraad, pd.Series)
            ### BEGIN HIDDEN TESTS
            _c = load_table("clients")
            _s = load_table("sancties")
            _gemeente_van = dict(zip(_c["client_id"].astype(str), _c["gemeente"].astype(str)))
            for _g in set(_gemeente_van.values()):
                _teller = sum(_gemeente_van[str(k)] == _g for k in _s["client_id"])
                _noemer = int(((_c["gemeente"].astype(str) == _g) & (_c["trede"] > 1)).sum())
                assert abs(float(sanctiegraad[_g]) - 100 * _teller / _noemer) < 0.06, "de graad klopt niet voor een gemeente"
            ### END HIDDEN TESTS
            """, nodig=("sancties", "clients.trede")),
        # --- vraag 3 ---------------------------------------------------------------------------
        tekst("vraag_waarschuwing", """
            ## Vraag 3 – Hoe vaak is het een waarschuwing? (2 punten)

            Maak een Series `waarschuwing_pct` met per gemeente het **percentage** van de maatregelen dat een
            maatregelwaarschuwing is (kolom `waarschuwing`). Rond niet af.
            """),
        antwoord("antwoord_waarschuwing", """
            ### BEGIN SOLUTION
            waarschuwing_pct = sancties_gem.groupby("gemeente", observed=True)["waarschuwing"].mean().astype(float) * 100
            ### END SOLUTION
            waarschuwing_pct
            """),
        percentage_vorm("test_waarschuwing_vorm", "waarschuwing_pct", nodig=("sancties.waarschuwing",)),
        toets("test_waarschuwing_waarde", 1, """
            # Verborgen test: de percentages worden nagerekend.
            assert isinstance(waarschuwing_pct, pd.Series)
            ### BEGIN HIDDEN TESTS
            _c = load_table("clients")
            _s = load_table("sancties")
            _gemeente_van = dict(zip(_c["client_id"].astype(str), _c["gemeente"].astype(str)))
            _per_g = {}
            for _k, _w in zip(_s["client_id"], _s["waarschuwing"]):
                _per_g.setdefault(_gemeente_van[str(_k)], []).append(bool(_w))
            for _g, _lijst in _per_g.items():
                assert abs(float(waarschuwing_pct[_g]) - 100 * sum(_lijst) / len(_lijst)) < 0.06, \\
                    "het percentage klopt niet voor een gemeente"
            ### END HIDDEN TESTS
            """, nodig=("sancties.waarschuwing",)),
        # --- vraag 4 ---------------------------------------------------------------------------
        tekst("vraag_hoogte", """
            ## Vraag 4 – Hoe zwaar is een echte maatregel? (3 punten)

            Kijk nu alleen naar maatregelen die **geen** waarschuwing zijn en waarvan de hoogte in procenten is
            uitgedrukt (`hoogte_pct` is niet leeg). Maak een Series `gemiddelde_korting_pct` met per gemeente het
            gemiddelde van `hoogte_pct` over die maatregelen. Rond niet af.

            Let op: in Lindeveen is een deel van de maatregelen een vast bedrag in euro (`hoogte_eur`). Die
            vallen hier dus buiten. Houd dat in gedachten bij de reflectievraag.
            """),
        antwoord("antwoord_hoogte", """
            ### BEGIN SOLUTION
            echt = sancties_gem[~sancties_gem["waarschuwing"] & sancties_gem["hoogte_pct"].notna()]
            gemiddelde_korting_pct = echt.groupby("gemeente", observed=True)["hoogte_pct"].mean()
            ### END SOLUTION
            gemiddelde_korting_pct
            """),
        toets("test_hoogte_vorm", 1, """
            assert isinstance(gemiddelde_korting_pct, pd.Series), "gemiddelde_korting_pct moet een pandas Series zijn"
            assert 1 <= len(gemiddelde_korting_pct) <= 3, "verwacht hoogstens één waarde per gemeente"
            assert all(0 < float(v) <= 100 for v in gemiddelde_korting_pct.dropna()), \\
                "zonder waarschuwingen ligt een gemiddelde korting boven 0 en hoogstens op 100 procent"
            print("Vorm in orde.")
            """, nodig=("sancties.waarschuwing", "sancties.hoogte_pct"), precisie="getal"),
        toets("test_hoogte_waarde", 2, """
            # Verborgen test: de gemiddelden worden nagerekend.
            assert isinstance(gemiddelde_korting_pct, pd.Series)
            ### BEGIN HIDDEN TESTS
            _c = load_table("clients")
            _s = load_table("sancties")
            _gemeente_van = dict(zip(_c["client_id"].astype(str), _c["gemeente"].astype(str)))
            _per_g = {}
            for _k, _w, _p in zip(_s["client_id"], _s["waarschuwing"], _s["hoogte_pct"]):
                if not bool(_w) and not pd.isna(_p):
                    _per_g.setdefault(_gemeente_van[str(_k)], []).append(float(_p))
            assert len(_per_g) > 0
            for _g, _lijst in _per_g.items():
                assert abs(float(gemiddelde_korting_pct[_g]) - sum(_lijst) / len(_lijst)) < 0.06, \\
                    "het gemiddelde klopt niet voor een gemeente"
            ### END HIDDEN TESTS
            """, nodig=("sancties.waarschuwing", "sancties.hoogte_pct"), precisie="getal"),
        # --- vraag 5 ---------------------------------------------------------------------------
        tekst("vraag_grafiek", """
            ## Vraag 5 – Een grafiek van de sanctiegraad (3 punten)

            Maak met Altair een staafdiagram `grafiek` van je Series `sanctiegraad` uit vraag 2: de gemeente op
            de ene as, de sanctiegraad op de andere. Zet de Series eerst om in een DataFrame, bijvoorbeeld met
            `sanctiegraad.rename("per_100").reset_index()`, en gebruik die als data van de grafiek. Laat Altair
            zelf niets optellen of middelen: gebruik de kolommen zoals ze zijn.

            Geef de assen een duidelijke Nederlandse titel.
            """),
        antwoord("antwoord_grafiek", """
            ### BEGIN SOLUTION
            grafiek_data = sanctiegraad.rename("per_100").reset_index()
            grafiek = alt.Chart(grafiek_data).mark_bar().encode(
                x=alt.X("gemeente:N", title="Gemeente"),
                y=alt.Y("per_100:Q", title="Maatregelen per 100 cliënten op trede 2-5"),
            )
            ### END SOLUTION
            grafiek
            """),
        toets("test_grafiek_vorm", 1, """
            assert isinstance(grafiek, alt.Chart), "grafiek moet een alt.Chart zijn"
            _spec = grafiek.to_dict()
            _mark = _spec["mark"]["type"] if isinstance(_spec["mark"], dict) else _spec["mark"]
            assert _mark == "bar", "maak een staafdiagram (mark_bar)"
            print("Vorm in orde.")
            """, nodig=("sancties", "clients.trede")),
        toets("test_grafiek_waarde", 2, """
            # Verborgen test: de grafiek toont de gemeenten en hun sanctiegraad.
            assert isinstance(grafiek, alt.Chart)
            ### BEGIN HIDDEN TESTS
            _spec = grafiek.to_dict()
            _enc = _spec["encoding"]
            _velden = {_k: _enc[_k].get("field") for _k in ("x", "y") if _k in _enc}
            assert "gemeente" in _velden.values(), "de gemeente staat niet op een as"
            _waardeveld = [_v for _v in _velden.values() if _v != "gemeente"][0]
            assert all("aggregate" not in _enc[_k] for _k in _velden), "laat Altair niets optellen of middelen"
            if "datasets" in _spec:
                _rijen = [_r for _ds in _spec["datasets"].values() for _r in _ds]
            else:
                _rijen = _spec["data"]["values"]
            _getoond = {str(_r["gemeente"]): float(_r[_waardeveld]) for _r in _rijen if _r[_waardeveld] is not None}
            _c = load_table("clients")
            _s = load_table("sancties")
            _gemeente_van = dict(zip(_c["client_id"].astype(str), _c["gemeente"].astype(str)))
            for _g in set(_gemeente_van.values()):
                _teller = sum(_gemeente_van[str(k)] == _g for k in _s["client_id"])
                _noemer = int(((_c["gemeente"].astype(str) == _g) & (_c["trede"] > 1)).sum())
                assert abs(_getoond[_g] - 100 * _teller / _noemer) < 0.06, "de grafiek toont niet de juiste graad"
            ### END HIDDEN TESTS
            """, nodig=("sancties", "clients.trede")),
        # --- reflectie -------------------------------------------------------------------------
        tekst("vraag_reflectie", """
            ## Vraag 6 – Reflectie: zeggen deze cijfers iets over rechtvaardigheid? (5 punten, nagekeken met een rubric)

            Een wethouder ziet je grafiek en concludeert: "In de gemeente met de hoogste sanctiegraad worden
            cliënten strenger en dus oneerlijker behandeld." Schrijf in 200 tot 300 woorden een reactie in de cel
            hieronder (vervang `YOUR ANSWER HERE`). Behandel:
            - wat je cijfers **wel** laten zien, met minstens twee getallen uit deze opdracht;
            - minstens twee dingen die de cijfers **niet** laten zien (denk aan de verschillende regimes en
              eenheden, aan wie de noemer vormt, aan waarschuwingen, en aan beslissingen om géén maatregel op te
              leggen, die je in deze tabel niet ziet);
            - wat Van der Aa (2012, §6.5.2.4 of §7.2.1.1) hierover zegt, in je eigen woorden;
            - welke vraag je aan een klantmanager zou stellen om het beeld aan te vullen.
            """),
        reflectie("reflectie_sancties", 5, """
            *Voorbeeldantwoord voor de docent (staat niet in de studentversie). De getallen komen uit de
            standaardset van de cursusdata; met andere data veranderen ze.*

            De cijfers laten zien dat Lindeveen per 100 cliënten met een plicht veel vaker een maatregel oplegt
            dan Duinwijck, en dat een groot deel van de maatregelen in Lindeveen en Havenmonde een waarschuwing
            is, terwijl Duinwijck er geen gaf. Duinwijck telt wel maar een handvol maatregelen, dus een percentage
            daar kan door één geval al flink verschuiven. De cijfers zeggen niet dat cliënten in Lindeveen oneerlijk worden
            behandeld. Ten eerste hanteert elke gemeente een ander regime: de hoogten verschillen per
            verordening en Lindeveen rekent deels in euro's, zodat het gemiddelde percentage daar een deel van de
            maatregelen mist (Van der Aa, 2012, §7.2.1.1). Ten tweede zie je in deze tabel alleen opgelegde
            maatregelen. Of een klantmanager afziet van een sanctie, bijvoorbeeld omdat hij het te druk heeft of
            omdat een waarschuwing beter werkt, blijft onzichtbaar; Van der Aa laat zien dat zulke keuzes de
            uitkomst voor een cliënt onvoorspelbaar maken (2012, §6.5.2.4). Ten derde weet je niet of het gedrag
            van de cliënten vergelijkbaar was. Eerlijkheid gaat over gelijke gevallen gelijk behandelen, en dat
            kun je alleen beoordelen als je weet wat er in elk geval gebeurde. Aan een klantmanager zou ik vragen
            in welke situaties hij bewust geen maatregel oplegt en hoe hij dat vastlegt. De data zijn
            synthetisch, dus het gaat om de redenering.
            """),
    ]


# --------------------------------------------------------------------------------------------
# 3. Diagnose en trede (module 3)
# --------------------------------------------------------------------------------------------

def diagnose_en_trede() -> list:
    return [
        tekst("intro", """
            # Opdracht 3: Diagnose en trede

            *Hoort bij module 3 (Diagnose).*

            In Amsterdam bepaalde de klantmanager met een instrument in het klantsysteem, de trajectenplanner,
            op welke trede van een ladder met vijf treden een cliënt stond. Elke trede was omschreven in termen
            van belemmeringen: van medische of psychische problemen waardoor iemand helemaal niet te belasten is
            (trede 1), via zware en gemiddelde belemmeringen (treden 2 en 3), tot hoogstens een lichte belemmering
            (trede 4). Trede 5 was bedoeld voor wie maar een deel van de week beschikbaar is en die uren ook werkt.
            Van der Aa merkt op dat zulke omschrijvingen weinig houvast geven: wat een 'lichte' of 'gemiddelde'
            belemmering is, moest de klantmanager in gesprekken zelf invullen (Van der Aa, 2012, §7.3.2.1). Een
            regisseur zei het scherper: als een cliënt met hetzelfde verhaal bij vier collega's komt, kan hij vier
            verschillende trajecten krijgen (Van der Aa, 2012, §6.5.3).

            In de synthetische data is de trede de geregistreerde samenvatting van de belemmeringen: een aparte
            kolom met belemmeringen is er niet. Je bekijkt de verdeling over de treden, de samenhang met de duur
            van de uitkering en de koppeling tussen trede en gekozen traject.

            **Na deze opdracht kun je**
            - een verdeling in procenten berekenen en twee kenmerken in een kruistabel zetten;
            - een mediaan per groep berekenen en uitleggen waarom die hier beter past dan een gemiddelde;
            - trajecten aan cliënten koppelen en per trede tellen;
            - kritisch beschrijven wat een registratie van de diagnose wel en niet laat zien.
            """),
        tekst("werkwijze", WERKWIJZE + DATA_NOOT),
        vaste_code("data", """
            import pandas as pd
            from activering.data import beschikbaar, load_table

            clients = load_table("clients")      # één rij per cliënt, met trede en uitkeringsduur
            trajecten = load_table("trajecten")  # trajecten die in 2010 starten

            clients[["client_id", "gemeente", "trede", "kansgroep", "uitkeringsduur_maanden", "uitkeringsduur_klasse"]].head()
            """),
        # --- vraag 1 ---------------------------------------------------------------------------
        tekst("vraag_verdeling", """
            ## Vraag 1 – Verdeling over de treden (2 punten)

            Maak een Series `verdeling_trede` met de treden 1 tot en met 5 als index (van laag naar hoog) en het
            **percentage** van alle cliënten op die trede als waarde. Rond niet af.
            """),
        antwoord("antwoord_verdeling", """
            ### BEGIN SOLUTION
            verdeling_trede = clients["trede"].value_counts(normalize=True).sort_index() * 100
            ### END SOLUTION
            verdeling_trede
            """),
        toets("test_verdeling_vorm", 1, """
            assert isinstance(verdeling_trede, pd.Series), "verdeling_trede moet een pandas Series zijn"
            assert list(verdeling_trede.index) == sorted(clients["trede"].dropna().unique()), \\
                "de index moet de treden zijn, oplopend (in de cursusdata 1 tot en met 5)"
            assert abs(float(verdeling_trede.sum()) - 100) < 0.5, "de percentages moeten optellen tot 100"
            print("Vorm in orde.")
            """, nodig=("clients.trede",)),
        toets("test_verdeling_waarde", 1, """
            # Verborgen test: de percentages worden nagerekend.
            assert isinstance(verdeling_trede, pd.Series)
            ### BEGIN HIDDEN TESTS
            _tredes = list(load_table("clients")["trede"].dropna())
            for _t in set(_tredes):
                assert abs(float(verdeling_trede[_t]) - 100 * _tredes.count(_t) / len(_tredes)) < 0.06, \\
                    "een percentage klopt niet"
            ### END HIDDEN TESTS
            """, nodig=("clients.trede",)),
        # --- vraag 2 ---------------------------------------------------------------------------
        tekst("vraag_mediaan", """
            ## Vraag 2 – Hoe lang al in de uitkering? (2 punten)

            Maak een Series `mediane_duur` met per trede (index 1 tot en met 5) de **mediaan** van
            `uitkeringsduur_maanden`.

            Waarom een mediaan? Een paar cliënten zitten al tientallen jaren in de uitkering. Die trekken een
            gemiddelde omhoog, een mediaan niet.
            """),
        antwoord("antwoord_mediaan", """
            ### BEGIN SOLUTION
            mediane_duur = clients.groupby("trede")["uitkeringsduur_maanden"].median()
            ### END SOLUTION
            mediane_duur
            """),
        toets("test_mediaan_vorm", 1, """
            assert isinstance(mediane_duur, pd.Series), "mediane_duur moet een pandas Series zijn"
            assert sorted(mediane_duur.dropna().index) == sorted(clients["trede"].dropna().unique()), "verwacht één waarde per trede"
            _max = clients["uitkeringsduur_maanden"].max()
            assert all(0 <= float(v) <= _max for v in mediane_duur.dropna()), "een mediaan valt buiten het mogelijke bereik"
            print("Vorm in orde.")
            """, nodig=("clients.trede", "clients.uitkeringsduur_maanden"), precisie="getal"),
        toets("test_mediaan_waarde", 1, """
            # Verborgen test: de medianen worden nagerekend.
            assert isinstance(mediane_duur, pd.Series)
            ### BEGIN HIDDEN TESTS
            import statistics as _st
            _c = load_table("clients")
            _bekend = _c.dropna(subset=["trede", "uitkeringsduur_maanden"])
            for _t in set(_bekend["trede"]):
                _duren = [int(d) for d, tr in zip(_bekend["uitkeringsduur_maanden"], _bekend["trede"]) if tr == _t]
                assert abs(float(mediane_duur[_t]) - _st.median(_duren)) < 0.06, "een mediaan klopt niet"
            ### END HIDDEN TESTS
            """, nodig=("clients.trede", "clients.uitkeringsduur_maanden"), precisie="getal"),
        # --- vraag 3 ---------------------------------------------------------------------------
        tekst("vraag_kruistabel", """
            ## Vraag 3 – Trede en duur in één tabel (3 punten)

            Maak een kruistabel `duur_per_trede` met de treden als rijen en de klassen van
            `uitkeringsduur_klasse` als kolommen (`<1 jaar`, `1-2 jaar`, `2-5 jaar`, `5+ jaar`). Elke cel is het
            **percentage** van de cliënten op die trede dat in die duurklasse valt; elke rij telt dus op tot 100.
            """),
        antwoord("antwoord_kruistabel", """
            ### BEGIN SOLUTION
            duur_per_trede = pd.crosstab(clients["trede"], clients["uitkeringsduur_klasse"], normalize="index") * 100
            ### END SOLUTION
            duur_per_trede.round(1)
            """),
        toets("test_kruistabel_vorm", 1, """
            assert isinstance(duur_per_trede, pd.DataFrame), "duur_per_trede moet een DataFrame zijn"
            assert duur_per_trede.shape == (clients["trede"].nunique(), clients["uitkeringsduur_klasse"].nunique()), \\
                "verwacht een rij per trede en een kolom per duurklasse (in de cursusdata 5 rijen en 4 kolommen)"
            assert all(abs(float(s) - 100) < 0.5 for s in duur_per_trede.sum(axis=1)), "elke rij moet optellen tot 100"
            print("Vorm in orde.")
            """, nodig=("clients.trede", "clients.uitkeringsduur_klasse")),
        toets("test_kruistabel_waarde", 2, """
            # Verborgen test: de percentages worden per trede en duurklasse nagerekend.
            assert isinstance(duur_per_trede, pd.DataFrame)
            ### BEGIN HIDDEN TESTS
            from collections import Counter
            _c = load_table("clients")
            _c = _c.dropna(subset=["trede", "uitkeringsduur_klasse"])
            _paren = Counter(zip(_c["trede"], _c["uitkeringsduur_klasse"].astype(str)))
            _per_trede = Counter(_c["trede"])
            for _t in set(_c["trede"]):
                for _k in set(_c["uitkeringsduur_klasse"].astype(str)):
                    _pct = 100 * _paren[(_t, _k)] / _per_trede[_t]
                    assert abs(float(duur_per_trede.loc[_t, _k]) - _pct) < 0.06, "een percentage klopt niet"
            ### END HIDDEN TESTS
            """, nodig=("clients.trede", "clients.uitkeringsduur_klasse")),
        # --- vraag 4 ---------------------------------------------------------------------------
        tekst("vraag_trajecten", """
            ## Vraag 4 – Welke trajecten bij welke trede? (3 punten)

            Koppel `trajecten` aan `clients` zodat je bij elk traject de trede van de cliënt kent. Maak daarna een
            kruistabel `trajecten_trede` met de treden als rijen, de soorten traject (kolom `soort`) als kolommen
            en het **aantal** trajecten als waarde.
            """),
        antwoord("antwoord_trajecten", """
            ### BEGIN SOLUTION
            trajecten_met_trede = trajecten.merge(clients[["client_id", "trede", "gemeente"]], on="client_id", how="left")
            trajecten_trede = pd.crosstab(trajecten_met_trede["trede"], trajecten_met_trede["soort"])
            ### END SOLUTION
            trajecten_trede
            """),
        toets("test_trajecten_vorm", 1, """
            assert isinstance(trajecten_trede, pd.DataFrame), "trajecten_trede moet een DataFrame zijn"
            assert int(trajecten_trede.to_numpy().sum()) == len(trajecten), "elk traject moet precies één keer geteld zijn"
            assert set(map(str, trajecten_trede.columns)) <= set(trajecten["soort"].cat.categories), \\
                "de kolommen moeten soorten traject zijn"
            print("Vorm in orde.")
            """, nodig=("trajecten", "clients.trede")),
        toets("test_trajecten_waarde", 2, """
            # Verborgen test: de aantallen worden per trede en soort nagerekend.
            assert isinstance(trajecten_trede, pd.DataFrame)
            ### BEGIN HIDDEN TESTS
            from collections import Counter
            _c = load_table("clients")
            _trede_van = dict(zip(_c["client_id"].astype(str), (int(t) for t in _c["trede"])))
            _tr = load_table("trajecten")
            _telling = Counter((_trede_van[str(k)], str(s)) for k, s in zip(_tr["client_id"], _tr["soort"]))
            _tabel = {(int(r), str(k)): int(trajecten_trede.loc[r, k]) for r in trajecten_trede.index for k in trajecten_trede.columns}
            for _sleutel in set(_telling) | set(_tabel):
                assert _tabel.get(_sleutel, 0) == _telling.get(_sleutel, 0), "een aantal klopt niet"
            ### END HIDDEN TESTS
            """, nodig=("trajecten", "clients.trede")),
        # --- vraag 5 ---------------------------------------------------------------------------
        tekst("vraag_deelname", """
            ## Vraag 5 – Wie krijgt een traject? (3 punten)

            Cliënten op trede 1 zijn ontheven; van de anderen wordt verwacht dat ze aan iets deelnemen. Maak een
            Series `deelname_pct` met per gemeente het **percentage** van de cliënten op trede 2 tot en met 5 dat
            in 2010 minstens één traject start. Rond niet af.

            *Tip:* `clients["client_id"].isin(trajecten["client_id"])` geeft per cliënt `True` of `False`.
            """),
        antwoord("antwoord_deelname", """
            ### BEGIN SOLUTION
            met_plicht = clients[clients["trede"] >= 2]
            heeft_traject = met_plicht["client_id"].isin(trajecten["client_id"])
            deelname_pct = heeft_traject.groupby(met_plicht["gemeente"], observed=True).mean() * 100
            ### END SOLUTION
            deelname_pct
            """),
        percentage_vorm("test_deelname_vorm", "deelname_pct", nodig=("trajecten", "clients.trede")),
        toets("test_deelname_waarde", 2, """
            assert float(deelname_pct.max()) > 1, "gebruik procenten (0-100), geen fracties (0-1)"
            ### BEGIN HIDDEN TESTS
            _c = load_table("clients")
            _met_traject = set(load_table("trajecten")["client_id"].astype(str))
            _tellers = {}
            for _k, _g, _t in zip(_c["client_id"].astype(str), _c["gemeente"].astype(str), _c["trede"]):
                if int(_t) >= 2:
                    _ja, _alle = _tellers.get(_g, (0, 0))
                    _tellers[_g] = (_ja + (_k in _met_traject), _alle + 1)
            for _g, (_ja, _alle) in _tellers.items():
                assert abs(float(deelname_pct[_g]) - 100 * _ja / _alle) < 0.06, "het percentage klopt niet voor een gemeente"
            ### END HIDDEN TESTS
            """, nodig=("trajecten", "clients.trede"), precisie="getal"),
        # --- reflectie -------------------------------------------------------------------------
        tekst("vraag_reflectie", """
            ## Vraag 6 – Reflectie: wat vertelt een trede over de diagnose? (5 punten, nagekeken met een rubric)

            Een beleidsmedewerker kijkt naar je kruistabel van vraag 4 en concludeert: "De trede bepaalt welk
            traject iemand krijgt, dus de diagnose werkt eenduidig." Klopt dat? Kijk voordat je schrijft ook naar
            de kolom `begeleiding_naar_werk`, en maak eventueel (ongenummerd, voor jezelf) dezelfde kruistabel per
            gemeente.

            Schrijf in 200 tot 300 woorden een antwoord in de cel hieronder (vervang `YOUR ANSWER HERE`). Behandel:
            - wat je uitkomsten laten zien over trede, uitkeringsduur en trajecten, met minstens twee getallen;
            - waarom een sterke samenhang in een registratie nog niets zegt over de kwaliteit van het gesprek
              waarin de trede is bepaald (gebruik Van der Aa, 2012, §7.3.2.1 of §6.5.3);
            - wat er in deze data ontbreekt om belemmeringen echt in beeld te krijgen;
            - hoe de verschillen in deelname tussen de gemeenten (vraag 5) samen kunnen hangen met de manier van
              werken, en waarom je dat uit deze cijfers alleen niet kunt bewijzen.
            """),
        reflectie("reflectie_diagnose", 5, """
            *Voorbeeldantwoord voor de docent (staat niet in de studentversie). De getallen komen uit de
            standaardset van de cursusdata; met andere data veranderen ze.*

            Hoe lager de trede, hoe langer cliënten al in de uitkering zitten: de mediane duur op trede 1 is ruim
            vier jaar, op trede 4 minder dan een jaar. In de kruistabel horen bij elke trede maar een paar soorten
            traject: sociale activering en participatieplaatsen alleen op trede 2, werkervaringsplaatsen en
            praktijktrainingen op trede 3. Toch klopt de conclusie niet. Begeleiding naar werk komt op elke trede
            voor, ook op trede 2, en per gemeente bekeken blijkt dat vooral in Lindeveen, waar de klantmanagers
            zelf begeleiden. Het traject hangt dus ook af van de werkwijze van de gemeente, niet alleen van de
            trede. En waar de samenhang wel strak is, zegt die vooral iets over de registratie: wie op een trede
            staat, komt in aanmerking voor de trajecten die bij die trede horen. Of de trede zelf goed is bepaald,
            zie je er niet aan. Van der Aa (2012, §7.3.2.1) laat zien dat de omschrijvingen van de treden vaag zijn
            en in gesprekken moeten worden ingevuld, en klantmanagers gaven zelf aan dat dezelfde cliënt bij
            verschillende collega's een ander traject kan krijgen (§6.5.3). In de synthetische data is de koppeling
            bovendien door de maker ingebouwd. Om belemmeringen echt te zien, heb je gegevens nodig over
            gezondheid, schulden, zorgtaken, taal en motivatie, en over wat de cliënt zelf wil. De deelname aan
            trajecten verschilt sterk tussen de gemeenten; dat past bij een variant die zelf begeleidt tegenover
            een variant die activering naast het uitkeringsbeheer doet, maar de cijfers laten niet zien waardoor
            het verschil ontstaat. Daarvoor zou je met klantmanagers moeten praten.
            """),
    ]


# --------------------------------------------------------------------------------------------
# 4. Contact en uitstroom (module 5)
# --------------------------------------------------------------------------------------------

def contact_en_uitstroom() -> list:
    return [
        tekst("intro", """
            # Opdracht 4: Contact en uitstroom

            *Hoort bij module 5 (Uitvoering en sturing).*

            Hoe vaak een klantmanager een cliënt spreekt, verschilde sterk per manier van werken. Een
            interventionist vertelde dat een zelfstandige cliënt eens in de twee weken een mailtje met
            sollicitaties stuurde, terwijl minder gemotiveerde cliënten hem soms drie keer per week hoorden (Van
            der Aa, 2012, §6.4.3.1). De administrateurs in Den Haag zagen hun cliënten gemiddeld één keer per jaar
            (Van der Aa, 2012, §6.3.4). Tegelijk werd er gestuurd op uitstroom, waarbij elke vorm van uitstroom
            meetelde, ook als die niet naar werk was (Van der Aa, 2012, §7.3.2.2).

            Is meer contact dus de sleutel tot meer uitstroom? In deze opdracht koppel je contactmomenten en
            uitstroom aan cliënten, maak je een tijdreeks per maand en vergelijk je groepen. Daarna denk je na
            over wat zo'n vergelijking kan verklaren en wat niet. Van der Aa wijst er zelf op dat zijn onderzoek
            verkennend is en geen statistisch bewijs voor oorzaak en gevolg wil leveren (2012, §7.1).

            **Na deze opdracht kun je**
            - gebeurtenissen per cliënt tellen en met een left join aan alle cliënten koppelen, ook aan wie geen
              contact had;
            - een tijdreeks per maand maken;
            - aandelen uitstroom en uitstroom naar werk berekenen;
            - uitleggen waarom een samenhang tussen contact en uitstroom nog geen oorzaak is.
            """),
        tekst("werkwijze", WERKWIJZE + DATA_NOOT),
        vaste_code("data", """
            import pandas as pd
            from activering.data import beschikbaar, load_table

            clients = load_table("clients")                  # één rij per cliënt op 1 januari 2010
            contactmomenten = load_table("contactmomenten")  # één rij per contact in 2010
            uitstroom = load_table("uitstroom")              # cliënten die in 2010 uitstromen, met datum en reden

            contactmomenten.head()
            """),
        # --- vraag 1 ---------------------------------------------------------------------------
        tekst("vraag_per_client", """
            ## Vraag 1 – Contacten per cliënt (3 punten)

            Maak een DataFrame `clients_contact`: alle rijen van `clients`, met een extra kolom `aantal_contacten`
            die zegt hoeveel contactmomenten de cliënt in 2010 had. Cliënten zonder contact krijgen 0, niet een
            lege waarde.

            *Tip:* tel eerst per `client_id` met `groupby(...).size()`, koppel dat met `how="left"` aan `clients`
            en vul lege waarden met `fillna(0)`.
            """),
        antwoord("antwoord_per_client", """
            ### BEGIN SOLUTION
            per_client = contactmomenten.groupby("client_id").size().rename("aantal_contacten")
            clients_contact = clients.merge(per_client, left_on="client_id", right_index=True, how="left")
            clients_contact["aantal_contacten"] = clients_contact["aantal_contacten"].fillna(0).astype(int)
            ### END SOLUTION
            clients_contact[["client_id", "gemeente", "trede", "aantal_contacten"]].head()
            """),
        toets("test_per_client_vorm", 1, """
            assert isinstance(clients_contact, pd.DataFrame), "clients_contact moet een DataFrame zijn"
            assert len(clients_contact) == len(clients), "verwacht precies één rij per cliënt"
            assert {"client_id", "gemeente", "aantal_contacten"} <= set(clients_contact.columns), "kolommen ontbreken"
            assert clients_contact["aantal_contacten"].notna().all(), "vul lege waarden met 0"
            assert int(clients_contact["aantal_contacten"].sum()) == len(contactmomenten), \\
                "samen moeten de cliënten alle contactmomenten hebben"
            print("Vorm in orde.")
            """),
        toets("test_per_client_waarde", 2, """
            # Verborgen test: het aantal contacten wordt per cliënt nagerekend.
            assert isinstance(clients_contact, pd.DataFrame)
            ### BEGIN HIDDEN TESTS
            from collections import Counter
            _telling = Counter(load_table("contactmomenten")["client_id"].astype(str))
            _gevonden = dict(zip(clients_contact["client_id"].astype(str), clients_contact["aantal_contacten"]))
            for _k in load_table("clients")["client_id"].astype(str):
                assert int(_gevonden[_k]) == _telling.get(_k, 0), "het aantal contacten klopt niet voor een cliënt"
            ### END HIDDEN TESTS
            """),
        # --- vraag 2 ---------------------------------------------------------------------------
        tekst("vraag_gemiddeld", """
            ## Vraag 2 – Gemiddeld contact per gemeente (2 punten)

            Maak een Series `gem_contact` met per gemeente het gemiddelde aantal contactmomenten per cliënt in
            2010. Tel cliënten zonder contact mee (met 0). Rond niet af.
            """),
        antwoord("antwoord_gemiddeld", """
            ### BEGIN SOLUTION
            gem_contact = clients_contact.groupby("gemeente", observed=True)["aantal_contacten"].mean()
            ### END SOLUTION
            gem_contact
            """),
        per_gemeente_vorm("test_gemiddeld_vorm", "gem_contact", "waarde", "float(v) >= 0", "een gemiddeld aantal kan niet negatief zijn",
                          nodig=("contactmomenten",)),
        toets("test_gemiddeld_waarde", 1, """
            # Verborgen test: de gemiddelden worden nagerekend, met cliënten zonder contact erbij.
            assert isinstance(gem_contact, pd.Series)
            ### BEGIN HIDDEN TESTS
            _c = load_table("clients")
            _gemeente_van = dict(zip(_c["client_id"].astype(str), _c["gemeente"].astype(str)))
            _contacten, _personen = {}, {}
            for _g in _gemeente_van.values():
                _personen[_g] = _personen.get(_g, 0) + 1
            for _k in load_table("contactmomenten")["client_id"].astype(str):
                _g = _gemeente_van[_k]
                _contacten[_g] = _contacten.get(_g, 0) + 1
            for _g, _n in _personen.items():
                assert abs(float(gem_contact[_g]) - _contacten.get(_g, 0) / _n) < 0.06, "het gemiddelde klopt niet voor een gemeente"
            ### END HIDDEN TESTS
            """, nodig=("contactmomenten",)),
        # --- vraag 3 ---------------------------------------------------------------------------
        tekst("vraag_tijdreeks", """
            ## Vraag 3 – Contact door het jaar heen (3 punten)

            Maak een tijdreeks: een DataFrame `per_maand` met de maandnummers 1 tot en met 12 als index, de drie
            gemeenten als kolommen en het **aantal** contactmomenten in die maand als waarde.

            *Tip:* koppel eerst de gemeente aan `contactmomenten`; `datum.dt.month` geeft het maandnummer, en
            `pd.crosstab` of `groupby(...).size().unstack()` zet het in de goede vorm.

            Kijk daarna voor jezelf naar de reeks, bijvoorbeeld met `per_maand.plot()` of een Altair-lijngrafiek.
            Neemt het aantal contacten in de loop van het jaar af, en waar zou dat door kunnen komen?
            """),
        antwoord("antwoord_tijdreeks", """
            ### BEGIN SOLUTION
            contact_gem = contactmomenten.merge(clients[["client_id", "gemeente"]], on="client_id", how="left")
            per_maand = pd.crosstab(contact_gem["datum"].dt.month, contact_gem["gemeente"])
            ### END SOLUTION
            per_maand
            """),
        toets("test_tijdreeks_vorm", 1, """
            assert isinstance(per_maand, pd.DataFrame), "per_maand moet een DataFrame zijn"
            _maanden = sorted(int(m) for m in contactmomenten["datum"].dt.month.dropna().unique())
            assert per_maand.shape == (len(_maanden), clients["gemeente"].nunique()), \\
                "verwacht een rij per maand en een kolom per gemeente (in de cursusdata 12 rijen en 3 kolommen)"
            assert sorted(int(m) for m in per_maand.index) == _maanden, "de index moet de maandnummers zijn (1 tot en met 12)"
            assert int(per_maand.to_numpy().sum()) == int(contactmomenten["datum"].notna().sum()), \\
                "elk contact moet precies één keer geteld zijn"
            print("Vorm in orde.")
            """, nodig=("contactmomenten.datum",), precisie="maand"),
        toets("test_tijdreeks_waarde", 2, """
            # Verborgen test: de aantallen worden per maand en gemeente nagerekend.
            assert isinstance(per_maand, pd.DataFrame)
            ### BEGIN HIDDEN TESTS
            from collections import Counter
            _c = load_table("clients")
            _gemeente_van = dict(zip(_c["client_id"].astype(str), _c["gemeente"].astype(str)))
            _cm = load_table("contactmomenten")
            _telling = Counter((d.month, _gemeente_van[str(k)]) for d, k in zip(_cm["datum"], _cm["client_id"]) if not pd.isna(d))
            for (_m, _g), _n in _telling.items():
                assert int(per_maand.loc[_m, _g]) == _n, "een aantal klopt niet"
            ### END HIDDEN TESTS
            """, nodig=("contactmomenten.datum",), precisie="maand"),
        # --- vraag 4 ---------------------------------------------------------------------------
        tekst("vraag_uitstroom", """
            ## Vraag 4 – Uitstroom en uitstroom naar werk (3 punten)

            Maak een DataFrame `uitstroom_pct` met de gemeenten als rijen en twee kolommen:
            - `uitstroom`: het percentage van de cliënten van die gemeente dat in 2010 uit de uitkering stroomt
              (om welke reden dan ook);
            - `naar_werk`: het percentage van de cliënten van die gemeente dat in 2010 uitstroomt met reden `werk`.

            Beide percentages hebben **alle cliënten** van de gemeente als noemer. Rond niet af.
            """),
        antwoord("antwoord_uitstroom", """
            ### BEGIN SOLUTION
            reden = clients["client_id"].map(uitstroom.set_index("client_id")["reden"].astype(str))
            uitstroom_pct = pd.DataFrame({
                "uitstroom": reden.notna().groupby(clients["gemeente"], observed=True).mean() * 100,
                "naar_werk": (reden == "werk").groupby(clients["gemeente"], observed=True).mean() * 100,
            })
            ### END SOLUTION
            uitstroom_pct
            """),
        toets("test_uitstroom_vorm", 1, """
            assert isinstance(uitstroom_pct, pd.DataFrame), "uitstroom_pct moet een DataFrame zijn"
            assert {"uitstroom", "naar_werk"} <= set(uitstroom_pct.columns), "de kolommen uitstroom en naar_werk ontbreken"
            assert len(uitstroom_pct) == clients["gemeente"].nunique(), "verwacht één rij per gemeente"
            assert ((uitstroom_pct[["uitstroom", "naar_werk"]] >= 0) & (uitstroom_pct[["uitstroom", "naar_werk"]] <= 100)).all().all(), \\
                "een percentage ligt tussen 0 en 100"
            assert (uitstroom_pct["naar_werk"] <= uitstroom_pct["uitstroom"] + 1e-9).all(), \\
                "uitstroom naar werk kan niet groter zijn dan alle uitstroom"
            print("Vorm in orde.")
            """, nodig=("uitstroom",)),
        toets("test_uitstroom_waarde", 2, """
            # Verborgen test: beide percentages worden per gemeente nagerekend.
            assert isinstance(uitstroom_pct, pd.DataFrame)
            ### BEGIN HIDDEN TESTS
            _c = load_table("clients")
            _u = load_table("uitstroom")
            _reden_van = dict(zip(_u["client_id"].astype(str), _u["reden"].astype(str)))
            _tel = {}
            for _k, _g in zip(_c["client_id"].astype(str), _c["gemeente"].astype(str)):
                _alle, _uit, _werk = _tel.get(_g, (0, 0, 0))
                _tel[_g] = (_alle + 1, _uit + (_k in _reden_van), _werk + (_reden_van.get(_k) == "werk"))
            for _g, (_alle, _uit, _werk) in _tel.items():
                assert abs(float(uitstroom_pct.loc[_g, "uitstroom"]) - 100 * _uit / _alle) < 0.06, "uitstroom klopt niet"
                assert abs(float(uitstroom_pct.loc[_g, "naar_werk"]) - 100 * _werk / _alle) < 0.06, "naar_werk klopt niet"
            ### END HIDDEN TESTS
            """, nodig=("uitstroom",)),
        # --- vraag 5 ---------------------------------------------------------------------------
        tekst("vraag_vergelijking", """
            ## Vraag 5 – Hebben uitgestroomde cliënten meer contact gehad? (3 punten)

            Maak een DataFrame `contact_naar_uitstroom` met de gemeenten als rijen en twee kolommen:
            - `uitgestroomd`: het gemiddelde aantal contactmomenten in 2010 van de cliënten die in 2010 uitstroomden;
            - `gebleven`: hetzelfde voor de cliënten die niet uitstroomden.

            Gebruik `clients_contact` uit vraag 1. Rond niet af.
            """),
        antwoord("antwoord_vergelijking", """
            ### BEGIN SOLUTION
            is_uit = clients_contact["client_id"].isin(uitstroom["client_id"])
            contact_naar_uitstroom = pd.DataFrame({
                "uitgestroomd": clients_contact[is_uit].groupby("gemeente", observed=True)["aantal_contacten"].mean(),
                "gebleven": clients_contact[~is_uit].groupby("gemeente", observed=True)["aantal_contacten"].mean(),
            })
            ### END SOLUTION
            contact_naar_uitstroom
            """),
        toets("test_vergelijking_vorm", 1, """
            assert isinstance(contact_naar_uitstroom, pd.DataFrame), "contact_naar_uitstroom moet een DataFrame zijn"
            assert {"uitgestroomd", "gebleven"} <= set(contact_naar_uitstroom.columns), "de kolommen uitgestroomd en gebleven ontbreken"
            assert len(contact_naar_uitstroom) == clients["gemeente"].nunique(), "verwacht één rij per gemeente"
            assert (contact_naar_uitstroom[["uitgestroomd", "gebleven"]] >= 0).all().all(), "een gemiddeld aantal kan niet negatief zijn"
            print("Vorm in orde.")
            """, nodig=("uitstroom",)),
        toets("test_vergelijking_waarde", 2, """
            # Verborgen test: de gemiddelden worden per gemeente en groep nagerekend.
            assert isinstance(contact_naar_uitstroom, pd.DataFrame)
            ### BEGIN HIDDEN TESTS
            from collections import Counter
            _c = load_table("clients")
            _uit = set(load_table("uitstroom")["client_id"].astype(str))
            _telling = Counter(load_table("contactmomenten")["client_id"].astype(str))
            _som, _n = Counter(), Counter()
            for _k, _g in zip(_c["client_id"].astype(str), _c["gemeente"].astype(str)):
                _groep = "uitgestroomd" if _k in _uit else "gebleven"
                _som[(_g, _groep)] += _telling.get(_k, 0)
                _n[(_g, _groep)] += 1
            for (_g, _groep), _aantal in _n.items():
                assert abs(float(contact_naar_uitstroom.loc[_g, _groep]) - _som[(_g, _groep)] / _aantal) < 0.06, \\
                    "een gemiddelde klopt niet"
            ### END HIDDEN TESTS
            """, nodig=("uitstroom",)),
        # --- reflectie -------------------------------------------------------------------------
        tekst("vraag_reflectie", """
            ## Vraag 6 – Reflectie: wat kan contactfrequentie verklaren? (5 punten, nagekeken met een rubric)

            Vergelijk je uitkomsten van vraag 2 en 4 (tussen gemeenten) met die van vraag 5 (binnen een gemeente).
            Een teamleider zegt: "Meer contact levert meer uitstroom op, dus iedereen gaat zijn cliënten vaker
            spreken."

            Schrijf in 200 tot 300 woorden een reactie in de cel hieronder (vervang `YOUR ANSWER HERE`). Behandel:
            - wat de vergelijking **tussen** de gemeenten laat zien, en wat die **binnen** de gemeenten laat zien,
              met getallen;
            - minstens twee redenen waarom contact en uitstroom samen kunnen gaan zonder dat het een het ander
              veroorzaakt (denk aan wie er in de caseload zit, aan de rest van de werkwijze van de variant, en
              aan de tijd die een cliënt in 2010 nog in de uitkering zat);
            - het verschil tussen uitstroom en uitstroom naar werk, met een verwijzing naar Van der Aa (2012,
              §7.3.2.2);
            - welk onderzoek of welke gegevens je nodig hebt om iets te zeggen over het effect van contact.
            """),
        reflectie("reflectie_contact", 5, """
            *Voorbeeldantwoord voor de docent (staat niet in de studentversie). De getallen komen uit de
            standaardset van de cursusdata; met andere data veranderen ze.*

            Tussen de gemeenten lijkt de teamleider gelijk te hebben: in Lindeveen heeft een cliënt gemiddeld bijna
            twintig contacten per jaar en stroomt ruim 40 procent uit, in Duinwijck is dat ongeveer één contact en
            zo'n 6 procent. Binnen elke gemeente is het beeld omgekeerd: wie uitstroomt, had minder contact dan wie
            bleef. Dat komt vooral doordat een cliënt die in het voorjaar uitstroomt de rest van het jaar niet meer
            gesproken wordt; de tijdreeks laat ook zien dat het aantal contacten in de loop van het jaar daalt. Het
            verschil tussen de gemeenten kan evenmin zonder meer aan contact worden toegeschreven: de varianten
            verschillen ook in caseload, in sturing op uitstroom en in wie het traject uitvoert, en een
            interventionist met uitstroomtargets werkt anders dan een administrateur die vooral de uitkering
            beheert. Verder telt niet alle uitstroom als werk: ook een andere uitkering of een verhuizing telt mee,
            en Van der Aa (2012, §7.3.2.2) beschrijft dat teams niet altijd wisten of hun target om uitstroom uit de
            uitkering of naar werk ging. Om iets te zeggen over het effect van contact zou je vergelijkbare
            cliënten moeten volgen die meer of minder contact krijgen, bij voorkeur in een opzet waarin dat verschil
            niet door de klantmanager zelf wordt gekozen, en dan kijken naar duurzaam werk. Deze data zijn
            bovendien synthetisch: het gaat om de redenering.
            """),
    ]


ASSIGNMENTS = {
    "caseload-verkennen": caseload_verkennen,
    "sancties-in-cijfers": sancties_in_cijfers,
    "diagnose-en-trede": diagnose_en_trede,
    "contact-en-uitstroom": contact_en_uitstroom,
}

#: module folder(s) each assignment belongs to (used by the tests and the docent pages)
MODULES = {
    "caseload-verkennen": ["01-activeringswerk", "05-uitvoering-en-sturing"],
    "sancties-in-cijfers": ["04-sancties"],
    "diagnose-en-trede": ["03-diagnose"],
    "contact-en-uitstroom": ["05-uitvoering-en-sturing"],
}


def build(name: str):
    nb = new_notebook(cells=ASSIGNMENTS[name]())
    nb.metadata = {"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"}}
    nbformat.validate(nb)
    return nb


def write_all(out_dir: Path = SOURCE_DIR) -> list[Path]:
    written = []
    for name in ASSIGNMENTS:
        path = Path(out_dir) / name / f"{name}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        text = nbformat.writes(build(name)) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description="Schrijf de bronnotebooks van de opdrachten.")
    parser.add_argument("--uit", type=Path, default=SOURCE_DIR, help="map om de notebooks in te schrijven")
    args = parser.parse_args()
    for path in write_all(args.uit):
        print(path)


if __name__ == "__main__":
    main()
