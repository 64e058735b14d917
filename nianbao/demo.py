"""``nianbao demo``: the first thing a new user runs."""

from __future__ import annotations

import click


@click.command()
def demo() -> None:
    """Run nianbao on its embedded demo data (no internet needed)."""
    click.echo("demo: not built yet")
