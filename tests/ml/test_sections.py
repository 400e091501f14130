"""`mia ml evaluate --markdown` owns a marked section of a page; `mia walkforward` keeps it when rewriting."""

from __future__ import annotations

from adapters.ml.sections import marked_sections, put_section, slug


def test_a_section_is_appended_then_replaced_and_carried_over() -> None:
    page = "# Results\n\nwalk-forward tables\n"
    key = slug("ML filter on real daily data: sp500 (ES)")
    assert key == "ml-filter-on-real-daily-data-sp500-es"
    once = put_section(page, key, "## ML\n\nfirst\n")
    twice = put_section(put_section(once, "other", "## Other\n"), key, "## ML\n\nsecond\n")
    assert once.startswith(page) and "first" in once
    assert "first" not in twice and twice.count("second") == 1 and twice.index("second") < twice.index("Other")
    kept = "# Results (regenerated)\n" + marked_sections(twice)
    assert "second" in kept and "## Other" in kept and "walk-forward tables" not in kept
    assert marked_sections(page) == ""
