"""A minimal streaming XML writer: every text and attribute value passes through one escaper.

Responses carry user-controlled strings (names, tag values, policy documents, and values echoed
in error messages), so no value ever reaches the output without escaping; element names come only
from the service model. Characters XML 1.0 cannot carry at all (most C0 controls, lone
surrogates, U+FFFE and U+FFFF) become U+FFFD, so every answer stays a document clients can parse.
"""

from __future__ import annotations

import re

__all__ = ["XmlWriter", "escape_attribute", "escape_text"]

_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTRIBUTE = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
)
# https://www.w3.org/TR/xml/#charsets: not even a character reference may name these.
_NOT_XML = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff"
_NOT_XML_CHARS = re.compile(f"[{_NOT_XML}]")
# Most values need no escaping; a C-level search finds that far faster than translate() copies.
_TEXT_SPECIAL = re.compile(f"[&<>\r{_NOT_XML}]")
_ATTRIBUTE_SPECIAL = re.compile(f'[&<>"\r\n\t{_NOT_XML}]')


def _xml_chars(value: str) -> str:
    return _NOT_XML_CHARS.sub("\ufffd", value)


def escape_text(value: str) -> str:
    """Escape character data; `\\r` becomes a reference so XML parsers do not normalise it away."""
    return _xml_chars(value).translate(_TEXT) if _TEXT_SPECIAL.search(value) else value


def escape_attribute(value: str) -> str:
    """Escape a double-quoted attribute value, keeping whitespace characters intact."""
    return _xml_chars(value).translate(_ATTRIBUTE) if _ATTRIBUTE_SPECIAL.search(value) else value


class XmlWriter:
    """Builds one document in memory; `start`/`end` must nest, which `finish` checks."""

    __slots__ = ("_open", "_parts")

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._open: list[str] = []

    def start(self, tag: str, attributes: dict[str, str] | None = None) -> None:
        if attributes:
            rendered = "".join(f' {name}="{escape_attribute(value)}"' for name, value in attributes.items())
            self._parts.append(f"<{tag}{rendered}>")
        else:
            self._parts.append(f"<{tag}>")
        self._open.append(tag)

    def end(self) -> None:
        self._parts.append(f"</{self._open.pop()}>")

    def text(self, value: str) -> None:
        self._parts.append(escape_text(value))

    def element(self, tag: str, value: str) -> None:
        """`<tag>value</tag>` with `value` escaped."""
        self._parts.append(f"<{tag}>{escape_text(value)}</{tag}>")

    def finish(self) -> bytes:
        if self._open:
            raise ValueError(f"unclosed XML elements: {self._open}")
        return "".join(self._parts).encode("utf-8")
