"""Chinese full-text search: trigram phrases and the short-query fallback."""

from __future__ import annotations

from archive_testing import make_report

from storage.search import search


def fill(archive):
    texts = {
        "a": ("云湖区人民政府2022年政府信息公开工作年度报告", "本年度共收到政府信息公开申请21件，依申请公开办理及时。"),
        "b": ("云湖区教育局2022年政府信息公开工作年度报告", "主动公开规范性文件6件，行政许可1377件。"),
    }
    for url, (title, text) in texts.items():
        archive.record_report(site_id=None, url=url, body=url.encode(), report=make_report(title=title, text=text))


def titles(results):
    return sorted(result["title"] for result in results)


def test_chinese_phrase_inside_a_sentence_is_found(archive):
    fill(archive)
    assert titles(search(archive.db, "依申请公开")) == ["云湖区人民政府2022年政府信息公开工作年度报告"]
    assert titles(search(archive.db, "行政许可")) == ["云湖区教育局2022年政府信息公开工作年度报告"]
    assert len(search(archive.db, "政府信息公开工作")) == 2
    assert search(archive.db, "行政复议") == []


def test_snippet_marks_the_phrase(archive):
    fill(archive)
    [result] = search(archive.db, "依申请公开")
    assert "【依申请公开】" in result["snippet"]


def test_one_and_two_character_queries_fall_back_to_like(archive):
    fill(archive)
    assert titles(search(archive.db, "教育")) == ["云湖区教育局2022年政府信息公开工作年度报告"]
    assert len(search(archive.db, "件")) == 2
    assert search(archive.db, "  ") == []


def test_quotes_in_a_query_are_not_syntax(archive):
    fill(archive)
    assert search(archive.db, '"申请" OR') == []
