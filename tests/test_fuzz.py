"""Corrupted reports never crash or hang the normalizer.

Whatever the bytes — cells dropped, whitespace shuffled, a file cut at any byte, the wrong
charset, megabytes of junk, random noise — ``pipeline.parse_bytes`` returns a report dict with
``metrics`` and ``findings`` or raises :class:`pipeline.ParseError`.  Any other exception, or a
call over its time limit, fails.  Seeds are our fixture reports plus the shared corpus's HTML
and text documents where ../shared is present.
"""

from __future__ import annotations

import os
import random
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline import ParseError, parse_bytes

FIXTURE_REPORTS = Path(__file__).parent / "fixtures" / "reports"
# Several conftest.py files share one module name, so the shared tree is located here again.
SHARED = Path(os.environ.get("NIANBAO_SHARED", Path(__file__).resolve().parents[2] / "shared"))
SEED_LIMIT_SECONDS = 10
# A 10 MB document may take a while, but not longer than this: beyond it the parser is
# effectively hung for an archive that processes reports in batches.
JUNK_LIMIT_SECONDS = 20


def _seed_documents() -> list[bytes]:
    """Fixture reports and, where present, the shared corpus's HTML and text documents."""
    paths = sorted(FIXTURE_REPORTS.glob("*.html")) + sorted(FIXTURE_REPORTS.glob("*.txt"))
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        paths += sorted(corpus.glob("*.html")) + sorted(corpus.glob("*.txt")) + sorted(corpus.glob("real/*.html"))
    return [path.read_bytes() for path in paths]


SEEDS = _seed_documents()


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail the test if the block runs longer than ``seconds`` (a hang, not a slow parse)."""

    def expire(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"parse did not finish within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def assert_parses_or_refuses(data: bytes, seconds: int = SEED_LIMIT_SECONDS) -> None:
    """``parse_bytes(data)`` returns a report dict or raises ParseError, within ``seconds``."""
    with time_limit(seconds):
        try:
            report = parse_bytes(data, source="<fuzz>")
        except ParseError:
            return
    assert isinstance(report, dict)
    assert isinstance(report["metrics"], dict)
    assert isinstance(report["findings"], list)


# --- corruptions: each takes the document and a seeded random generator --------------------

_CELL = re.compile(rb"<t[dh][^>]*>.*?</t[dh]>", re.S)


def drop_cells(data: bytes, rng: random.Random) -> bytes:
    """Remove a random share of table cells (HTML ``<td>``/``<th>``, or tab-separated fields)."""
    if _CELL.search(data):
        return _CELL.sub(lambda m: b"" if rng.random() < 0.2 else m.group(0), data)
    lines = [b"\t".join(f for f in line.split(b"\t") if rng.random() >= 0.2) for line in data.split(b"\n")]
    return b"\n".join(lines)


def shuffle_whitespace(data: bytes, rng: random.Random) -> bytes:
    """Replace every whitespace run with another (tabs, newlines, spaces, full-width spaces)."""
    choices = (b" ", b"\t", b"\n", b"", b"  \n\t", "\u3000".encode())
    return re.sub(rb"\s+", lambda _m: rng.choice(choices), data)


def truncate(data: bytes, rng: random.Random) -> bytes:
    """Cut the file at a random byte, possibly inside a multi-byte character or a tag."""
    return data[: rng.randrange(len(data) + 1)]


def wrong_charset(data: bytes, rng: random.Random) -> bytes:
    """Re-encode the text in a charset its declaration (if any) does not name."""
    text = data.decode("utf-8", errors="ignore") or data.decode("gb18030", errors="replace")
    codec = rng.choice(("gbk", "big5", "utf-16", "latin-1", "shift_jis", "utf-8"))
    encoded = text.encode(codec, errors="replace")
    return encoded if codec != "utf-8" else text.encode("gb18030", errors="replace")


def splice_noise(data: bytes, rng: random.Random) -> bytes:
    """Overwrite a few random stretches with random bytes."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        if not out:
            break
        start = rng.randrange(len(out))
        out[start : start + rng.randint(1, 64)] = rng.randbytes(rng.randint(0, 64))
    return bytes(out)


CORRUPTIONS = (drop_cells, shuffle_whitespace, truncate, wrong_charset, splice_noise)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=st.integers(min_value=0, max_value=max(0, len(SEEDS) - 1)),
    corruptions=st.lists(st.sampled_from(CORRUPTIONS), min_size=1, max_size=3),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
)
def test_corrupted_documents_parse_or_refuse(document: int, corruptions: list, seed: int) -> None:
    """A seed document put through one to three corruptions."""
    rng = random.Random(seed)
    data = SEEDS[document]
    for corrupt in corruptions:
        data = corrupt(data, rng)
    assert_parses_or_refuses(data)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=20_000))
def test_random_bytes_parse_or_refuse(data: bytes) -> None:
    """Bytes that were never a report."""
    assert_parses_or_refuses(data)


@pytest.mark.parametrize("where", ["after", "instead"])
def test_ten_megabytes_of_junk(where: str) -> None:
    """10 MB of random bytes after or instead of a report."""
    junk = random.Random(where).randbytes(10 * 2**20)
    data = {"after": SEEDS[0] + junk, "instead": junk}[where]
    assert_parses_or_refuses(data, seconds=JUNK_LIMIT_SECONDS)


def test_ten_megabytes_of_markup() -> None:
    """10 MB of deeply repetitive table markup (a runaway CMS template)."""
    row = b"<tr>" + b"<td>1</td>" * 15 + b"</tr>\n"
    data = b"<html><body><table>" + row * (10 * 2**20 // len(row)) + b"</table></body></html>"
    assert_parses_or_refuses(data, seconds=JUNK_LIMIT_SECONDS)
