"""Options of ours carried in a store URL's query, taken out before the driver sees the URL."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit


def pop_query_option(url: str, name: str) -> tuple[str, str | None]:
    """``url`` without the query option ``name``, and that option's value (or None)."""
    parts = urlsplit(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    value = next((v for k, v in pairs if k == name), None)
    remaining = urlencode([(k, v) for k, v in pairs if k != name])
    return urlunsplit(parts._replace(query=remaining)), value


def without_password(url: str) -> str:
    """``url`` safe to print: any password replaced by ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
