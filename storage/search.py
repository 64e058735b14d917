"""Full-text search over report titles and texts that works for Chinese.

FTS5's default tokenizer treats a run of Chinese characters as one token, so a phrase inside it
is never found.  The ``trigram`` tokenizer indexes every three characters, which finds any phrase
of three or more characters; for one- or two-character queries, which trigrams cannot index,
the same SQL falls back to ``LIKE`` on the reports table.
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


def search(db: sqlite_utils.Database, query: str, limit: int = 50) -> list[dict]:
    """Reports whose title or text contains ``query`` as a phrase, newest year first."""
    query = query.strip()
    if not query:
        return []
    return list(db.query(SEARCH_SQL, {"q": query, "limit": limit}))
