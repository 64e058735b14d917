"""Copied narrative sections: a body repeating its previous report, two bodies sharing one text."""

from __future__ import annotations

from crosscheck_series import own_words, page, series, stored_checks

from storage.archive import Archive
from storage.similarity import MIN_SECTION_CHARS, report_sections


def record(archive: Archive, org: str, year: int, overview: list[str], problems: list[str]) -> str:
    metrics = series(len(org), range(year, year + 1))[year]
    body = page(org, "松陵区", year, metrics, overview, problems)
    return archive.record_fetch(site_id=None, url=f"http://songling.example/{org}/{year}.html", body=body)


def copied(archive: Archive) -> set[tuple]:
    """``(org, year, other org, other year, section, relation)`` of every copied_text check."""
    return {(row[0], row[1], row[2], row[3], row[5], row[9]) for row in stored_checks(archive.db)
            if row[4] == "copied_text"}


def test_a_body_that_repeats_last_years_sections_is_found(crosscheck_archive: Archive):
    org = "松陵区教育局"
    overview, problems = own_words("一"), own_words("五")
    record(crosscheck_archive, org, 2021, own_words("一2021"), own_words("五2021"))
    record(crosscheck_archive, org, 2022, overview, problems)
    # 2023 repeats 2022 word for word, apart from one sentence of section 一 and the numbers it prints.
    record(crosscheck_archive, org, 2023, [*overview[:-1], "二〇二三年新增一句话。"], problems)
    assert copied(crosscheck_archive) == {
        (org, 2023, org, 2022, "一", "previous_year"),
        (org, 2023, org, 2022, "五", "previous_year"),
    }
    similarity = dict(crosscheck_archive.db.execute(
        "SELECT key, similarity FROM report_checks WHERE kind = 'copied_text'").fetchall())
    assert similarity["五"] == 1.0
    assert 0.9 <= similarity["一"] < 1.0


def test_two_bodies_sharing_a_text_with_their_names_swapped_are_found_both_ways(crosscheck_archive: Archive):
    overview = [f"{{org}}坚持{sentence}" for sentence in own_words("shared")]
    record(crosscheck_archive, "松陵区教育局", 2022, [p.format(org="松陵区教育局") for p in overview], own_words("a5"))
    record(crosscheck_archive, "松陵区民政局", 2022, [p.format(org="松陵区民政局") for p in overview], own_words("b5"))
    record(crosscheck_archive, "松陵区财政局", 2022, own_words("c1"), own_words("c5"))
    assert copied(crosscheck_archive) == {
        ("松陵区教育局", 2022, "松陵区民政局", 2022, "一", "same_year"),
        ("松陵区民政局", 2022, "松陵区教育局", 2022, "一", "same_year"),
    }


def test_another_bodys_text_of_another_year_is_not_a_copy(crosscheck_archive: Archive):
    text = own_words("shared")
    record(crosscheck_archive, "松陵区教育局", 2021, text, own_words("a5"))
    record(crosscheck_archive, "松陵区民政局", 2022, text, own_words("b5"))
    assert copied(crosscheck_archive) == set()


def test_short_stock_sections_prove_nothing(crosscheck_archive: Archive):
    stock = ["本年度无其他需要说明的问题。"]
    assert len(stock[0]) < MIN_SECTION_CHARS
    record(crosscheck_archive, "松陵区教育局", 2022, own_words("a1"), stock)
    record(crosscheck_archive, "松陵区民政局", 2022, own_words("b1"), stock)
    assert copied(crosscheck_archive) == set()


def test_sections_one_and_five_are_read_from_the_outline():
    text = "标题\n一、总体情况\n" + "甲" * 120 + "\n二、主动公开\n一、本年新收 3\n五、存在的主要问题及改进情况\n" + \
        "乙" * 120 + "\n六、其他需要报告的事项\n丙"
    assert report_sections(text, []) == {"一": "甲" * 120, "五": "乙" * 120}
