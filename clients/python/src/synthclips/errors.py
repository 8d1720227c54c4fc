"""Errors raised by the SynthClips client."""
from __future__ import annotations

from typing import Any, Dict, Optional


class SynthClipsError(Exception):
    """The server answered with an error (a 4xx, or a 5xx that retries did not cure), carrying its
    RFC 9457 problem detail: `status`, `title`, `detail`, `parameter`, `allowed`, `problem`."""

    def __init__(self, status: int, title: str = "", detail: str = "", parameter: Optional[str] = None,
                 allowed: Optional[str] = None, problem: Optional[Dict[str, Any]] = None, url: str = ""):
        self.status, self.title, self.detail = status, title, detail
        self.parameter, self.allowed, self.problem, self.url = parameter, allowed, problem or {}, url
        where = f" (parameter {parameter!r}" + (f", allowed {allowed}" if allowed else "") + ")" if parameter else ""
        super().__init__(f"{status} {title}: {detail}{where}" + (f" [{url}]" if url else ""))


class SynthClipsProtocolError(SynthClipsError):
    """A response that is not what the protocol promises: malformed safetensors, or metadata
    (configuration hash, generator version, seeds) that does not match the headers or the request."""

    def __init__(self, detail: str, url: str = ""):
        super().__init__(0, "Protocol error", detail, url=url)


class SynthClipsUnavailable(SynthClipsError):
    """Connection errors or 503s persisted through every retry."""
