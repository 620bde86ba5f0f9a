"""core.text: the punctuation of text built in Python follows the active language."""

from django.utils import translation

from core.text import bracketed, join_clauses, join_list, join_phrases, labelled

FULL_WIDTH = "：（）、，；"


def test_chinese_marks_in_chinese():
    with translation.override("zh-hans"):
        assert join_list(["主办", "协办"]) == "主办、协办"
        assert join_phrases(["每次 2 分", "上限 10 分"]) == "每次 2 分，上限 10 分"
        assert join_clauses(["第1轮：不满意", "第2轮：满意"]) == "第1轮：不满意；第2轮：满意"
        assert labelled("区交通运输局", "2027-06-30") == "区交通运输局：2027-06-30"
        assert bracketed("主办") == "（主办）"


def test_english_marks_in_english():
    with translation.override("en"):
        assert join_list(["Lead", "Co-sign"]) == "Lead, Co-sign"
        assert join_phrases(["2 points each", "at most 10"]) == "2 points each, at most 10"
        assert join_clauses(["a", "b"]) == "a; b"
        assert labelled("Lead deputy", "Li") == "Lead deputy: Li"
        assert "Rate" + bracketed("%") == "Rate (%)"
        built = join_clauses([labelled("A", 1), join_list("xy"), bracketed("z")])
        assert not set(built) & set(FULL_WIDTH)


def test_no_language_active_reads_as_chinese_the_sites_default():
    with translation.override(None):
        assert join_list("ab") == "a、b"
