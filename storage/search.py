"""Full-text search over report titles and texts that works for Chinese.

FTS5's default tokenizer treats a run of Chinese characters as one token, so a phrase inside it
is never found.  The ``trigram`` tokenizer indexes every three characters, which finds any phrase
of three or more characters; for one- or two-character queries, which trigrams cannot index,
the same SQL falls back to ``LIKE`` on the reports table.

New reports enter the index when their transaction commits (:func:`index_new_reports`, called by
:class:`storage.archive.Archive`), all of a transaction's at once: far cheaper in a bulk ingest than
a trigger per row.  Reports are never deleted, so their ids only grow and one number in
``fts_state`` says which are indexed.
"""

from __future__ import annotations

import sqlite_utils

# One statement serving both cases, so that Datasette's canned query and Python share it.
SEARCH_SQL = """
SELECT r.id, r.title, r.region, r.year, r.is_current, r.url,
    snippet(reports_fts, 1, '【', '】', '…', 16) AS snippet
FROM reports_fts JOIN reports r ON r.id = reports_fts.rowid
WHERE length(:q) >= 3 AND reports_fts MATCH '"' || replace(:q, '"', '""') || '"'
UNION ALL
SELECT r.id, r.title, r.region, r.year, r.is_current, r.url,
    substr(r.text, max(instr(r.text, :q) - 16, 1), 40) AS snippet
FROM reports r
WHERE length(:q) BETWEEN 1 AND 2 AND (instr(r.title, :q) > 0 OR instr(r.text, :q) > 0)
ORDER BY year DESC, id
LIMIT :limit
"""


def index_new_reports(db: sqlite_utils.Database) -> None:
    """Add the reports inserted since the last call to the full-text index (inside the caller's transaction)."""
    (indexed,) = db.execute("SELECT indexed_report_id FROM fts_state").fetchone()
    (last,) = db.execute("SELECT coalesce(max(id), 0) FROM reports").fetchone()
    if last <= indexed:  # nothing new: write nothing
        return
    db.execute("INSERT INTO reports_fts (rowid, title, text) SELECT id, title, text FROM reports WHERE id > ? "
               "ORDER BY id", [indexed])
    db.execute("UPDATE fts_state SET indexed_report_id = ?", [last])


def search(db: sqlite_utils.Database, query: str, limit: int = 50) -> list[dict]:
    """Reports whose title or text contains ``query`` as a phrase, newest year first."""
    query = query.strip()
    if not query:
        return []
    return list(db.query(SEARCH_SQL, {"q": query, "limit": limit}))
