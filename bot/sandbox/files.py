"""In-memory file storage: uploads get a ``file_id``/``file_unique_id`` and a ``file_path``."""

from __future__ import annotations

import base64
import itertools
import mimetypes
import secrets
import struct
from dataclasses import dataclass
from typing import Any

# Prefixes resembling real file_ids per media kind (cosmetic; ids are opaque to bots).
_ID_PREFIX = {
    "photo": "AgACAgIAAxk",
    "document": "BQACAgIAAxk",
    "video": "BAACAgIAAxk",
    "audio": "CQACAgIAAxk",
    "voice": "AwACAgIAAxk",
    "animation": "CgACAgIAAxk",
    "sticker": "CAACAgIAAxk",
}
_FOLDER = {
    "photo": ("photos", ".jpg"),
    "document": ("documents", ".bin"),
    "video": ("videos", ".mp4"),
    "audio": ("music", ".mp3"),
    "voice": ("voice", ".oga"),
    "animation": ("animations", ".mp4"),
    "sticker": ("stickers", ".webp"),
    "video_note": ("video_notes", ".mp4"),
}
# A 1x1 transparent PNG: the content of photos created without explicit content.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
THUMB_SIDE = 320


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    kind: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None

    @property
    def size(self) -> int:
        return len(self.data)

    def to_file(self) -> dict[str, Any]:
        """The Bot API ``File`` object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


class FileStore:
    """All files known to the sandbox, by ``file_id`` and by ``file_path``."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = itertools.count(1)

    def add(
        self,
        data: bytes,
        *,
        kind: str,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        number = next(self._counter)
        folder, default_ext = _FOLDER.get(kind, ("documents", ".bin"))
        ext = default_ext
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1].lower()
        if mime_type is None and file_name:
            mime_type = mimetypes.guess_type(file_name)[0]
        width = height = None
        if kind in ("photo", "sticker"):
            width, height = image_size(data) or (800, 600)
        stored = StoredFile(
            file_id=_ID_PREFIX.get(kind, "BQACAgIAAxk") + secrets.token_urlsafe(24),
            file_unique_id="AQAD" + secrets.token_urlsafe(8),
            file_path=f"{folder}/file_{number}{ext}",
            kind=kind,
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def photo_sizes(self, original: StoredFile) -> list[dict[str, Any]]:
        """``Array of PhotoSize`` for a photo: a thumbnail (if large) and the original."""
        width = original.width or 800
        height = original.height or 600
        sizes: list[dict[str, Any]] = []
        if max(width, height) > THUMB_SIDE:
            scale = THUMB_SIDE / max(width, height)
            thumb = self._thumbnail_of(original)
            sizes.append(
                _photo_size(thumb, max(1, round(width * scale)), max(1, round(height * scale)))
            )
        sizes.append(_photo_size(original, width, height))
        return sizes

    def _thumbnail_of(self, original: StoredFile) -> StoredFile:
        thumb = self.add(original.data, kind="photo")
        thumb.width, thumb.height = original.width, original.height
        return thumb


def _photo_size(stored: StoredFile, width: int, height: int) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "width": width,
        "height": height,
        "file_size": stored.size,
    }


def image_type(data: bytes) -> str | None:
    """The type of a PNG, JPEG, GIF or WebP image, read from its first bytes."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG image, or ``None`` if not recognised."""
    kind = image_type(data)
    if kind == "image/png" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if kind == "image/gif" and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if kind == "image/jpeg":
        return _jpeg_size(data)
    return None


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            index += 1
            continue
        marker = data[index + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7 or marker == 0xFF:
            index += 1 if marker == 0xFF else 2
            continue
        length = struct.unpack(">H", data[index + 2 : index + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None
