"""Text a store can hold and UTF-8 can encode (warden.text)."""

from __future__ import annotations

import pytest

from warden.text import has_lone_surrogate, storable, to_storable, utf8_safe


@pytest.mark.parametrize("text", ["", "bob", "é\U0001f600", "\ufffd", "a\tb"])
def test_ordinary_text_passes_unchanged(text: str) -> None:
    assert storable(text) and not has_lone_surrogate(text)
    assert to_storable(text) == utf8_safe(text) == text


def test_nul_is_not_storable_but_encodes() -> None:
    assert not storable("a\x00b") and not has_lone_surrogate("a\x00b")
    assert to_storable("a\x00b") == "a\ufffdb"
    assert utf8_safe("a\x00b") == "a\x00b"


@pytest.mark.parametrize("surrogate", [chr(0xD800), chr(0xDCFF), chr(0xDFFF)])
def test_a_lone_surrogate_is_neither(surrogate: str) -> None:
    text = f"x{surrogate}y"
    assert not storable(text) and has_lone_surrogate(text)
    assert to_storable(text) == utf8_safe(text) == "x\ufffdy"
    utf8_safe(text).encode("utf-8")
