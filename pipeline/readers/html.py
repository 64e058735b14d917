"""Reader for HTML reports: the article body as paragraphs and true table grids.

Pages come whole from government CMSs (site chrome, breadcrumbs, footers, counters) or as Word
exports (``<p class=MsoNormal><span style='mso-…'>`` in every cell).  The reader keeps the hot
path on lxml; it finds the article body, rebuilds each data table's grid from rowspan/colspan,
and turns everything else into paragraphs.
"""

from __future__ import annotations

import re

from lxml import etree

from ..document import Block, Cell, Document, Paragraph, Table
from ..encoding import decode, is_plain_utf8
from ..errors import ParseError

# A span larger than this is a typo or an attack, not a table layout.
MAX_SPAN = 200
# The three tables have about 400 cells; a page with this many is junk or an attack.
MAX_CELLS = 100_000

_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "section", "article",
    "header", "footer", "blockquote", "pre", "address", "center", "form", "hr", "br", "tr", "caption", "title",
})
# Tags that end the line of text before them and start a new one.
_BREAK_TAGS = _BLOCK_TAGS | {"td", "th", "table"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same characters as bytes: in UTF-8 they never occur inside a multi-byte character.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_DROP_TAGS = ("script", "style", "noscript", "iframe", "object", "embed", "select", "button", "textarea")
_CHROME = re.compile(
    r"^(nav|menu|header|head|footer|foot|bottom|breadcrumb|crumbs?|position|location|dqwz|wzdh|share|"
    r"related|xgxx|xglj|links?|friend|copyright|visit|counter|search|sidebar|aside|toolbar|print)([-_].*)?$",
    re.I,
)
_ARTICLE = re.compile(
    r"^(zoom|article|content|contents|trs_editor|custom_unionstyle|detail|details|zw|wzzw|xxgk_content|"
    r"main[-_]?text|text|view|news[-_]?content|bt_content|pages_content|con)([-_].*)?$",
    re.I,
)
_META_FIELDS = ("索引号", "发布机构", "发文机关", "发文日期", "成文日期", "发布日期", "发布时间", "文号",
                "主题分类", "公开方式", "信息来源", "来源")
_META_RE = re.compile(
    r"(" + "|".join(_META_FIELDS) + r")\s*[:：]\s*([^\s:：|]{1,60}?(?:\s\d{1,2}:\d{2}(?::\d{2})?)?)"
    r"(?=\s|$|\||" + "|".join(_META_FIELDS) + ")"
)


def read(data: bytes) -> Document:
    """Parse an HTML page into a :class:`Document`."""
    page = _utf8_page(data)
    try:
        root = etree.fromstring(page, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as error:
        raise ParseError(f"not a readable HTML document: {error}") from error
    if root is None:
        raise ParseError("not a readable HTML document: no elements")
    # Every element needs a "<", so a page with few of them cannot have too many cells and
    # needs no count over the tree.
    if page.count(b"<") > MAX_CELLS:
        cells = int(root.xpath("count(//td | //th)"))
        if cells > MAX_CELLS:
            raise ParseError(f"HTML document has {cells} table cells, over the {MAX_CELLS} a report could have")
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)
    meta = page_metadata(root)
    title = page_title(root)
    body = article_body(root)
    document = Document(kind="html", title=title, meta=meta, images=sum(1 for _img in body.iterdescendants("img")))
    document.blocks = list(_blocks(body))
    return document


def _utf8_page(data: bytes) -> bytes:
    """The page as UTF-8 bytes without control characters, which are not allowed in lxml text
    and never mean anything in a report.  Most pages are UTF-8 already: their bytes are kept,
    saving a decode to text and an encode back."""
    if is_plain_utf8(data):
        return data.translate(None, _CONTROL_BYTES)
    return _CONTROL.sub("", decode(data)).encode("utf-8")


# The plain etree parser: lxml.html's element classes cost a lookup on every node touched.
_PARSER = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _text(element: etree._Element) -> str:
    """All the text inside ``element`` (not its tail), serialized by lxml in one call."""
    return etree.tostring(element, method="text", encoding=str, with_tail=False)


def page_title(root: etree._Element) -> str | None:
    """The report title: the first of the ``ArticleTitle`` meta, headings and ``<title>`` that
    names a report (site headers are ``<h1>`` too), else the first of them at all."""
    candidates = []
    # In document order, like an XPath union but without its cost per node of the page.
    for element in root.iter("meta", "h1", "h2", "title"):
        if element.tag != "meta":
            candidates.append(_clean(_text(element)))
        elif element.get("name") == "ArticleTitle" and element.get("content") is not None:
            candidates.append(_clean(element.get("content")))
    candidates = [c for c in candidates if c]
    reports = [c for c in candidates if "报告" in c or "年报" in c]
    return (reports or candidates or [None])[0]


# The <meta name=…> tags that carry the publication date.
_PUBLISHED_NAMES = frozenset({"PubDate", "pubdate", "publishdate", "firstpublishedtime"})


def page_metadata(root: etree._Element) -> dict[str, str]:
    """The CMS metadata block (索引号, 发布机构, 发文日期 …) as ``{label: value}``."""
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        value = element.get("content")
        if value is not None and element.get("name") in _PUBLISHED_NAMES:
            meta.setdefault("发布日期", value.strip())
    page = etree.tostring(root, method="text", encoding=str)
    if any(field in page for field in _META_FIELDS):
        for label, value in _META_RE.findall(page):
            meta.setdefault(label, value)
    return meta


def _classes(element: etree._Element) -> list[str]:
    return [*(element.get("class") or "").split(), element.get("id") or ""]


def article_body(root: etree._Element) -> etree._Element:
    """The element holding the report: a known article container, else the page without chrome."""
    body = root.find("body")
    if body is None:
        body = root
    for element in _chrome_candidates(body):
        chrome = element.tag in _CHROME_TAGS or any(_CHROME.match(c) for c in _classes(element) if c)
        # A "chrome" element that holds a data table is a mislabelled article, not chrome.
        if chrome and element.getparent() is not None and not element.xpath(".//table//td"):
            _drop(element)
    best, best_len = body, 0
    for element in body.iterdescendants(*_ARTICLE_TAGS):
        if element.tag in ("div", "td") and element.get("class") is None and element.get("id") is None:
            continue
        if any(_ARTICLE.match(c) for c in _classes(element) if c):
            size = len(_text(element))
            if size > best_len:
                best, best_len = element, size
    # Some CMSs keep the article's text and its tables in sibling containers: a container
    # without the page's tables is not the whole report.
    if best_len < 200 or (best.find(".//td") is None and body.find(".//td") is not None):
        return body
    return best


_CHROME_TAGS = ("nav", "footer", "aside")
# Chrome is a container; Word marks every paragraph and span with a class, none of them chrome.
_NEVER_CHROME = frozenset({"p", "span", "font", "a", "b", "strong", "tr", "td"})
_ARTICLE_TAGS = ("div", "td", "article", "section")


def _chrome_candidates(body: etree._Element) -> list[etree._Element]:
    """The elements that may be chrome, in document order: nav, footer and aside, and containers
    with a class or id.  A list, because dropping one must not cut the walk short; a Python walk,
    because an XPath predicate costs more per node on these pages."""
    return [
        element for element in body.iterdescendants(etree.Element)
        if (tag := element.tag) in _CHROME_TAGS
        or (tag not in _NEVER_CHROME and (element.get("class") is not None or element.get("id") is not None))
    ]


def _drop(element: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _blocks(element: etree._Element) -> list[Block]:
    """Paragraphs and tables of ``element`` in document order."""
    blocks: list[Block] = []
    line: list[str] = []

    def flush(keep_empty: bool = False) -> None:
        text = _clean("".join(line))
        if text or keep_empty:
            blocks.append(Paragraph(text))
        line.clear()

    def walk(node: etree._Element) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag == "table" and next(node.iterdescendants("table"), None) is None:
            flush()
            table = build_grid(node)
            if table.rows:
                blocks.append(table)
            return
        block = tag in _BREAK_TAGS
        if block:
            flush()
        if node.text and tag:
            line.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                line.append(child.tail)
        if block:
            # An empty <p> is kept: in a table flattened into paragraphs it is a blank cell.
            flush(keep_empty=tag == "p")

    walk(element)
    flush()
    return blocks


def _span(value: str | None) -> int:
    if value is None:
        return 1
    try:
        return max(1, min(int((value or "1").strip() or 1), MAX_SPAN))
    except ValueError:
        return 1


def _cell_text(cell: etree._Element) -> str:
    # Word splits one number or label over several spans and paragraphs ("2"+"0" is 20,
    # "（三）"+"不予公开" one label): join the pieces without inserting separators.
    if len(cell) == 0:
        return _clean(cell.text or "")
    return _clean(_text(cell))


def build_grid(table: etree._Element) -> Table:
    """Rebuild a table's true grid from rowspan/colspan; each row lists the cells covering it."""
    trs = _table_rows(table)
    grid: list[list[Cell | None]] = [[] for _ in trs]
    for r, tr in enumerate(trs):
        slots = grid[r]
        c = 0
        for td in tr.iterchildren("td", "th"):
            while c < len(slots) and slots[c] is not None:
                c += 1
            rowspan, colspan = td.get("rowspan"), td.get("colspan")
            if rowspan is None and colspan is None:
                # Most cells span nothing: the free slot found above is theirs alone.
                cell = Cell(_cell_text(td), r, c)
                if c < len(slots):
                    slots[c] = cell
                else:
                    slots.append(cell)
                c += 1
                continue
            rowspan = 1 if rowspan is None else min(_span(rowspan), len(trs) - r)
            colspan = 1 if colspan is None else _span(colspan)
            cell = Cell(_cell_text(td), r, c, rowspan, colspan)
            end = c + colspan
            for below in grid[r : r + rowspan] if rowspan > 1 else (slots,):
                if len(below) < end:
                    below.extend([None] * (end - len(below)))
                below[c:end] = [cell] * colspan
            c = end
    rows = []
    for slots in grid:
        row: list[Cell] = []
        for cell in slots:
            if cell is not None and (not row or row[-1] is not cell):
                row.append(cell)
        rows.append(row)
    return Table(rows)


def _table_rows(table: etree._Element) -> list[etree._Element]:
    """The table's own ``<tr>``, directly or in its thead/tbody/tfoot, in document order."""
    trs = []
    for child in table.iterchildren("tr", "thead", "tbody", "tfoot"):
        if child.tag == "tr":
            trs.append(child)
        else:
            trs.extend(child.iterchildren("tr"))
    return trs
