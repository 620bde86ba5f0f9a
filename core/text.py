"""User-facing text built in Python, in the active language: lists, labels and brackets.

Chinese joins a list with "、", parts of a sentence with "，" and sentences with "；", puts "：" after a label
and wraps asides in "（…）"; every other language (English) uses ", ", "; ", ": " and " (…)". Code that builds
text for a page, a spreadsheet, a notice or a message goes through these helpers instead of writing the
full-width marks itself, so English text never shows Chinese punctuation. The marks follow the active
language itself rather than a translation catalogue: they are typography, not words, and must be right even
before a catalogue is compiled.
"""

from collections.abc import Iterable

from django.utils.translation import get_language


def _chinese() -> bool:
    return (get_language() or "zh-hans").startswith("zh")


def _mark(chinese: str, western: str) -> str:
    return chinese if _chinese() else western


def join_list(items: Iterable[object]) -> str:
    """``a、b、c`` in Chinese, ``a, b, c`` in English."""
    return _mark("、", ", ").join(str(item) for item in items)


def join_phrases(items: Iterable[object]) -> str:
    """Parts of one sentence: ``a，b`` in Chinese, ``a, b`` in English."""
    return _mark("，", ", ").join(str(item) for item in items)


def join_clauses(items: Iterable[object]) -> str:
    """Sentences or messages one after another: ``a；b`` in Chinese, ``a; b`` in English."""
    return _mark("；", "; ").join(str(item) for item in items)


def labelled(label: object, value: object) -> str:
    """``label：value`` in Chinese, ``label: value`` in English."""
    return f"{label}{_mark('：', ': ')}{value}"


def bracketed(text: object) -> str:
    """``（text）`` in Chinese, `` (text)`` in English (a space before the bracket, as English sets it)."""
    return f"（{text}）" if _chinese() else f" ({text})"
