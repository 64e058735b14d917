"""Archive commands: ingest, changes, reparse, serve."""

from __future__ import annotations

import click

commands: list[click.Command] = []
