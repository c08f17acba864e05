"""Checks of formatted text (``parse_mode``) that reject what Telegram refuses to parse.

The sandbox stores text exactly as given; these checks only catch markup Telegram would answer
with ``400 Bad Request: can't parse entities: …`` — unknown or unbalanced HTML tags, and
unescaped reserved characters or unclosed entities in MarkdownV2 / Markdown.
"""

from __future__ import annotations

import re

from bot.sandbox.errors import BotApiError, bad_request

PARSE_MODES = ("html", "markdown", "markdownv2")
# Telegram's HTML tags, each mapped onto the tag it is a synonym of (the web chat's tree,
# ``bot.sandbox.webchat.rich_text``, shows those it has no node for as text).
HTML_TAGS: dict[str, str] = {
    "b": "b",
    "strong": "b",
    "i": "i",
    "em": "i",
    "u": "u",
    "ins": "u",
    "s": "s",
    "strike": "s",
    "del": "s",
    "span": "span",
    "tg-spoiler": "tg-spoiler",
    "a": "a",
    "tg-emoji": "tg-emoji",
    "tg-time": "tg-time",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_TAG_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9-]*")
_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")


def check_formatted(text: str, parse_mode: str | None) -> None:
    """Raise 400 if ``parse_mode`` is unsupported or ``text`` does not parse in it."""
    if not parse_mode:
        return
    mode = parse_mode.lower()
    if mode not in PARSE_MODES:
        raise bad_request("unsupported parse_mode")
    if mode == "html":
        _check_html(text)
    elif mode == "markdownv2":
        _check_markdown_v2(text)
    else:
        _check_markdown(text)


def _fail(reason: str) -> BotApiError:
    return bad_request(f"can't parse entities: {reason}")


def _byte(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _check_html(text: str) -> None:
    stack: list[str] = []
    index = 0
    while True:
        index = text.find("<", index)
        if index < 0:
            break
        end = text.find(">", index)
        if end < 0:
            raise _fail(f"Unclosed start tag at byte offset {_byte(text, index)}")
        inner = text[index + 1 : end]
        if inner.startswith("/"):
            name = inner[1:].strip().lower()
            if not stack:
                raise _fail(f"Unexpected end tag at byte offset {_byte(text, index)}")
            if name and name != stack[-1]:
                raise _fail(
                    f"Unmatched end tag at byte offset {_byte(text, index)}, "
                    f'expected "</{stack[-1]}>", found "</{name}>"'
                )
            stack.pop()
        else:
            match = _TAG_NAME_RE.match(inner)
            name = match.group(0).lower() if match else ""
            if name not in HTML_TAGS:
                raise _fail(f'Unsupported start tag "{name}" at byte offset {_byte(text, index)}')
            if name == "span" and "tg-spoiler" not in inner:
                raise _fail(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {_byte(text, index)}'
                )
            stack.append(name)
        index = end + 1
    if stack:
        raise _fail(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')


def find_unescaped(text: str, needle: str, start: int) -> int:
    """The index of ``needle`` in ``text`` from ``start`` on, skipping backslash-escaped
    characters (MarkdownV2); -1 if there is none."""
    index = start
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text.startswith(needle, index):
            return index
        index += 1
    return -1


def _check_markdown_v2(text: str) -> None:
    scan = _MarkdownV2Scan(text)
    index = 0
    while index < len(text):
        index = scan.step(index)
    if scan.stack:
        where = _byte(text, scan.stack[-1][1])
        raise _fail(f"Can't find end of the entity starting at byte offset {where}")


class _MarkdownV2Scan:
    """One pass over MarkdownV2 text: the entities still open (marker, where) and whether an
    expandable quote waits for its closing ``||``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.stack: list[tuple[str, int]] = []
        self.expandable_quote = False

    def step(self, index: int) -> int:
        """Check the token at ``index``; the index of the next one."""
        text = self.text
        char = text[index]
        line_start = index == 0 or text[index - 1] == "\n"
        if char == "\\":
            return index + 2
        if char == "`":
            return self._code(index)
        if char == "*" and line_start and text.startswith("**>", index):
            self.expandable_quote = True
            return index + 3
        if char == "|" and text.startswith("||", index):
            return self._spoiler(index)
        if char in "*~_":
            return self._emphasis(index)
        if char == "[" or (char == "!" and text.startswith("![", index)):
            self.stack.append(("[", index))
            return index + (1 if char == "[" else 2)
        if char == "]" and self.stack and self.stack[-1][0] == "[":
            return self._link_end(index)
        if char == ">" and line_start:
            return index + 1
        if char in _MDV2_RESERVED:
            raise _fail(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        return index + 1

    def _code(self, index: int) -> int:
        fence = "```" if self.text.startswith("```", index) else "`"
        close = find_unescaped(self.text, fence, index + len(fence))
        if close < 0:
            raise _fail(
                f"Can't find end of the entity starting at byte offset {_byte(self.text, index)}"
            )
        return close + len(fence)

    def _spoiler(self, index: int) -> int:
        at_line_end = index + 2 == len(self.text) or self.text[index + 2] == "\n"
        if self.stack and self.stack[-1][0] == "||":
            self.stack.pop()
        elif self.expandable_quote and at_line_end:
            self.expandable_quote = False
        else:
            self.stack.append(("||", index))
        return index + 2

    def _emphasis(self, index: int) -> int:
        marker = "__" if self.text.startswith("__", index) else self.text[index]
        positions = [i for i, (m, _) in enumerate(self.stack) if m == marker]
        if positions:
            del self.stack[positions[-1]]
        else:
            self.stack.append((marker, index))
        return index + len(marker)

    def _link_end(self, index: int) -> int:
        self.stack.pop()
        index += 1
        if self.text.startswith("(", index):
            close = find_unescaped(self.text, ")", index + 1)
            if close < 0:
                raise _fail(f"Can't find end of a url at byte offset {_byte(self.text, index)}")
            index = close + 1
        return index


def _check_markdown(text: str) -> None:
    index = 0
    length = len(text)
    while index < length:
        char = text[index]
        if char == "\\" and index + 1 < length and text[index + 1] in "_*`[":
            index += 2
            continue
        if char in "_*`[":
            fence = "```" if text.startswith("```", index) else char
            closer = "]" if char == "[" else fence
            close = text.find(closer, index + len(fence))
            if close < 0:
                raise _fail(
                    f"Can't find end of the entity starting at byte offset {_byte(text, index)}"
                )
            index = close + len(closer)
            if char == "[" and text.startswith("(", index):
                close = text.find(")", index)
                if close < 0:
                    raise _fail(f"Can't find end of a url at byte offset {_byte(text, index)}")
                index = close + 1
            continue
        index += 1
