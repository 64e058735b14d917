"""Narrative sections of a report, how alike two of them are, and MinHash bands to find alike pairs.

Sections 一 (总体情况) and 五 (存在的主要问题及改进情况) are the ones a body writes in its own words;
a copied report repeats them.  Before comparing, a section loses its spaces and punctuation and the
report's own organisation and region names, so a copy that only swapped the names still counts.
Similarity is rapidfuzz's normalized Indel similarity (``fuzz.ratio`` / 100).

Comparing every pair of a year's reports would not scale to 100,000 reports, so candidates come from
MinHash (datasketch) over a section's clauses, digits masked, in ``BANDS`` bands of ``ROWS`` rows:
two sections whose clause sets overlap by Jaccard 0.6 share a band with probability 0.89, by 0.3
with probability 0.12.  Candidates are then measured with rapidfuzz.
"""

from __future__ import annotations

import hashlib
import re
import zlib

import numpy as np
from datasketch import MinHash
from rapidfuzz import fuzz

SECTIONS = {"一": re.compile(r"^一、"), "五": re.compile(r"^五、.*(问题|改进|不足)")}
# Where each section ends: the next heading of the report's outline.
_SECTION_END = {"一": re.compile(r"^二、"), "五": re.compile(r"^六、")}
COPY_THRESHOLD = 0.9
# Shorter sections ("无。", one stock sentence) are alike in every report and prove nothing.
MIN_SECTION_CHARS = 100
BANDS, ROWS = 16, 4
_NOT_TEXT = re.compile(r"[\W_]+")
_CLAUSE_END = re.compile(r"[。；;！!？?，,：:\n]+")
_DIGITS = re.compile(r"\d+")


def neutral(text: str, names: list[str]) -> str:
    """``text`` with each of ``names`` (longest first) replaced by 〇."""
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = text.replace(name, "〇")
    return text


def compact(text: str) -> str:
    """``text`` without spaces and punctuation: what is compared."""
    return _NOT_TEXT.sub("", text)


def report_sections(text: str | None, names: list[str]) -> dict[str, str]:
    """Sections 一 and 五 of a report's text, neutral, each at least ``MIN_SECTION_CHARS`` long once compact."""
    lines = [line.strip() for line in (text or "").splitlines()]
    sections = {}
    for section, heading in SECTIONS.items():
        start = next((i for i, line in enumerate(lines) if heading.search(line)), None)
        if start is None:
            continue
        end = next((i for i in range(start + 1, len(lines)) if _SECTION_END[section].search(lines[i])), len(lines))
        body = neutral("\n".join(lines[start + 1:end]), names)
        if len(compact(body)) >= MIN_SECTION_CHARS:
            sections[section] = body
    return sections


def similarity(a: str, b: str) -> float:
    """How alike two sections are, from 0 to 1 (rapidfuzz normalized Indel similarity of their compact forms)."""
    return fuzz.ratio(compact(a), compact(b)) / 100


def clauses(section: str, text: str) -> list[bytes]:
    """The clauses of a section, digits masked, as MinHash tokens (``section`` keeps 一 and 五 apart)."""
    return [f"{section}{clause}".encode() for clause in _CLAUSE_END.split(_DIGITS.sub("#", text.replace(" ", "")))
            if clause]


def _crc32(token: bytes) -> int:
    return zlib.crc32(token)


# Drawn once: datasketch draws them (seeded, so the same in every process) for each new MinHash otherwise.
_PERMUTATIONS = MinHash(num_perm=BANDS * ROWS, hashfunc=_crc32, scheme="affine32").permutations
# Odd multipliers that fold a band's ROWS hash values, its band number and its year and section into one
# 64-bit key (arithmetic modulo 2**64); fixed bytes, so keys stored by one process match another's.
_FOLD = np.frombuffer(hashlib.shake_256(b"nianbao text bands").digest(8 * (ROWS + 1 + BANDS)),
                      dtype=np.uint64) | np.uint64(1)


def band_keys(items: list[tuple[int, str, str]]) -> np.ndarray:
    """For each ``(year, section, text)``, a row of ``BANDS`` MinHash band keys (int64): equal keys make two
    sections candidates.  The year is part of each key, so only sections of the same year meet.
    """
    if not items:
        return np.empty((0, BANDS), dtype=np.int64)
    tokens = [clauses(section, text) or [section.encode()] for _year, section, text in items]
    minhashes = MinHash.bulk(tokens, num_perm=BANDS * ROWS, hashfunc=_crc32, permutations=_PERMUTATIONS,
                             scheme="affine32")
    values = np.stack([m.hashvalues for m in minhashes]).astype(np.uint64).reshape(len(items), BANDS, ROWS)
    salts = np.array([zlib.crc32(f"{year}:{section}".encode()) for year, section, _text in items], dtype=np.uint64)
    keys = (values * _FOLD[:ROWS]).sum(axis=2, dtype=np.uint64)
    keys += salts[:, None] * _FOLD[ROWS] + _FOLD[ROWS + 1:]
    return keys.view(np.int64)
