"""Turning decoded JSON into typed answers, and bad shapes into MalformedResponse."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from stock_tracker_desktop.marketplaces.base import ProgressCallback
from stock_tracker_desktop.marketplaces.endpoints import Endpoint
from stock_tracker_desktop.marketplaces.errors import MalformedResponse

T = TypeVar("T")


class Answer(BaseModel):
    """Base of every answer model: only the fields we use are declared, the rest is ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


@cache
def _adapter(shape: Any) -> TypeAdapter[Any]:
    return TypeAdapter(shape)


def parse(shape: type[T], data: object, endpoint: Endpoint) -> T:
    """Validate ``data`` against ``shape`` (a model or e.g. ``list[Model]``)."""
    try:
        return _adapter(shape).validate_python(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or "(the whole answer)"
        raise MalformedResponse(
            f"unexpected answer: field {field}: {first['msg']}", endpoint=endpoint.label
        ) from None


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def progress_or_silence(progress: ProgressCallback | None) -> ProgressCallback:
    return progress or _silent


def _silent(stage: str, pages: int, rows: int) -> None:
    """No one listens."""
