"""Errors the normalizer raises: each message is one sentence a user can act on."""


class ParseError(Exception):
    """The document could not be read at all (empty, truncated, corrupt, over a limit)."""


class UnsupportedFormat(ParseError):
    """The document is in a format this installation cannot read; ``hint`` says what would help."""

    def __init__(self, kind: str, hint: str = "") -> None:
        self.kind = kind
        self.hint = hint
        super().__init__(f"unsupported format: {kind}" + (f" ({hint})" if hint else ""))
