"""Raw bytes, content-addressed by SHA-256 and zstd-compressed, stored once however often they recur."""

from __future__ import annotations

import hashlib

import sqlite_utils
import zstandard

COMPRESSION = "zstd"
# Level 3 (the default) keeps compression off the ingest profile; higher levels gain little on HTML.
_COMPRESSOR = zstandard.ZstdCompressor(level=3)
_DECOMPRESSOR = zstandard.ZstdDecompressor()


def sha256(data: bytes) -> str:
    """The hex SHA-256 of ``data``: a blob's identity."""
    return hashlib.sha256(data).hexdigest()


def put_blob(db: sqlite_utils.Database, data: bytes, digest: str | None = None) -> str:
    """Store ``data`` unless a blob with the same hash exists; return its hash."""
    digest = digest or sha256(data)
    exists = db.execute("SELECT 1 FROM blobs WHERE sha256 = ?", [digest]).fetchone()
    if not exists:
        db.execute(
            "INSERT INTO blobs (sha256, size, compression, content) VALUES (?, ?, ?, ?)",
            [digest, len(data), COMPRESSION, _COMPRESSOR.compress(data)],
        )
    return digest


def get_blob(db: sqlite_utils.Database, digest: str) -> bytes:
    """The original bytes of blob ``digest``; KeyError if there is none."""
    row = db.execute("SELECT compression, content FROM blobs WHERE sha256 = ?", [digest]).fetchone()
    if row is None:
        raise KeyError(f"no blob {digest}")
    compression, content = row
    if compression != COMPRESSION:
        raise ValueError(f"blob {digest}: unknown compression {compression!r}")
    return _DECOMPRESSOR.decompress(content)
