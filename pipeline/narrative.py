"""Check what the report's text says against what its tables say.

Reports restate their numbers in prose (``共受理政府信息公开申请859件``, ``无法提供265件``) and often
claim that no review or lawsuit arose.  A statement that the tables contradict is a
``narrative_contradiction``; statements the tables do not cover are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Metrics = dict[str, float]
_CLAUSE_END = r"[^。；;，,、\d]"


def _sum(prefix: str) -> Callable[[Metrics], float | None]:
    def total(metrics: Metrics) -> float | None:
        keys = [k for k in metrics if k.startswith(prefix) and k.endswith(".all")]
        if "applications.other.total.all" in keys:
            # The 2019 template's single （六） row is already the total of its kind.
            keys = ["applications.other.total.all"]
        return sum(metrics[k] for k in keys) if keys else None
    return total


def _keys(*keys: str) -> Callable[[Metrics], float | None]:
    def total(metrics: Metrics) -> float | None:
        return sum(metrics[k] for k in keys) if all(k in metrics for k in keys) else None
    return total


# (phrase, what the tables say, description).  Longer phrases come first: their spans are taken
# out of the text so that 予以公开及部分公开 is not read again as 予以公开.
_CLAIMS: tuple[tuple[str, Callable[[Metrics], float | None], str], ...] = (
    (r"予以公开(?:及|和|与|、)部分公开", _keys("applications.granted.all", "applications.partially_granted.all"),
     "予以公开 + 部分公开"),
    (r"(?<!不)予以公开", _keys("applications.granted.all"), "（一）予以公开"),
    (r"部分公开", _keys("applications.partially_granted.all"), "（二）部分公开"),
    (r"不予公开", _sum("applications.denied."), "（三）不予公开"),
    (r"无法提供", _sum("applications.unavailable."), "（四）无法提供"),
    (r"不予处理", _sum("applications.not_processed."), "（五）不予处理"),
    (r"其他处理", _sum("applications.other."), "（六）其他处理"),
    (r"行政复议", _keys("appeals.review.total"), "行政复议 总计"),
    (r"(?<!复议)(?:行政)?诉讼", _keys("appeals.litigation_direct.total", "appeals.litigation_after_review.total"),
     "行政诉讼 总计"),
)
_CLAIM_PATTERNS = tuple((re.compile(phrase + _CLAUSE_END + r"{0,8}?(\d+)\s*件"), value, description)
                        for phrase, value, description in _CLAIMS)
_RECEIVED = re.compile(r"(?:受理|收到|新收|接收)[^。；;，,\d]{0,16}?申请[^。；;，,\d]{0,8}?(\d+)\s*件")
_NONE_CLAIM = re.compile(
    r"(?<!未经)(?:没有|未|无)(?!法)(?:发生|出现|收到|产生|有|被)?[^。；;]{0,30}?(行政复议|行政诉讼|复议|诉讼)[^。；;]{0,12}"
)


def check_narrative(paragraphs: list[str], metrics: Metrics) -> list[dict]:
    """Findings for each statement of the text that the tables contradict."""
    findings: list[dict] = []
    for text in paragraphs:
        # Every statement of a number ends in 件 and every claim of no appeals names 复议 or 诉讼:
        # most paragraphs have neither and need none of the patterns tried on them.
        if "件" in text:
            findings += _numbers_stated(text, metrics)
        if "复议" in text or "诉讼" in text:
            findings += _no_appeals_stated(text, metrics)
    return findings


def _numbers_stated(text: str, metrics: Metrics) -> list[dict]:
    findings = []
    received = [metrics.get("applications.new_received.all"), metrics.get("applications.total.all")]
    if received[0] is not None and "applications.carried_over.all" in metrics:
        received.append(received[0] + metrics["applications.carried_over.all"])
    for match in _RECEIVED.finditer(text):
        stated = int(match.group(1))
        if received[0] is not None and stated not in received:
            findings.append(_finding(f"the text says {match.group(0)}, but table 三 gives 一、本年新收 "
                                     f"{received[0]:g}", "applications.new_received.all"))
    remaining = _RECEIVED.sub("", text)
    for pattern, table_value, description in _CLAIM_PATTERNS:
        for match in pattern.finditer(remaining):
            expected = table_value(metrics)
            if expected is not None and int(match.group(1)) != expected:
                findings.append(_finding(f"the text says {match.group(0)}, but the tables give {description} "
                                         f"{expected:g}", None))
        remaining = pattern.sub("", remaining)
    return findings


def _no_appeals_stated(text: str, metrics: Metrics) -> list[dict]:
    reviews = metrics.get("appeals.review.total") or 0
    lawsuits = (metrics.get("appeals.litigation_direct.total") or 0) + (
        metrics.get("appeals.litigation_after_review.total") or 0)
    for match in _NONE_CLAIM.finditer(text):
        claim = match.group(0)
        denied_reviews = "复议" in claim and reviews > 0
        denied_lawsuits = "诉讼" in claim and lawsuits > 0
        if denied_reviews or denied_lawsuits:
            return [_finding(f"the text says '{claim}', but table 四 reports {reviews:g} administrative reviews "
                             f"and {lawsuits:g} lawsuits", "appeals.review.total")]
    return []


def _finding(detail: str, key: str | None) -> dict:
    finding = {"kind": "narrative_contradiction", "detail": detail}
    if key:
        finding["key"] = key
    return finding

