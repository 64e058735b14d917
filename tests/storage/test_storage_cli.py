"""The archive commands, run through click on real files."""

from __future__ import annotations

import json
import shutil

from archive_testing import count
from click.testing import CliRunner

from pipeline import parse_file
from storage.archive import Archive
from storage.cli import changes, ingest, reparse


def run(command, *args):
    result = CliRunner().invoke(command, [str(a) for a in args])
    return result


def test_ingest_twice_is_idempotent_and_reports_outcomes(tmp_path, report_html, report_text):
    db = tmp_path / "a.db"
    first = run(ingest, "--db", db, report_html, report_text, "--site", "local")
    assert first.exit_code == 0, first.output
    assert "added       " in first.output and "2 added" in first.output
    second = run(ingest, "--db", db, report_html, report_text)
    assert "2 unchanged" in second.output
    with Archive(db) as archive:
        assert count(archive, "documents", "site_id = 'local'") == 2
        assert count(archive, "versions") == 2
        assert archive.db.execute("SELECT url FROM documents ORDER BY id").fetchone()[0] == report_html.as_uri()


def test_ingest_says_why_a_file_could_not_be_parsed(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = run(ingest, "--db", tmp_path / "a.db", empty)
    assert result.exit_code == 0
    with Archive(tmp_path / "a.db") as archive:
        reason = archive.parse_error(empty.as_uri())
    assert reason and f"error       {empty}: {reason}" in result.output


def test_ingest_names_an_unreadable_file_and_fails(tmp_path):
    result = run(ingest, "--db", tmp_path / "a.db", tmp_path / "missing.html")
    assert result.exit_code == 1
    assert "missing.html" in result.output


def test_ingest_into_a_non_database_is_one_line(tmp_path, report_html):
    db = tmp_path / "a.db"
    db.write_text("not sqlite")
    result = run(ingest, "--db", db, report_html)
    assert result.exit_code == 1
    assert result.output.strip() == f"Error: {db}: not an SQLite database"


def test_end_to_end_edit_shows_in_changes(tmp_path, report_html):
    db, copy = tmp_path / "a.db", tmp_path / "report.html"
    shutil.copy(report_html, copy)
    run(ingest, "--db", db, copy)
    edited = report_html.read_text(encoding="utf-8").replace("</table>", "</table><p>补充说明：新增一段正文。</p>", 1)
    copy.write_text(edited, encoding="utf-8")
    assert "1 modified" in run(ingest, "--db", db, copy).output
    listed = [json.loads(line) for line in run(changes, "--db", db, "--json").output.splitlines()]
    assert [c["kind"] for c in listed] == ["added", "modified"]
    assert "text changed" in listed[1]["summary"]
    assert run(changes, "--db", db, "--since", "2999-01-01").output == ""
    bad = run(changes, "--db", db, "--since", "yesterday")
    assert bad.exit_code == 2 and "'yesterday' is not a date" in bad.output


def test_chrome_only_edit_is_a_new_version(tmp_path, report_html):
    db, copy = tmp_path / "a.db", tmp_path / "report.html"
    page = report_html.read_text(encoding="utf-8")
    footer = '<div class="footer">访问量：{}</div></body>'
    copy.write_text(page.replace("</body>", footer.format(1)), encoding="utf-8")
    run(ingest, "--db", db, copy)
    copy.write_text(page.replace("</body>", footer.format(2)), encoding="utf-8")
    assert "1 new_version" in run(ingest, "--db", db, copy).output
    with Archive(db) as archive:
        assert count(archive, "versions") == 2
        assert count(archive, "changes", "kind = 'modified'") == 0


def test_reparse_records_parser_changes_apart(tmp_path, report_html):
    db = tmp_path / "a.db"
    run(ingest, "--db", db, report_html)
    with Archive(db) as archive:
        # Pretend an older parser read this version badly.
        archive.db.execute("UPDATE reports SET parser_version = 'old', title = 'wrong title'")
        archive.db.conn.commit()
    result = run(reparse, "--db", db)
    assert result.exit_code == 0, result.output
    assert "1 changed" in result.output
    with Archive(db) as archive:
        assert archive.db.execute("SELECT field, old_value FROM reparse_changes").fetchall() == [
            ("title", "wrong title")
        ]
        assert count(archive, "changes") == 1  # only 'added': re-parsing is not a publisher change
        assert archive.db.execute("SELECT title FROM reports").fetchone()[0] != "wrong title"
    assert "0 changed, 0 newly parsed, 0 the same" in run(reparse, "--db", db).output


def test_ingested_report_keeps_every_number_the_parser_read(tmp_path, report_html):
    parsed = parse_file(report_html)
    run(ingest, "--db", tmp_path / "a.db", report_html)
    with Archive(tmp_path / "a.db") as archive:
        stored = dict(archive.db.execute("SELECT key, value FROM metrics").fetchall())
        assert stored == parsed["metrics"]
        assert count(archive, "findings") == len(parsed["findings"])
        row = archive.db.execute("SELECT title, year, template, parser_version FROM reports").fetchone()
        assert row == (parsed["title"], parsed["year"], parsed["template"], parsed["parser_version"])
        raw = dict(archive.db.execute("SELECT key, raw FROM metrics").fetchall())
        assert raw == {key: cell["raw"] for key, cell in parsed["provenance"].items() if key in stored}
        table_three_rows = {key.rsplit(".", 1)[0] for key in stored if key.startswith("applications.")}
        assert table_three_rows  # the normalizer reads this report's table 三
        assert count(archive, "applications_wide") == len(table_three_rows)
