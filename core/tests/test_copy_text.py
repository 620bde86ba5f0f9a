import random

from core.copy_insert import copy_text

SPECIAL = "\\\t\n\r"
ESCAPED = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def test_copy_text_escapes_each_special_character_once():
    assert copy_text('a\\b\tc\nd\re"f') == 'a\\\\b\\tc\\nd\\re"f'
    assert copy_text("\\n") == "\\\\n"  # a backslash before an n stays two characters, not a newline
    assert copy_text("代表 张三") == "代表 张三"


def test_copy_text_matches_a_character_by_character_escape():
    rng = random.Random(18)
    alphabet = SPECIAL + "ab 代表\"'{}:"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        assert copy_text(text) == "".join(ESCAPED.get(char, char) for char in text)
