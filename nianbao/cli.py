"""The ``nianbao`` command.  Each subcommand lives beside the code it drives."""

from __future__ import annotations

import click

from crawler.cli import commands as crawler_commands
from pipeline.cli import commands as pipeline_commands
from storage.cli import commands as storage_commands

from . import __version__
from .demo import demo
from .schedule import schedule


@click.group()
@click.version_option(__version__, prog_name="nianbao")
def cli() -> None:
    """Crawl, normalize and archive government information-disclosure annual reports (年报)."""


for command in [*pipeline_commands, *storage_commands, *crawler_commands, schedule, demo]:
    cli.add_command(command)
