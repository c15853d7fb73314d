"""Options of ours carried in a store URL's query, taken out before the driver sees the URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from agent_tools.core.errors import StoreError


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


@dataclass(frozen=True)
class NameOption:
    """A name a store keeps its data under (a schema, a key prefix), given or in the URL."""

    option: str
    default: str
    pattern: re.Pattern[str]

    def take(self, url: str, given: str | None) -> tuple[str, str]:
        """``url`` without the option, and the name: ``given``, the URL's, or the default."""
        url, in_url = pop_query_option(url, self.option)
        name = given or in_url or self.default
        if not self.pattern.match(name):
            raise StoreError(
                f"{name!r} is not a usable {self.option} name.",
                f"Use a name that matches {self.pattern.pattern}.",
            )
        return url, name
