"""The ``activering`` command: course tools for the command line."""

from __future__ import annotations

import copy

import typer

from activering import cli_nl, lab
from activering.anonimisering import cli as anonimisering_cli
from activering.casus import cli as casus_cli
from activering.data import cli as data_cli
from activering.grading import cli as docent_cli
from activering.reflectie import cli as journaal_cli

cli_nl.install()  # Click's and Typer's own texts (usage, help, errors) in Dutch

app = typer.Typer(help="Hulpmiddelen bij de cursus Vakmanschap in activeringswerk.", no_args_is_help=True)
app.add_typer(data_cli.app, name="data")
app.add_typer(casus_cli.app, name="casus")
app.add_typer(anonimisering_cli.app, name="anonimiseer")
app.add_typer(journaal_cli.app, name="journaal")
# `activering docent` = grading's commands plus `casussen` (the class's casus choices; casus/ and grading/ may
# not import each other). A copy, so that grading's own app keeps exactly its numbered steps.
docent_app = copy.copy(docent_cli.app)
docent_app.registered_commands = list(docent_cli.app.registered_commands)
docent_app.command("casussen")(docent_cli.guarded(casus_cli.klas_casussen))
app.add_typer(docent_app, name="docent")
app.command("lab", context_settings=lab.CONTEXT)(lab.start)

if __name__ == "__main__":  # pragma: no cover
    app()
