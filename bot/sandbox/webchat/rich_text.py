"""Telegram-formatted text as a safe tree for the web chat.

The page never puts message text into ``innerHTML``: the server turns a message's text (HTML,
entities, or Markdown) into a tree of plain strings and whitelisted nodes, and the page builds DOM
nodes from it with ``textContent``. A node is ``{"tag": ..., "children": [...]}`` where ``tag`` is
one of :data:`TAGS`; ``a`` nodes carry a checked ``href``, ``pre`` nodes may carry a ``language``,
and ``cmd`` nodes are ``/commands`` the page lets people click. Anything else is text.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

from bot.sandbox.formatting import HTML_TAGS
from bot.sandbox.models import COMMAND_TOKEN

Node = str | dict[str, Any]

TAGS = frozenset({"b", "i", "u", "s", "a", "code", "pre", "tg-spoiler", "blockquote", "cmd"})
_ENTITY_TAGS = {
    "bold": "b",
    "italic": "i",
    "underline": "u",
    "strikethrough": "s",
    "spoiler": "tg-spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "expandable_blockquote": "blockquote",
    "text_link": "a",
    "url": "a",
    "email": "a",
    "bot_command": "cmd",
}
# The one list of link schemes (static/render.js safeHref has the same): no javascript:, data:,
# mailto: or anything else a click could run or hand to another program.
SAFE_SCHEMES = ("http://", "https://", "tg://")
_AUTOLINK = re.compile(
    r"(?P<url>https?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]])"
    rf"|(?<![^\s(])(?P<cmd>{COMMAND_TOKEN})"  # also right after "(", unlike COMMAND_RE
)
_NO_AUTOLINK = frozenset({"a", "code", "pre", "cmd"})


def safe_href(url: str | None) -> str | None:
    """``url`` if it uses a scheme a chat link may have (never ``javascript:``), else None."""
    if not url:
        return None
    url = url.strip()
    return url if url.lower().startswith(SAFE_SCHEMES) else None


def node(tag: str, children: list[Node], **attributes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"tag": tag, "children": children}
    out.update({k: v for k, v in attributes.items() if v is not None})
    return out


class _TelegramHtml(HTMLParser):
    """Telegram's HTML subset; unknown or stray tags stay visible as text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[Node] = []
        self.stack: list[tuple[str, dict[str, Any]]] = []

    def _append(self, item: Node) -> None:
        target = self.stack[-1][1]["children"] if self.stack else self.root
        if isinstance(item, str) and target and isinstance(target[-1], str):
            target[-1] += item
        else:
            target.append(item)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = tag.lower()
        values = dict(attrs)
        if name == "span" and "tg-spoiler" in (values.get("class") or ""):
            name = "tg-spoiler"
        mapped = HTML_TAGS.get(name)
        if mapped not in TAGS:
            self._append(self.get_starttag_text() or "")
            return
        attributes: dict[str, Any] = {}
        if mapped == "a":
            attributes["href"] = safe_href(values.get("href"))
        if mapped == "code" and self.stack and self.stack[-1][0] == "pre":
            language = (values.get("class") or "").removeprefix("language-")
            if language:
                self.stack[-1][1]["language"] = language
        item = node(mapped, [], **attributes)
        self._append(item)
        self.stack.append((tag.lower(), item))

    def handle_endtag(self, tag: str) -> None:
        name = tag.lower()
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == name:
                del self.stack[depth:]
                return
        self._append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self._append(data)


def from_html(text: str) -> list[Node]:
    """The tree of a ``parse_mode=HTML`` text."""
    parser = _TelegramHtml()
    parser.feed(text)
    parser.close()
    return parser.root


def _utf16_index(text: str) -> list[int]:
    """For each UTF-16 code-unit offset, the index of the Python character it falls in."""
    index: list[int] = []
    for position, char in enumerate(text):
        index.extend([position] * (2 if ord(char) > 0xFFFF else 1))
    index.append(len(text))
    return index


def from_entities(text: str, entities: list[dict[str, Any]] | None) -> list[Node]:
    """The tree of a text with Bot API ``MessageEntity`` objects (UTF-16 offsets)."""
    units = _utf16_index(text)
    spans: list[tuple[int, int, dict[str, Any]]] = []
    for entity in entities or []:
        tag = _ENTITY_TAGS.get(str(entity.get("type")))
        offset, length = entity.get("offset"), entity.get("length")
        if tag is None or not isinstance(offset, int) or not isinstance(length, int):
            continue
        start = units[min(max(offset, 0), len(units) - 1)]
        end = units[min(max(offset + length, 0), len(units) - 1)]
        if end > start:
            spans.append((start, end, entity))
    spans.sort(key=lambda span: (span[0], -span[1]))
    return _build(text, 0, len(text), spans)


def _build(
    text: str, start: int, end: int, spans: list[tuple[int, int, dict[str, Any]]]
) -> list[Node]:
    out: list[Node] = []
    cursor = start
    index = 0
    while index < len(spans):
        span_start, span_end, entity = spans[index]
        span_start, span_end = max(span_start, cursor), min(span_end, end)
        inner = []
        index += 1
        while index < len(spans) and spans[index][0] < span_end:
            inner.append(spans[index])
            index += 1
        if span_end <= span_start:
            continue
        if span_start > cursor:
            out.append(text[cursor:span_start])
        out.append(
            _entity_node(
                entity, text[span_start:span_end], _build(text, span_start, span_end, inner)
            )
        )
        cursor = span_end
    if cursor < end:
        out.append(text[cursor:end])
    return out


def _entity_node(entity: dict[str, Any], covered: str, children: list[Node]) -> dict[str, Any]:
    kind = str(entity.get("type"))
    tag = _ENTITY_TAGS[kind]
    if kind == "text_link":
        return node(tag, children, href=safe_href(entity.get("url")))
    if kind == "url":
        href = covered if "://" in covered else f"https://{covered}"
        return node(tag, children, href=safe_href(href))
    if kind == "email":
        return node(tag, children, href=None)  # an address is shown, not opened
    if kind == "pre":
        return node(tag, children, language=entity.get("language") or None)
    return node(tag, children)


def autolink(tree: list[Node]) -> list[Node]:
    """Links and ``/commands`` in plain text become nodes, as Telegram's apps show them."""
    out: list[Node] = []
    for item in tree:
        if isinstance(item, dict):
            tag = item["tag"]
            children = item["children"] if tag in _NO_AUTOLINK else autolink(item["children"])
            out.append({**item, "children": children})
            continue
        cursor = 0
        for match in _AUTOLINK.finditer(item):
            if match.start() > cursor:
                out.append(item[cursor : match.start()])
            found = match.group(0)
            if match.group("url"):
                out.append(node("a", [found], href=safe_href(found)))
            else:
                out.append(node("cmd", [found]))
            cursor = match.end()
        if cursor < len(item):
            out.append(item[cursor:])
    return out


def rich_text(
    text: str | None, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> list[Node]:
    """The tree of a message's text or caption, however the sender formatted it."""
    from bot.sandbox.webchat.markdown import from_markdown

    if not text:
        return []
    mode = (parse_mode or "").lower()
    if entities:
        tree = from_entities(text, entities)
    elif mode == "html":
        tree = from_html(text)
    elif mode in ("markdown", "markdownv2"):
        tree = from_markdown(text, version=2 if mode == "markdownv2" else 1)
    else:
        tree = [text]
    return autolink(tree)


def plain_text(tree: list[Node]) -> str:
    """The visible text of a tree (for reply previews)."""
    return "".join(
        item if isinstance(item, str) else plain_text(item["children"]) for item in tree
    )
