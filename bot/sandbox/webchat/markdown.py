"""Telegram's MarkdownV2 and legacy Markdown as the web chat's safe tree (see ``rich_text``).

Only what Telegram accepts is modelled: bold, italic, underline, strikethrough, spoiler, inline
code, code blocks with a language, links and (MarkdownV2) block quotes. A marker left open is
shown as the character it is, never dropped.
"""

from __future__ import annotations

from typing import Any

from bot.sandbox.formatting import find_unescaped
from bot.sandbox.webchat.rich_text import Node, node, safe_href

_V2_MARKERS = (("||", "tg-spoiler"), ("__", "u"), ("*", "b"), ("_", "i"), ("~", "s"))
_V1_MARKERS = (("*", "b"), ("_", "i"))
_V1_ESCAPABLE = "_*`["


class _Builder:
    """An open-marker stack over a list of children."""

    def __init__(self) -> None:
        self.root: list[Node] = []
        self.stack: list[tuple[str, dict[str, Any]]] = []

    @property
    def target(self) -> list[Node]:
        return self.stack[-1][1]["children"] if self.stack else self.root

    def text(self, value: str) -> None:
        target = self.target
        if target and isinstance(target[-1], str):
            target[-1] += value
        else:
            target.append(value)

    def add(self, item: dict[str, Any]) -> None:
        self.target.append(item)

    def toggle(self, marker: str, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == marker:
                del self.stack[depth:]
                return
        item = node(tag, [])
        self.target.append(item)
        self.stack.append((marker, item))

    def finish(self) -> list[Node]:
        """Unclosed markers become their literal characters again."""
        while self.stack:
            marker, item = self.stack.pop()
            parent = self.target
            position = next(i for i, child in enumerate(parent) if child is item)
            parent[position : position + 1] = [marker, *item["children"]]
        return _merge(self.root)


def _merge(tree: list[Node]) -> list[Node]:
    out: list[Node] = []
    for item in tree:
        if isinstance(item, dict):
            item = {**item, "children": _merge(item["children"])}
        if isinstance(item, str) and out and isinstance(out[-1], str):
            out[-1] += item
        else:
            out.append(item)
    return out


def _unescape(text: str, version: int) -> str:
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if (
            char == "\\"
            and index + 1 < len(text)
            and (version == 2 or text[index + 1] in _V1_ESCAPABLE)
        ):
            out.append(text[index + 1])
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _find_closing(text: str, needle: str, start: int, version: int) -> int:
    if version == 2:
        return find_unescaped(text, needle, start)
    return text.find(needle, start)


def _code(text: str, index: int, version: int, out: _Builder) -> int | None:
    """A code span or block at ``index``; returns the index after it (None: not one)."""
    fence = "```" if text.startswith("```", index) else "`"
    close = _find_closing(text, fence, index + len(fence), version)
    if close < 0:
        return None
    inner = text[index + len(fence) : close]
    if fence == "`":
        out.add(node("code", [_unescape(inner, version) if version == 2 else inner]))
        return close + 1
    language = None
    first, newline, rest = inner.partition("\n")
    if newline and first and " " not in first.strip():
        language, inner = first.strip(), rest
    body = _unescape(inner, version) if version == 2 else inner
    out.add(node("pre", [body.strip("\n")], language=language))
    return close + 3


def _link(text: str, index: int, version: int, out: _Builder) -> int | None:
    """``[label](url)`` at ``index``; returns the index after it (None: not one)."""
    label_end = _find_closing(text, "](", index + 1, version)
    if label_end < 0:
        return None
    url_end = _find_closing(text, ")", label_end + 2, version)
    if url_end < 0:
        return None
    label = from_markdown(text[index + 1 : label_end], version=version)
    url = _unescape(text[label_end + 2 : url_end], version)
    out.add(node("a", label, href=safe_href(url)))
    return url_end + 1


def from_markdown(text: str, *, version: int = 2) -> list[Node]:
    """The tree of a ``MarkdownV2`` (``version=2``) or legacy ``Markdown`` text."""
    out = _Builder()
    markers = _V2_MARKERS if version == 2 else _V1_MARKERS
    quote: dict[str, Any] | None = None
    index = 0
    while index < len(text):
        char = text[index]
        line_start = index == 0 or text[index - 1] == "\n"
        if version == 2 and line_start:
            if text.startswith(">", index) or text.startswith("**>", index):
                if quote is None:
                    quote = node("blockquote", [])
                    out.add(quote)
                    out.stack.append((">", quote))
                index += 3 if text.startswith("**>", index) else 1
                continue
            if quote is not None:
                _close_quote(out, quote)
                quote = None
        if char == "\\" and index + 1 < len(text):
            following = text[index + 1]
            if version == 2 or following in _V1_ESCAPABLE:
                out.text(following)
                index += 2
                continue
        if char == "`":
            after = _code(text, index, version, out)
            if after is not None:
                index = after
                continue
        if char == "[":
            after = _link(text, index, version, out)
            if after is not None:
                index = after
                continue
        marker = next((m for m in markers if text.startswith(m[0], index)), None)
        if marker is not None:
            if (
                marker[0] == "||"
                and quote is not None
                and text[index + 2 : index + 3] in ("", "\n")
            ):
                index += 2  # the end of an expandable block quote
                continue
            out.toggle(*marker)
            index += len(marker[0])
            continue
        out.text(char)
        index += 1
    if quote is not None:
        _close_quote(out, quote)
    return out.finish()


def _close_quote(out: _Builder, quote: dict[str, Any]) -> None:
    """End a block quote; its last line break belongs to the quote's block, not its text. A
    marker that opened before the quote may have closed it already (``*x\n>y* z``)."""
    if any(entry is quote for _, entry in out.stack):
        out.toggle(">", "blockquote")
    children = quote["children"]
    if children and isinstance(children[-1], str):
        children[-1] = children[-1].removesuffix("\n")
