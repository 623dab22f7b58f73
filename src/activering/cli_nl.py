"""Dutch texts for the command-line framework (Click and Typer): usage lines, help panels, errors.

Click and Typer ask ``gettext`` for their fixed texts (``Usage:``, ``Missing argument``, ``No such option``)
through a name ``_`` (and ``ngettext``) bound in each of their modules. :func:`install` binds those names to
a lookup in :data:`CATALOG` (a text without a Dutch entry stays as it is), sets Typer's help-panel titles,
which Typer reads once at import, and gives the shell-completion options a Dutch help text. It changes no
behaviour, only words; calling it twice is harmless. ``activering.cli`` calls it once at import.
"""

from __future__ import annotations

import importlib
import inspect

#: Click's and Typer's message ids (as in their source) with the Dutch text. Placeholders stay as they are.
CATALOG: dict[str, str] = {
    # usage, help
    "Usage:": "Gebruik:",
    "Options": "Opties",
    "Arguments": "Argumenten",
    "Positional arguments": "Argumenten",
    "Commands": "Commando's",
    "Show this message and exit.": "Toon deze hulp en stop.",
    "Show the version and exit.": "Toon de versie en stop.",
    "%(prog)s, version %(version)s": "%(prog)s, versie %(version)s",
    "required": "verplicht",
    "default: {default}": "standaard: {default}",
    "env var: {var}": "omgevingsvariabele: {var}",
    "(dynamic)": "(wisselend)",
    "deprecated": "verouderd",
    "Do you want to continue?": "Wil je doorgaan?",
    "Confirm the action without prompting.": "Bevestig zonder te vragen.",
    "Press any key to continue...": "Druk op een toets om door te gaan...",
    "Repeat for confirmation": "Herhaal ter bevestiging",
    # errors
    "Aborted!": "Afgebroken.",
    "Error: {message}": "Fout: {message}",
    "Try '{command} {option}' for help.": "Zie '{command} {option}' voor hulp.",
    "Missing argument": "Ontbrekend argument",
    "Missing option": "Ontbrekende optie",
    "Missing parameter": "Ontbrekende parameter",
    "Missing {param_type}": "Ontbrekend(e) {param_type}",
    "Missing parameter: {param_name}": "Ontbrekende parameter: {param_name}",
    "Missing command.": "Geen commando gegeven.",
    "No such option {name!r}.": "Onbekende optie {name!r}.",
    "No such command {name!r}.": "Geen commando {name!r}.",
    "Invalid value: {message}": "Ongeldige waarde: {message}",
    "Invalid value for {param_hint}: {message}": "Ongeldige waarde voor {param_hint}: {message}",
    "unknown error": "onbekende fout",
    "Could not open file {filename!r}: {message}": "Kan bestand {filename!r} niet openen: {message}",
    "Option {name!r} does not take a value.": "Optie {name!r} neemt geen waarde.",
    "Argument {name!r} takes {nargs} values.": "Argument {name!r} neemt {nargs} waarden.",
    "Value must be an iterable.": "De waarde moet een reeks zijn.",
    "Choose from:\n\t{choices}": "Kies uit:\n\t{choices}",
    "{value!r} is not a valid {number_type}.": "{value!r} is geen {number_type}.",
    "{value} is not in the range {range}.": "{value} valt buiten het bereik {range}.",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} is geen ja/nee-waarde. Geldig: {states}",
    "{value!r} is not a valid UUID.": "{value!r} is geen geldige UUID.",
    "file": "Bestand",
    "directory": "Map",
    "path": "Pad",
    "{name} {filename!r} does not exist.": "{name} {filename!r} bestaat niet.",
    "{name} {filename!r} is a file.": "{name} {filename!r} is een bestand.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} is een map.",
    "{name} {filename!r} is not readable.": "{name} {filename!r} is niet leesbaar.",
    "{name} {filename!r} is not writable.": "{name} {filename!r} is niet schrijfbaar.",
    "{name} {filename!r} is not executable.": "{name} {filename!r} is niet uitvoerbaar.",
    "Error: The two entered values do not match.": "Fout: de twee ingevoerde waarden zijn niet gelijk.",
    "Error: invalid input": "Fout: ongeldige invoer",
    # Typer's rich help
    "[default: {}]": "[standaard: {}]",
    "[env var: {}]": "[omgevingsvariabele: {}]",
    "[required]": "[verplicht]",
    "(deprecated) ": "(verouderd) ",
    "Error": "Fout",
    "Aborted.": "Afgebroken.",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "Zie [blue]'{command_path} {help_option}'[/] voor hulp.",
}

#: (singular, plural) message ids of ``ngettext`` with the Dutch (singular, plural).
PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): (
        "Onverwacht extra argument ({args})",
        "Onverwachte extra argumenten ({args})",
    ),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): (
        "Optie {name!r} heeft een waarde nodig.",
        "Optie {name!r} heeft {nargs} waarden nodig.",
    ),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): (
        "Bedoel je {possibility}?",
        "(Bedoel je een van: {possibilities}?)",
    ),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): (
        "{value!r} is niet {choice}.",
        "{value!r} is niet een van {choices}.",
    ),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): (
        "Verwacht {nargs} waarden, kreeg er 1.",
        "Verwacht {nargs} waarden, kreeg er {len}.",
    ),
}

#: The usage line's placeholders (Click builds them from plain attributes, not through gettext).
USAGE_WORDS = {"[OPTIONS]": "[OPTIES]", "COMMAND [ARGS]...": "COMMANDO [ARGUMENTEN]..."}

#: Click's parameter types by class name, with the Dutch word for the metavar and error messages ("TEXT").
TYPE_NAMES = {
    "StringParamType": "tekst",
    "IntParamType": "getal",
    "IntRange": "getal",
    "FloatParamType": "kommagetal",
    "FloatRange": "kommagetal",
    "Path": "pad",
    "File": "bestand",
    "DateTime": "datum",
    "Choice": "keuze",
}

#: Help of Typer's shell-completion options, by option name.
COMPLETION_HELP = {
    "install_completion": "Installeer aanvullen met Tab voor deze shell.",
    "show_completion": "Toon het script voor aanvullen met Tab voor deze shell, om het te kopiëren of aan te passen.",
}

_FRAMEWORK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "typer.core",
    "typer.rich_utils",
)
#: Typer's help-panel texts, computed once when typer.rich_utils is imported.
_RICH_CONSTANTS = (
    "DEPRECATED_STRING",
    "DEFAULT_STRING",
    "ENVVAR_STRING",
    "REQUIRED_LONG_STRING",
    "ARGUMENTS_PANEL_TITLE",
    "OPTIONS_PANEL_TITLE",
    "COMMANDS_PANEL_TITLE",
    "ERRORS_PANEL_TITLE",
    "ABORTED_TEXT",
    "RICH_HELP",
)


def gettext(message: str) -> str:
    return CATALOG.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    dutch = PLURALS.get((singular, plural))
    if dutch is None:
        return singular if count == 1 else plural
    return dutch[0] if count == 1 else dutch[1]


def _dutch_usage_words(write_usage):
    def write(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english, dutch in USAGE_WORDS.items():
            args = args.replace(english, dutch)
        return write_usage(self, prog, args, prefix)

    write.dutch = True
    return write


def install() -> None:
    """Let Click and Typer speak Dutch (see the module docstring)."""
    import click.formatting
    import click.types
    import typer.completion
    from typer import rich_utils

    for name in _FRAMEWORK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext
    for name in _RICH_CONSTANTS:
        value = getattr(rich_utils, name, None)
        if isinstance(value, str) and value in CATALOG:
            setattr(rich_utils, name, CATALOG[value])
    for class_name, dutch in TYPE_NAMES.items():
        getattr(click.types, class_name).name = dutch
    formatter = click.formatting.HelpFormatter
    if not getattr(formatter.write_usage, "dutch", False):
        formatter.write_usage = _dutch_usage_words(formatter.write_usage)
    for function in (
        typer.completion._install_completion_placeholder_function,
        typer.completion._install_completion_no_auto_placeholder_function,
    ):
        for name, parameter in inspect.signature(function).parameters.items():
            if name in COMPLETION_HELP and hasattr(parameter.default, "help"):
                parameter.default.help = COMPLETION_HELP[name]
