"""Records that cross process boundaries: how a dataclass is pickled compactly."""

from __future__ import annotations

from dataclasses import fields
from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


def compact_pickle(cls: type[T]) -> type[T]:
    """Pickle instances of a dataclass as a call of its constructor with its fields in order.

    With ``slots=True`` a dataclass pickles through Python-level state functions; a
    constructor call is about three times faster to write and to read, which counts when the
    reports of thousands of portfolios come back from worker processes."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    if not all(f.init for f in fields(cls)):  # type: ignore[arg-type]
        raise TypeError(f"{cls.__name__}: every field must be a constructor argument")
    values = attrgetter(*names)
    if len(names) == 1:

        def reduce(self: Any) -> tuple[Any, tuple[Any, ...]]:
            return cls, (values(self),)
    else:

        def reduce(self: Any) -> tuple[Any, tuple[Any, ...]]:
            return cls, values(self)

    cls.__reduce__ = reduce  # type: ignore[method-assign]
    return cls
