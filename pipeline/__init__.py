"""The normalizer: any annual report in, the common schema out.

>>> from pipeline import parse_file
>>> report = parse_file("report.html")
>>> report["metrics"]["applications.new_received.all"]

``parse_bytes``/``parse_file`` return a plain dict (the JSON object of ``nianbao parse --json``
plus ``provenance``, ``text`` and ``parser_version``) or raise :class:`ParseError`.
"""

from .errors import ParseError, UnsupportedFormat
from .normalize import PARSER_VERSION, parse_bytes, parse_file

__all__ = ["PARSER_VERSION", "ParseError", "UnsupportedFormat", "parse_bytes", "parse_file"]
