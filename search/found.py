"""What either back end's ``search`` returns, in the same plain shape."""

from typing import NamedTuple


class Found(NamedTuple):
    """A search's answer before it becomes the response body.

    ``count`` is exact unless ``count_capped`` (then it is the cap, and more
    matched); ``facets`` are ``{name: [(value, count)]}``, counted over every
    match unless ``facets_estimated`` (then over a sample of them)."""

    count: int
    hits: list
    facets: dict
    count_capped: bool = False
    facets_estimated: bool = False
