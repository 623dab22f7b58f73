"""Every command of `activering` speaks Dutch, also where the words come from Click and Typer.

The commands are found by walking the command tree, so a new command is checked without changing this
file: its ``--help`` has no English framework words, and a missing argument or an unknown option gives a
Dutch line and exit code 2.
"""

from __future__ import annotations

import re

import click
import pytest
import typer.main
from typer.testing import CliRunner

from activering.cli import app

#: Words that Click or Typer print in English when nobody translated them.
ENGLISH = re.compile(
    r"\b(Usage|Options|Arguments|Commands|Show this message|Install completion|Show completion|default:|"
    r"required|Error|Missing|No such|Try '|for help|TEXT|INTEGER|FLOAT|PATH|FILENAME|DIRECTORY|COMMAND|ARGS)\b"
)


def commands(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    found = [(path, command)]
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            found += commands(sub, (*path, name))
    return found


ALL = commands(typer.main.get_command(app))
LEAVES = [(path, command) for path, command in ALL if not isinstance(command, click.Group)]


def ids(item) -> str:
    return " ".join(item[0]) or "activering"


def run(args: list[str]):
    return CliRunner().invoke(app, args, env={"COLUMNS": "120", "TERMINAL_WIDTH": "120"})


def test_the_walk_finds_groups_and_commands():
    paths = {" ".join(path) for path, _ in ALL}
    assert {"", "data", "journaal", "docent vrijgeven", "casus lijst"} <= paths


@pytest.mark.parametrize("item", ALL, ids=ids)
def test_help_is_dutch(item):
    path, _ = item
    result = run([*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Gebruik:" in result.output
    assert "Toon deze hulp en stop." in result.output
    english = ENGLISH.findall(result.output)
    assert not english, f"Engelse woorden in 'activering {' '.join(path)} --help': {english}\n{result.output}"


def test_completion_options_have_dutch_help():
    output = run(["--help"]).output
    assert "--install-completion" in output and "Installeer aanvullen" in output and "Install completion" not in output


def _ignores_unknown_options(command: click.Command) -> bool:
    return bool(command.context_settings.get("ignore_unknown_options") or command.ignore_unknown_options)


@pytest.mark.parametrize("item", [item for item in LEAVES if not _ignores_unknown_options(item[1])], ids=ids)
def test_an_unknown_option_gives_one_dutch_line_and_exit_code_2(item):
    path, _ = item
    result = run([*path, "--bestaat-niet"])
    assert result.exit_code == 2, result.output
    assert "Onbekende optie '--bestaat-niet'" in result.output
    assert not ENGLISH.search(result.output), result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "item",
    [item for item in LEAVES if any(isinstance(p, click.Argument) and p.required for p in item[1].params)],
    ids=ids,
)
def test_a_missing_argument_gives_a_dutch_line_and_exit_code_2(item):
    path, _ = item
    result = run(list(path))
    assert result.exit_code == 2, result.output
    assert "Ontbrekend argument" in result.output
    assert not ENGLISH.search(result.output), result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("group", ["", "data", "casus", "journaal", "docent"])
def test_an_unknown_command_is_named_in_dutch(group):
    result = run([*group.split(), "bestaat-niet"])
    assert result.exit_code == 2, result.output
    assert re.search(r"(Geen|Onbekend) commando 'bestaat-niet'", result.output), result.output
    assert not ENGLISH.search(result.output), result.output


def test_a_wrong_value_is_explained_in_dutch():
    result = run(["journaal", "toon", "abc"])
    assert result.exit_code == 2
    assert "'abc' is geen getal" in result.output
