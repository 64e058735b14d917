"""Orchestrate one report: read the format, extract the tables, repair, check, describe."""

from __future__ import annotations

from functools import cache
from itertools import islice
from pathlib import Path

from . import schema as s
from .assemble import assemble, decide_template
from .checks import check, fill_blank_totals, repair_gaps
from .document import Document
from .errors import ParseError, UnsupportedFormat
from .extract import ACTIVE, APPEALS, APPLICATIONS, extract
from .findings import finding
from .metadata import Metadata, describe
from .narrative import check_narrative
from .readers import read_document
from .rows import document_rows, split_fields

PARSER_VERSION = "0.2.0"
# A report has a few hundred rows and lines; tens of thousands are junk or an attack, and
# matching each against the template would hold up the night's crawl for nothing.
MAX_ROWS = 20_000
LEGACY_BEFORE = 2019
_TABLE_NAMES = {ACTIVE: "二、主动公开政府信息情况", APPLICATIONS: "三、收到和处理政府信息公开申请情况",
                APPEALS: "四、政府信息公开行政复议、行政诉讼情况"}


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
    template, metrics, findings, provenance, text, parser_version``.  A format this installation
    cannot read gives template ``unknown`` and an ``unsupported_format`` finding; bytes that are
    no document at all raise :class:`ParseError`.
    """
    if not data.strip():
        raise ParseError(f"{source} is empty")
    try:
        document = read_document(data)
    except UnsupportedFormat as error:
        report = _report(source, Metadata(), "unknown", "")
        report["findings"].append(finding("unsupported_format", str(error)))
        return report
    return normalize(document, source)


def normalize(document: Document, source: str) -> dict:
    """The report dict of a document that a reader has produced."""
    rows = list(islice(document_rows(document), MAX_ROWS + 1))
    if len(rows) > MAX_ROWS:
        raise ParseError(f"{source} has more than {MAX_ROWS} rows and lines; not a report")
    meta = describe(document)
    text = document.text()
    extraction = extract(rows)
    template = decide_template(extraction, meta.year)
    if meta.year is not None and meta.year < LEGACY_BEFORE:
        return _report(source, meta, "legacy", text)
    if template is None:
        report = _report(source, meta, "unknown", text)
        report["findings"] += _no_tables(document)
        return report
    assembly = assemble(extraction, template)
    findings = extraction.findings + assembly.findings
    findings += fill_blank_totals(assembly)
    findings += repair_gaps(assembly)
    findings += check(assembly)
    findings += _missing(extraction.sections, assembly.metrics, template)
    findings += check_narrative(_sentences(document), assembly.metrics)
    report = _report(source, meta, template, text)
    order = s.SCHEMA.keys(template)
    report["metrics"] = {k: assembly.metrics[k] for k in order if k in assembly.metrics}
    report["provenance"] = {k: assembly.provenance[k] for k in order if k in assembly.provenance}
    report["findings"] = findings
    return report


def _report(source: str, meta: Metadata, template: str, text: str) -> dict:
    return {
        "source": source,
        "title": meta.title,
        "org": meta.org,
        "region": meta.region,
        "region_code": meta.region_code,
        "year": meta.year,
        "published": meta.published,
        "template": template,
        "metrics": {},
        "findings": [],
        "provenance": {},
        "text": text,
        "parser_version": PARSER_VERSION,
    }


def _no_tables(document: Document) -> list[dict]:
    if document.images:
        return [finding("image_only", f"no standard table in the text, but {document.images} image(s) in the body: "
                                      "the tables are probably pictures")]
    return [finding("missing_table", f"table {name} not found") for name in _TABLE_NAMES.values()]


def _missing(sections: set[str], metrics: dict, template: str) -> list[dict]:
    found = []
    for table, name in _TABLE_NAMES.items():
        if table not in sections:
            found.append(finding("missing_table", f"table {name} not found"))
            continue
        absent = [k for k in _table_keys(template, table) if k not in metrics]
        if absent:
            found.append(finding("missing_cell", f"{len(absent)} cells of table {name} not found: "
                                                 f"{', '.join(absent[:5])}{' …' if len(absent) > 5 else ''}"))
    return found


@cache
def _table_keys(template: str, table: str) -> tuple[str, ...]:
    """The keys of one table of ``template``, in schema order (six pairs: computed once)."""
    return tuple(k for k in s.SCHEMA.keys(template) if k.startswith(table + "."))


def _sentences(document: Document) -> list[str]:
    # Running text only: a line that splits into several fields is a flattened table row.
    return [p for p in document.paragraphs if len(p) >= 10 and len(split_fields(p)) == 1]
