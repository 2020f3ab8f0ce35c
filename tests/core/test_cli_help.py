"""Docs kept honest: every command of `ctkit` answers --help with an example."""

import click
import pytest
import typer
from typer.testing import CliRunner

from ctkit.cli import app


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        yield path
        if isinstance(command, click.Group):
            yield from _commands(command, path)


ALL_COMMANDS = sorted(_commands(typer.main.get_command(app)))


def test_there_are_commands():
    assert ("version",) in ALL_COMMANDS


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(path):
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`ctkit {' '.join(path)} --help` shows no example"
