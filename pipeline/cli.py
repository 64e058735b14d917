"""The ``nianbao parse`` command."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import click

from .errors import ParseError
from .normalize import parse_file

# Keys of the full report dict that the JSON output leaves out unless asked for.
_INTERNAL_KEYS = ("text", "parser_version")


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file, one per line.")
@click.option("--provenance", is_flag=True, help="Add each metric's raw cell text, cell kind and location.")
def parse(files: tuple[Path, ...], as_json: bool, provenance: bool) -> None:
    """Normalize annual reports (HTML, text, PDF, DOCX, DOC) into the common schema."""
    failed = False
    for path in files:
        try:
            report = parse_file(path)
        except ParseError as error:
            failed = True
            report = {"source": str(path), "error": str(error)}
        if as_json:
            shown = {k: v for k, v in report.items() if k not in _INTERNAL_KEYS}
            if not provenance:
                shown.pop("provenance", None)
            click.echo(json.dumps(shown, ensure_ascii=False))
        else:
            click.echo(summary(report))
    sys.exit(1 if failed else 0)


def summary(report: dict) -> str:
    """A few human lines about one parsed report."""
    if "error" in report:
        return f"{report['source']}: error: {report['error']}"
    kinds = Counter(f["kind"] for f in report["findings"])
    findings = ", ".join(f"{kind}×{n}" if n > 1 else kind for kind, n in sorted(kinds.items())) or "none"
    return (
        f"{report['source']}\n"
        f"  {report.get('title') or '(no title)'}\n"
        f"  year {report.get('year')}, template {report.get('template')}, "
        f"{len(report['metrics'])} metrics, findings: {findings}"
    )


commands = [parse]
