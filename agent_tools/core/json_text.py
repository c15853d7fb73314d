"""Compact JSON text, from encoders built once.

``json.dumps`` with options (and ``JSONEncoder.encode``) builds a new C encoder
on every call, which costs as much as encoding a small value; every chunk
encodes its state and items several times. These call one C encoder made at
import and give the same text as ``json.dumps(value, separators=(",", ":"))``
(:func:`compact`) and with ``ensure_ascii=False, default=str`` (:func:`compact_unicode`).
They skip the check for circular references: a JSON value has none, and one
that slipped through ends in ``RecursionError`` instead of ``ValueError``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from json import encoder as json_encoder
from typing import Any

Encoder = Callable[[Any, int], Sequence[str]]

_make_encoder: Callable[..., Encoder] | None = getattr(json_encoder, "c_make_encoder", None)
"""CPython's C encoder factory (``json`` uses it the same way; None without the C module)."""


def _encoder(default: Callable[[Any], Any], ensure_ascii: bool) -> Encoder:
    strings = (
        json_encoder.encode_basestring_ascii if ensure_ascii else json_encoder.encode_basestring
    )
    if _make_encoder is None:
        fallback = json.JSONEncoder(
            separators=(",", ":"), ensure_ascii=ensure_ascii, default=default
        )
        return lambda value, _level: (fallback.encode(value),)
    return _make_encoder(None, default, strings, None, ":", ",", False, False, True)


_ASCII = _encoder(json.JSONEncoder().default, ensure_ascii=True)
_UNICODE = _encoder(str, ensure_ascii=False)


def compact(value: Any) -> str:
    """``value`` as compact ASCII JSON: what the stores keep."""
    return "null" if value is None else "".join(_ASCII(value, 0))


def compact_unicode(value: Any) -> str:
    """``value`` as compact JSON, non-ASCII kept and unknown types as ``str``: what limits count."""
    return "null" if value is None else "".join(_UNICODE(value, 0))
