"""The input of ``api_integration``: a list of requests, or a URL template over records."""

from __future__ import annotations

from string import Formatter
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

HttpMethod = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
MAX_REQUESTS = 100_000


class HttpRequest(BaseModel):
    """One HTTP request."""

    model_config = ConfigDict(extra="forbid")

    method: HttpMethod = "GET"
    url: str
    headers: dict[str, str] = Field(default_factory=dict)
    params: dict[str, str] = Field(default_factory=dict)
    json_body: JsonValue = Field(default=None, description="Sent as a JSON body when set.")
    text_body: str | None = Field(default=None, description="Sent as a raw body when set.")


class ApiIntegrationInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    requests: list[HttpRequest] = Field(
        default_factory=list, description="The requests to send, in order (or use url_template)."
    )
    url_template: str | None = Field(
        default=None,
        description="A URL with {field} placeholders, filled (URL-quoted) from each of `records`.",
    )
    records: list[dict[str, JsonValue]] = Field(
        default_factory=list, description="With url_template: one request per record."
    )
    method: HttpMethod = Field(default="GET", description="With url_template: the method.")
    headers: dict[str, str] = Field(
        default_factory=dict, description="Headers added to every request."
    )
    send_record_as_json: bool = Field(
        default=False, description="With url_template: send each record as the JSON body."
    )
    concurrency: int = Field(default=4, ge=1, le=32, description="Requests in flight at once.")
    rate_limit_per_second: float | None = Field(
        default=None, gt=0, description="At most this many request starts per second."
    )
    max_retries: int = Field(
        default=3, ge=0, le=10, description="Retries on 429, 5xx and connection errors."
    )
    backoff_initial_s: float = Field(default=0.5, ge=0, le=60)
    backoff_max_s: float = Field(
        default=30.0, ge=0, le=600, description="Cap on a retry delay, Retry-After included."
    )
    timeout_s: float = Field(default=30.0, gt=0, le=600, description="Per request attempt.")
    max_redirects: int = Field(default=5, ge=0, le=20)
    select_fields: list[str] = Field(
        default_factory=list,
        description="Dotted paths (e.g. 'data.items.0.id') picked from JSON responses "
        "instead of a body excerpt.",
    )
    excerpt_chars: int = Field(default=200, ge=0, le=2000)
    idempotency_keys: bool = Field(
        default=True,
        description="Send 'Idempotency-Key: <operation_id>:<chunk_index>:<request_index>' "
        "with non-GET requests, the same on every retry and re-run.",
    )

    @model_validator(mode="after")
    def _check_source(self) -> ApiIntegrationInput:
        if bool(self.requests) == bool(self.url_template):
            raise ValueError("give either requests or url_template with records, not both")
        if self.url_template is not None:
            names = {name for _, name, _, _ in Formatter().parse(self.url_template) if name}
            for position, record in enumerate(self.records):
                missing = names - set(record)
                if missing:
                    raise ValueError(f"record {position} lacks {sorted(missing)} for url_template")
        if self.request_count() > MAX_REQUESTS:
            raise ValueError(f"at most {MAX_REQUESTS} requests per operation")
        return self

    def request_count(self) -> int:
        return len(self.requests) if self.requests else len(self.records)

    def request_at(self, index: int) -> HttpRequest:
        """Request number ``index``, with the shared headers added."""
        if self.requests:
            request = self.requests[index]
            return request.model_copy(update={"headers": {**self.headers, **request.headers}})
        assert self.url_template is not None
        record = self.records[index]
        url = self.url_template.format_map(
            {name: quote(str(value), safe="") for name, value in record.items()}
        )
        return HttpRequest(
            method=self.method,
            url=url,
            headers=dict(self.headers),
            json_body=dict(record) if self.send_record_as_json else None,
        )
