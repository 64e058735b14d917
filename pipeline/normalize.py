"""Orchestrate one report: read the format, extract the tables, check, repair, describe."""

from __future__ import annotations

from pathlib import Path

from .errors import ParseError
from .readers import read_document

PARSER_VERSION = "0.1.0"


def parse_file(path: str | Path) -> dict:
    """Parse the report stored at ``path``; raise :class:`ParseError` if it cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ParseError(f"cannot read {path}: {error.strerror or error}") from error
    return parse_bytes(data, source=str(path))


def parse_bytes(data: bytes, source: str = "<bytes>") -> dict:
    """Parse one report from its raw bytes.

    Returns the report dict: ``source, title, org, region, region_code, year, published,
    template, metrics, findings, provenance, text, parser_version``.
    """
    document = read_document(data)
    return {
        "source": source,
        "title": document.title,
        "org": None,
        "region": None,
        "region_code": None,
        "year": None,
        "published": None,
        "template": "unknown",
        "metrics": {},
        "findings": [],
        "provenance": {},
        "text": document.text(),
        "parser_version": PARSER_VERSION,
    }
