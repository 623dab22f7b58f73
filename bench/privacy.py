"""The privacy figures of `activering anonimiseer` on a messy municipal export it has never seen.

The export and every checker come from ``tests/test_anonimisering_extern.py``: cp1252, semicolons,
decimal commas, other column names than the anonymiser's own fixtures, identifiers and names
hidden in contact notes. None of the checkers reuses the anonymiser's detectors. For each size the
table of issue 14 is printed: structured identifiers left, names left in free text, e-mail
remnants, k over every quasi-identifier (the municipality included, by pycanon), and the share of
output rows that fit exactly one input row. Nothing is written in the repository.
Run: ``uv run python bench/privacy.py [--clienten 600 5000]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pycanon import anonymity  # noqa: E402
from tests.test_anonimisering_extern import (  # noqa: E402
    CLIENTS,
    CONTACTS,
    KEY_A,
    _input_frame,
    _quasi_identifiers,
    anonymise,
    find_identifiers,
    find_names,
    link_counts,
    output_texts,
    peildata_of,
    read_out,
    write_export,
)


def figures(n: int, folder: Path) -> dict[str, str]:
    ex = write_export(folder / "export", seed=n, n_clients=n, n_contacts=int(2.5 * n), bad_rows=True)
    started = time.perf_counter()
    run = anonymise(ex, folder / "uit", KEY_A)
    seconds = time.perf_counter() - started
    if run.exit_code != 0:
        raise SystemExit(f"anonimiseren faalde: {run.output}")
    names: Counter = Counter()
    identifiers: Counter = Counter()
    for text in output_texts(run.out).values():
        names.update(kind for _, kind in find_names(text, ex))
        identifiers.update(kind for kind, _ in find_identifiers(text, ex))
    remnants = identifiers.pop("e-mail (rest naast [EMAIL])", 0)
    clients = read_out(run.out / CLIENTS)
    qi = _quasi_identifiers(clients)
    k = anonymity.k_anonymity(clients, qi)
    linked = []
    for name, rows in ((CLIENTS, ex.rows), (CONTACTS, ex.contact_rows)):
        counts, _, _ = link_counts(read_out(run.out / name), _input_frame(rows), peildata_of(run.out))
        linked.append(f"{name} {100 * (counts == 1).mean():.1f} %")
    return {
        "tijd": f"{seconds:.1f} s",
        "identificatoren over (BSN, telefoon, e-mail, IBAN, postcode, adres, geboortedatum, relatienr)": f"{sum(identifiers.values())}"
        + (f" {dict(identifiers)}" if identifiers else ""),
        "namen over in vrije tekst (uit kolommen / alleen in notities)": f"{names['naam uit een kolom']} / {names['naam uit de notities']}",
        "e-mailresten zoals hü[EMAIL]": str(remnants),
        f"k over alle {len(qi)} quasi-identificatoren (Gemeente inbegrepen), pycanon": str(k),
        "uitvoerrijen die bij precies één invoerrij passen": ", ".join(linked),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clienten", type=int, nargs="+", default=[600, 5000])
    args = parser.parse_args()
    results = {}
    for n in args.clienten:
        with tempfile.TemporaryDirectory(prefix="activering-bench-privacy-") as tmp:
            results[n] = figures(n, Path(tmp))
    width = max(len(k) for r in results.values() for k in r)
    print(f"{'controle':<{width}}  " + "  ".join(f"{n:>12,} cliënten" for n in args.clienten))
    for key in next(iter(results.values())):
        print(f"{key:<{width}}  " + "  ".join(f"{results[n][key]:>21}" for n in args.clienten))


if __name__ == "__main__":
    main()
