"""Decode report bytes: BOM first, then the declared charset if it fits, then the content.

Chinese government pages are GBK/GB2312/GB18030 or UTF-8, and their declarations are often wrong
(a ``charset=utf-8`` header on a GBK page, or none at all).  A declaration is believed only when
the bytes decode under it without error, and only after strict UTF-8 has failed: GBK bytes are
almost never valid UTF-8, while UTF-8 bytes often decode as (wrong) GB18030.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_-]+)""", re.I)
# GB18030 is a superset of GBK and GB2312: decoding with it never loses a character they have.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}


def declared_charset(data: bytes) -> str | None:
    """The charset a ``<meta>`` tag in the first 4 KB declares, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii").lower() if match else None


def decode(data: bytes, declared: str | None = None) -> str:
    """Decode ``data`` to text; ``declared`` is an outside hint such as an HTTP charset."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    candidates = ["utf-8", *(c for c in (declared, declared_charset(data)) if c), "gb18030"]
    for name in candidates:
        codec = _SUPERSETS.get(name.lower(), name.lower())
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        return data.decode(best.encoding, errors="replace")
    return data.decode("gb18030", errors="replace")


def is_plain_utf8(data: bytes) -> bool:
    """True when ``data`` is UTF-8 without a byte-order mark: :func:`decode` reads such bytes
    as UTF-8 whatever they declare, so a caller wanting UTF-8 can keep them as they are."""
    if data.startswith(tuple(bom for bom, _codec in _BOMS)):
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
