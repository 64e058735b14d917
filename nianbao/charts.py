"""A Datasette plugin (entry point ``datasette: nianbao_charts``): applications by outcome over the years.

``/-/nianbao/applications?region=青岚区`` draws, for the current reports of one region (all its
government's and departments' reports summed), a stacked bar per year of table 三's outcomes
(予以公开, 部分公开 …).  The chart is SVG drawn on the server, so the page works offline, with no
script and nothing fetched from elsewhere.  The menu of every Datasette page links to it.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from datasette import Response, hookimpl

PATH = "/-/nianbao/applications"
# (reports column, Chinese label of table 三's outcome block, bar colour).
OUTCOMES = (
    ("applications_granted", "予以公开", "#4c78a8"),
    ("applications_partially_granted", "部分公开", "#72b7b2"),
    ("applications_denied", "不予公开", "#e45756"),
    ("applications_unavailable", "无法提供", "#f58518"),
    ("applications_not_processed", "不予处理", "#b279a2"),
    ("applications_other", "其他处理", "#9d755d"),
)
BAR, GAP, HEIGHT, LEFT, TOP = 56, 28, 260, 48, 16

_YEARS_SQL = (f"SELECT year, {', '.join(f'coalesce(sum({c}), 0)' for c, _, _ in OUTCOMES)} FROM reports "
              "WHERE is_current = 1 AND region = :region AND year IS NOT NULL GROUP BY year ORDER BY year")
_REGIONS_SQL = "SELECT DISTINCT region FROM reports WHERE is_current = 1 AND region IS NOT NULL ORDER BY region"


def bars_svg(years: list[tuple]) -> str:
    """Stacked bars, one per ``(year, count per outcome…)`` row, with a y axis and year labels."""
    top = max((sum(row[1:]) for row in years), default=0) or 1
    scale = HEIGHT / top
    width = LEFT + len(years) * (BAR + GAP) + GAP
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT + TOP + 40}" '
             f'role="img" aria-label="applications by outcome">',
             f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + HEIGHT}" stroke="#888"/>',
             f'<text x="{LEFT - 6}" y="{TOP + 4}" text-anchor="end" font-size="12">{top}</text>',
             f'<text x="{LEFT - 6}" y="{TOP + HEIGHT}" text-anchor="end" font-size="12">0</text>']
    for index, (year, *counts) in enumerate(years):
        x, y = LEFT + GAP + index * (BAR + GAP), TOP + HEIGHT
        for (_column, label, colour), count in zip(OUTCOMES, counts, strict=True):
            if count:
                y -= count * scale
                parts.append(f'<rect class="bar" x="{x}" y="{y:.1f}" width="{BAR}" height="{count * scale:.1f}" '
                             f'fill="{colour}"><title>{year} {label}: {count} 件</title></rect>')
        parts.append(f'<text x="{x + BAR / 2}" y="{TOP + HEIGHT - sum(counts) * scale - 4:.1f}" '
                     f'text-anchor="middle" font-size="12">{sum(counts)}</text>')
        parts.append(f'<text class="year" x="{x + BAR / 2}" y="{TOP + HEIGHT + 18}" text-anchor="middle" '
                     f'font-size="13">{year}</text>')
    return "".join(parts) + "</svg>"


def legend_html() -> str:
    """The outcomes' colours and Chinese labels."""
    return "".join(f'<span class="key"><i style="background:{colour}"></i>{label}</span>'
                   for _column, label, colour in OUTCOMES)


def page_html(region: str, regions: list[str], years: list[tuple], database: str) -> str:
    """The whole page: region links, the chart, its legend and the numbers as a table."""
    links = " · ".join(f'<a href="{PATH}?region={quote(name)}">{escape(name)}</a>' for name in regions)
    head = "".join(f"<th>{label}</th>" for _c, label, _k in OUTCOMES)
    rows = "".join(f"<tr><td>{year}</td>{''.join(f'<td>{n}</td>' for n in counts)}</tr>" for year, *counts in years)
    body = (bars_svg(years) + f'<p class="legend">{legend_html()}</p>'
            f"<table><tr><th>年度</th>{head}</tr>{rows}</table>") if years else "<p>No reports for this region.</p>"
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>依申请公开办理结果 {escape(region)}</title><style>
body{{font-family:sans-serif;margin:1.5em;color:#222}} .key{{margin-right:1em}}
.key i{{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}}
table{{border-collapse:collapse}} td,th{{border:1px solid #ccc;padding:2px 8px;text-align:right}}
</style></head><body>
<p><a href="/{escape(database)}">{escape(database)}</a> › applications by outcome</p>
<h1>{escape(region)}：依申请公开办理结果（件）</h1>
<p>Table 三 of the current reports of {escape(region)}, government and departments summed, by year.</p>
<p>Regions: {links}</p>{body}</body></html>"""


async def applications_page(datasette, request) -> Response:
    """The chart of ``?region=`` (the first region if none) in the first database."""
    database = datasette.get_database()
    regions = [row[0] for row in (await database.execute(_REGIONS_SQL)).rows]
    region = request.args.get("region") or (regions[0] if regions else "")
    years = [tuple(row) for row in (await database.execute(_YEARS_SQL, {"region": region})).rows]
    return Response.html(page_html(region, regions, years, database.name))


@hookimpl
def register_routes() -> list:
    """Serve the chart page."""
    return [(rf"^{PATH}$", applications_page)]


@hookimpl
def menu_links(datasette) -> list[dict]:
    """Link the chart from Datasette's menu."""
    return [{"href": datasette.urls.path(PATH), "label": "Chart: applications by outcome"}]
