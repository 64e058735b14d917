"""What a report is: title, publishing body, region and its code, report year, publication date."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import Document
from .gazetteer import locate

_REPORT_WORDS = ("年度报告", "年报")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_CN_DIGITS = dict(zip("〇○零ＯO一二三四五六七八九", "00000123456789", strict=True))
_CN_YEAR = re.compile(r"([二][〇○零Ｏ0O][一二三四五六七八九〇○零Ｏ0O]{2})\s*年")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})\s*日?")
_CN_DATE = re.compile(r"[\d〇○零一二三四五六七八九十]+年.+月.+日")
_SPACE_NEAR_CJK = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")
_PERIOD = re.compile(r"统计期限[^。]{0,10}?((?:19|20)\d{2})年")
_ORG_WORDS = ("政府", "办公室", "办公厅", "委员会", "局", "厅", "署", "院", "中心", "管委会", "街道", "镇", "乡",
              "公司", "委", "办", "部", "所", "队", "站", "馆")
_BARE_REGION = re.compile(r"^.{1,12}?(?:自治州|自治县|自治旗|综合实验区|新区|地区|林区|省|市|区|县|旗|盟)$")
_PUBLISHED_FIELDS = ("发布日期", "发布时间", "发文日期", "成文日期")


@dataclass
class Metadata:
    """The descriptive fields of a report; any may be None when the report does not say."""

    title: str | None = None
    org: str | None = None
    region: str | None = None
    region_code: str | None = None
    year: int | None = None
    published: str | None = None


def describe(document: Document) -> Metadata:
    """Read a report's metadata from its title, metadata block, text and signature."""
    paragraphs = [p for p in document.paragraphs if p]
    title = report_title(document.title, paragraphs)
    year = report_year(title, paragraphs)
    org = report_org(title, paragraphs)
    region, code = locate(org or title or "")
    return Metadata(title, org, region, code, year, published_date(document.meta, paragraphs))


def report_title(stated: str | None, paragraphs: list[str]) -> str | None:
    """The title: the container's if it names a report, else the first line that does."""
    candidates = [stated] if stated else []
    for i, text in enumerate(paragraphs[:20]):
        line = " ".join(text.split())
        if len(line) > 80:
            continue
        if i and re.match(r"^(?:19|20)\d{2}\s*年", line) and len(paragraphs[i - 1]) <= 30 \
                and any(w in line for w in _REPORT_WORDS):
            # A title broken after the body's name: "XX区人民政府办公室" / "2022年…年度报告".
            candidates.append(" ".join(paragraphs[i - 1].split()) + line)
        candidates.append(line)
    scored = [(_title_score(c), -i, c) for i, c in enumerate(candidates) if any(w in c for w in _REPORT_WORDS)]
    if not scored:
        return stated
    return _strip_site_suffix(max(scored)[2])


def _title_score(candidate: str) -> int:
    # A title names the year and the subject; a bare "政府信息公开工作年度报告" (a PDF's metadata
    # title) is only a fallback.
    return 2 * bool(_year_in(candidate)) + ("政府信息公开" in candidate)


def _strip_site_suffix(title: str) -> str:
    # CMS page titles append the site: "…年度报告_XX区人民政府" or "…年度报告 - 门户网站".
    title = re.split(r"\s*[_|｜]\s*|\s+[-—]\s+", title.strip())[0].strip()
    # PDF text layers put spaces around numbers ("2024 年"); Chinese titles have none.
    return _SPACE_NEAR_CJK.sub("", title)


def _year_in(text: str) -> int | None:
    match = _YEAR.search(text)
    if match:
        return int(match.group(1))
    match = _CN_YEAR.search(text)
    if match:
        return int("".join(_CN_DIGITS.get(ch, ch) for ch in match.group(1)))
    return None


def report_year(title: str | None, paragraphs: list[str]) -> int | None:
    """The year the report covers: from the title, else the statistics period, else the text."""
    if title and (year := _year_in(title)):
        return year
    text = "\n".join(paragraphs[:60])
    match = _PERIOD.search(text)
    if match:
        return int(match.group(1))
    years = [int(y) for y in _YEAR.findall(text[:3000])]
    return max(set(years), key=years.count) if years else None


def report_org(title: str | None, paragraphs: list[str]) -> str | None:
    """The publishing body: named in the title, or in the signature when the title names a place."""
    org = _org_from_title(title) if title else None
    if org and not _BARE_REGION.match(org):
        return org
    signature = _signature(paragraphs)
    if signature and (org is None or signature.startswith(org) or org in signature):
        return signature
    return org or signature


def _org_from_title(title: str) -> str | None:
    """The body a title names before its year or subject: ``XX区人民政府办公室2022年…``,
    ``2019年XX市人民政府办公厅…``, ``XX县人民政府关于印发2022年度…的通知``."""
    text = "".join(title.split()).removeprefix("关于")
    text = re.sub(r"^(?:(?:19|20)\d{2}|[二][〇○零0O][^年]{2})年度?", "", text)
    match = re.match(r"^(.+?)(?:关于|(?:(?:19|20)\d{2}|[二][〇○零0O][^年]{2})年|信息公开|政务公开)", text)
    if not match:
        return None
    org = match.group(1)
    # "XX市人民政府办公厅政府信息公开…" names the body, then the subject 政府信息公开.
    if org.endswith("政府") and org[:-2].endswith(_ORG_WORDS):
        org = org[:-2]
    return None if org in ("政府", "政务") else org


def _signature(paragraphs: list[str]) -> str | None:
    """The body named above the closing date (``XX区人民政府`` / ``2023年1月20日``)."""
    tail = [" ".join(p.split()) for p in paragraphs[-8:]]
    for i in range(len(tail) - 1, 0, -1):
        compact = tail[i].replace(" ", "")
        if _DATE.fullmatch(compact) or _CN_DATE.fullmatch(compact):
            candidate = tail[i - 1]
            if len(candidate) <= 30 and any(word in candidate for word in _ORG_WORDS):
                return candidate
    return None


def published_date(meta: dict[str, str], paragraphs: list[str]) -> str | None:
    """The publication date as ISO ``YYYY-MM-DD``: from the page's metadata, else the signature."""
    for field in _PUBLISHED_FIELDS:
        if field in meta and (date := iso_date(meta[field])):
            return date
    for text in reversed(paragraphs[-6:]):
        compact = text.replace(" ", "")
        if len(compact) <= 20 and (date := iso_date(compact)):
            return date
    return None


def iso_date(text: str) -> str | None:
    """``2020年2月11日`` or ``2020-02-11 09:30`` → ``2020-02-11``."""
    match = _DATE.search(text)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"
