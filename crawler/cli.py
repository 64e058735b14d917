"""The ``nianbao crawl`` command."""

from __future__ import annotations

import click

commands: list[click.Command] = []
