"""Discovery without per-site code: what a link on a government site leads to, judged by its text and URL.

A district site hides its annual reports two or three clicks from the home page: home → the
information-disclosure area (政务公开 / 政府信息公开 / 信息公开) → the annual-report column (信息公开年报,
政府信息公开工作年度报告, 部门年报, …) → one article per report.  Every link is put in one of those
roles by scoring its text and URL; reports are told apart from their look-alikes (budgets, final
accounts, 政府工作报告, statistical bulletins, 图解 and notices about writing the report).
"""

from __future__ import annotations

import re
from enum import Enum
from urllib.parse import urlsplit


class Role(Enum):
    """What a link leads to."""

    AREA = "area"  # the information-disclosure area: follow to find the column
    COLUMN = "column"  # an annual-report column or department sub-column: walk its listing pages
    REPORT = "report"  # one annual report (article page or attachment)


_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
_DISCLOSURE = re.compile(r"信息公开|政务公开")
_REPORT_WORDS = re.compile(r"年度报告|年报|工作报告")
# Titles that mention the annual report but are something else: a picture summary, an
# interpretation, the notice telling departments to write it, a draft, a review of it.
_NOT_A_REPORT = re.compile(
    r"图解|图示|一图|解读|读懂|通知|关于|草稿|征求意见|意见稿|测评|评估|考核|指南|目录|预算|决算|统计公报|政府工作报告|链接失效"
)
_AREA_TEXT = re.compile(r"^(?:政府)?(?:政务公开|信息公开|政府信息公开)(?:专栏|平台|目录|网)?$")
_COLUMN_TEXT = re.compile(r"年报|年度报告")
_COLUMN_URL = re.compile(r"(?:^|[/_])(?:ndbg|xxgknb|zfxxgkndbg|xxgkndbg|gknb|nb|ndbgs)(?:[/_.]|$)", re.I)
_AREA_URL = re.compile(r"(?:^|/)(?:zwgk|xxgk|zfxxgk|gkml)(?:/|$)", re.I)
# Navigation labels are short; anything longer is an article title that happens to name the area.
_MAX_LABEL_CHARS = 16
ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".ofd")
_WAP_TWIN = re.compile(r"_wap(\.s?html?)$", re.I)


def clean_text(text: str) -> str:
    """Link text with all whitespace removed (titles are split across lines and padded with nbsp)."""
    return re.sub(r"\s+", "", text or "")


def is_report_title(title: str) -> bool:
    """A title of an information-disclosure annual report: a year, 信息公开 and 年度报告/年报, no look-alike."""
    title = clean_text(title)
    return bool(
        _YEAR.search(title)
        and _DISCLOSURE.search(title)
        and _REPORT_WORDS.search(title)
        and not _NOT_A_REPORT.search(title)
    )


def is_attachment_url(url: str) -> bool:
    """A link to a PDF, Word or WPS file rather than a page."""
    return urlsplit(url).path.lower().endswith(ATTACHMENT_EXTENSIONS)


def canonical_report_url(url: str) -> str:
    """The desktop page of a mobile twin (``t20230118_11520599_wap.html`` → ``t20230118_11520599.html``)."""
    parts = urlsplit(url)
    path = _WAP_TWIN.sub(r"\1", parts.path)
    return parts._replace(path=path).geturl()


def column_score(text: str, url: str) -> int:
    """How strongly a link looks like an annual-report column (0 = not at all)."""
    text = clean_text(text)
    if len(text) > _MAX_LABEL_CHARS or _YEAR.search(text) or _NOT_A_REPORT.search(text):
        return 0
    score = 0
    if _COLUMN_TEXT.search(text):
        score += 2
        score += 1 if _DISCLOSURE.search(text) else 0
    if score and _COLUMN_URL.search(urlsplit(url).path):
        score += 1
    return score


def area_score(text: str, url: str) -> int:
    """How strongly a link looks like the information-disclosure area (0 = not at all)."""
    text = clean_text(text)
    if not _AREA_TEXT.match(text):
        return 0
    return 2 + (1 if _AREA_URL.search(urlsplit(url).path) else 0)


def classify_link(text: str, url: str) -> Role | None:
    """The role of a link with this text and URL, or None for everything a crawl should skip."""
    if is_report_title(text):
        return Role.REPORT
    if column_score(text, url):
        return Role.COLUMN
    if area_score(text, url):
        return Role.AREA
    return None
