"""The soft-error rule: a 200 answer that is not the report must not replace a good archived version.

Government servers answer 200 with a maintenance notice, a firewall's "visit too frequent" page or a
CMS error template in place of an article.  Such bytes are kept as a version (they are what the server
said), but the document's current version stays the good report and no ``modified`` change is
recorded, unless the new bytes still parse as a report of the same year by the same body.
"""

from __future__ import annotations

SOFT_ERROR = "soft_error"


def is_good_report(report: dict | None) -> bool:
    """Whether ``report`` is a readable annual report worth protecting: a template and a year."""
    return report is not None and report.get("year") is not None and report.get("template") not in (None, "unknown")


def report_identity(report: dict) -> tuple[object, object]:
    """What makes two parses the same report: its year and the body that issued it (org, else region)."""
    return report.get("year"), report.get("org") or report.get("region")


def is_soft_error(current: dict | None, new: dict | None) -> bool:
    """Whether ``new`` (a parse, None if unreadable) must not replace ``current`` (the archived report).

    Only a good current report is protected; anything may replace an unreadable or unknown one.
    """
    if not is_good_report(current):
        return False
    return not is_good_report(new) or report_identity(new) != report_identity(current)
