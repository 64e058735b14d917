"""Match printed labels against the template's official labels.

Labels are compared after removing what varies without meaning: whitespace, full-width forms,
punctuation, numbering (（一）/(一)/一、/1./①) and parenthetical notes.  What still differs but is
close (``本年度止件数`` for ``本年废止件数``) is accepted as a variant and reported.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

# Below this similarity (0–100) two labels are different labels, not a typo of one another.
VARIANT_THRESHOLD = 80
# Labels this short match only exactly: one wrong character is a different word.
MIN_FUZZY_LENGTH = 4
# A label cut short is recognised from this many characters on.
MIN_PREFIX_LENGTH = 8

_CIRCLED = re.compile(r"^[\u2460-\u2473\u2776-\u277f]")
_NUMBERING = re.compile(r"^(?:第?[一二三四五六七八九十]+[、.,．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.,．])")
_PARENTHETICAL = re.compile(r"[(（][^()（）]*[)）]")
_PUNCTUATION = re.compile(r"[\s\"'“”‘’、，,。.．:：;；/／\\\-—_·•*＊【】\[\]《》<>〈〉「」|｜!！?？]+")


@lru_cache(maxsize=1 << 16)
def normalize_label(text: str) -> str:
    """The comparable core of a label."""
    # Circled numbers (①) must go before NFKC turns them into bare digits glued to the label.
    text = _CIRCLED.sub("", text.strip())
    text = unicodedata.normalize("NFKC", text)
    text = "".join(text.split())
    previous = None
    while previous != text:
        previous = text
        text = _NUMBERING.sub("", text)
    text = _PARENTHETICAL.sub("", text)
    return _PUNCTUATION.sub("", text)


@dataclass(frozen=True)
class LabelMatch:
    """The official label a printed one was matched to; ``exact`` is False for variants."""

    key: str
    official: str
    exact: bool
    score: float


class LabelIndex:
    """Official labels (with accepted aliases) of one kind, ready for matching."""

    def __init__(self, entries: dict[str, tuple[str, ...]]) -> None:
        self._by_core: dict[str, tuple[str, str]] = {}
        for key, labels in entries.items():
            for label in labels:
                core = normalize_label(label)
                if core:
                    self._by_core.setdefault(core, (key, labels[0]))
        self._cores = list(self._by_core)
        # fuzz.ratio ≥ 80 needs the shorter string to be at least 2/3 of the longer one.
        self._longest = max((len(core) for core in self._cores), default=0) * 3 // 2
        # Reports repeat the same few hundred labels: fuzzy matching each once is enough.
        self._cache: dict[str, LabelMatch | None] = {}

    def match(self, text: str) -> LabelMatch | None:
        """The best official label for ``text``, or None when nothing is close enough."""
        if text not in self._cache:
            if len(self._cache) > 1 << 16:
                self._cache.clear()
            self._cache[text] = self._match(text)
        return self._cache[text]

    def _match(self, text: str) -> LabelMatch | None:
        core = normalize_label(text)
        if not core:
            return None
        if core in self._by_core:
            key, official = self._by_core[core]
            return LabelMatch(key, official, True, 100.0)
        if len(core) < MIN_FUZZY_LENGTH or len(core) > self._longest:
            return None
        best = process.extractOne(core, self._cores, scorer=fuzz.ratio, score_cutoff=VARIANT_THRESHOLD)
        if best is not None and len(best[0]) >= MIN_FUZZY_LENGTH:
            key, official = self._by_core[best[0]]
            return LabelMatch(key, official, False, best[1])
        return self._abbreviation(core)

    def _abbreviation(self, core: str) -> LabelMatch | None:
        """A long label cut short (``1.申请人无正当理由逾期不补正``), if it begins only one label."""
        if len(core) < MIN_PREFIX_LENGTH:
            return None
        found = {self._by_core[c] for c in self._cores if len(c) > len(core) and c.startswith(core)}
        if len(found) != 1:
            return None
        key, official = found.pop()
        return LabelMatch(key, official, False, 100.0 * len(core) / len(normalize_label(official)))


_SEGMENT_START = re.compile(
    r"(?=[(（][一二三四五六七八九十]{1,3}[)）])|(?=(?<![\d.．])\d{1,2}[.．、](?!\d))|(?=(?<![一二三四五六七八九十])[一二三四五六七八九十]{1,2}、)"
)


def label_segments(text: str) -> list[str]:
    """Split a cell that glues a parent and a child label (``三、本年度办理结果（一）予以公开``)."""
    return list(_segments(text))


@lru_cache(maxsize=1 << 16)
def _segments(text: str) -> tuple[str, ...]:
    # Reports repeat the same few hundred labels, and the split tries its pattern at every
    # character: splitting each label once is enough.
    return tuple(part for part in _SEGMENT_START.split(text.strip()) if part.strip())
