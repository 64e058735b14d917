"""What the spider hands to the item pipeline: plain dataclasses, one per outcome of a report request."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ReportDocument:
    """A report fetched in full (article page or attachment): to be archived as a version."""

    site_id: str
    url: str
    body: bytes
    status: int
    headers: dict[str, str]
    title: str = ""


@dataclass
class ReportNotModified:
    """A report the server answered 304 for: still there, same as the archived version."""

    site_id: str
    url: str


@dataclass
class ReportMissing:
    """A report that was listed but is gone: ``not_found`` (404/410) or ``soft404`` (redirected to a column)."""

    site_id: str
    url: str
    status: int | None
    reason: str


@dataclass
class SiteCrawled:
    """Sent once per site when its last request is settled.

    ``listed`` holds every report URL the site showed this run; ``failures`` is empty only when every
    page of it loaded, which is the condition for treating an archived report missing from ``listed``
    as gone from the listing.
    """

    site_id: str
    listed: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)
