"""HTML reading: true grids from rowspan/colspan, article body without chrome, any encoding."""

from __future__ import annotations

import lxml.html

from pipeline.encoding import decode
from pipeline.readers.html import build_grid, read

GRID = """<table>
<tr><th rowspan="2" colspan="2">corner</th><th colspan="2">top</th></tr>
<tr><th>a</th><th>b</th></tr>
<tr><td rowspan="2">三</td><td>x</td><td>1</td><td>2</td></tr>
<tr><td>y</td><td colspan="2">3</td></tr>
</table>"""


def test_grid_expands_spans_and_keeps_merged_cells_as_one() -> None:
    table = build_grid(lxml.html.fromstring(GRID))
    texts = [[c.text for c in row] for row in table.rows]
    assert texts == [["corner", "top"], ["corner", "a", "b"], ["三", "x", "1", "2"], ["三", "y", "3"]]
    carried = table.rows[3][0]
    assert carried is table.rows[2][0] and (carried.row, carried.rowspan) == (2, 2)
    assert [c.col for c in table.rows[3]] == [0, 1, 2]


def test_word_soup_cells_join_split_numbers_and_broken_labels() -> None:
    html = ("<table><tr><td><p class=MsoNormal><span style='mso-bidi-font-size:10.5pt'>本年新<br>制作数量</span></p>"
            "</td><td><p><span>2</span><span>0</span></p></td><td><p>&nbsp;</p></td></tr></table>")
    row = build_grid(lxml.html.fromstring(html)).rows[0]
    assert [c.text for c in row] == ["本年新制作数量", "20", ""]


def test_absurd_spans_are_capped() -> None:
    table = build_grid(lxml.html.fromstring('<table><tr><td colspan="99999999" rowspan="-3">x</td></tr></table>'))
    assert table.rows[0][0].colspan == 200 and table.rows[0][0].rowspan == 1


PAGE = """<html><head><title>云湖区2022年政府信息公开工作年度报告_云湖区人民政府</title></head><body>
<div class="header"><h1>云湖区人民政府门户网站</h1><a href="/">首页</a></div>
<div class="position">当前位置：首页 &gt; 政府信息公开</div>
<table class="xxgk"><tr><td>索引号：001/2023-00012</td><td>发布机构：云湖区人民政府办公室</td></tr>
<tr><td>成文日期：2023-01-18</td><td>发布日期：2023-01-20</td></tr></table>
<div id="zoom"><p>云湖区2022年政府信息公开工作年度报告</p><p>一、总体情况</p>
<p>2022年，云湖区持续推进政务公开工作，主动公开各类信息2000余条，回应社会关切，取得较好成效。</p>
<p>二、主动公开政府信息情况</p><table><tr><td>规章</td><td>1</td></tr></table></div>
<div class="footer">主办：云湖区人民政府办公室 访问量：123456</div>
<ul class="related"><li>2021年政府信息公开工作年度报告</li></ul>
</body></html>"""


def test_article_body_without_chrome_and_metadata_block() -> None:
    document = read(PAGE.encode())
    text = document.text()
    assert "规章\t1" in text and "当前位置" not in text and "访问量" not in text and "主办" not in text
    assert document.meta["发布日期"] == "2023-01-20"
    assert document.meta["发布机构"] == "云湖区人民政府办公室"
    assert document.title == "云湖区2022年政府信息公开工作年度报告_云湖区人民政府"


def test_encodings_are_detected_from_content() -> None:
    text = "<html><body><p>淮阳区人民政府政府信息公开工作年度报告</p></body></html>"
    no_meta = text.encode("gbk")
    lying_meta = text.replace("<html>", '<html><meta charset="utf-8">').encode("gb18030")
    utf8_called_gbk = text.replace("<html>", '<html><meta charset="gb2312">').encode("utf-8")
    bom = "\ufeff".encode() + text.encode("utf-8")
    for data in (no_meta, lying_meta, utf8_called_gbk, bom):
        assert "淮阳区人民政府" in decode(data)


def test_tables_beside_the_article_container_are_kept() -> None:
    page = PAGE.replace('<p>二、主动公开政府信息情况</p><table><tr><td>规章</td><td>1</td></tr></table></div>',
                        '</div><div class="tables"><p>二、主动公开政府信息情况</p><table><tr><td>规章</td><td>1</td>'
                        '</tr></table></div>')
    text = read(page.encode()).text()
    assert "规章\t1" in text and "当前位置" not in text
