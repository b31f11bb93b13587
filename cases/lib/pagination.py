"""Pagination whose cost does not grow with the table (docs/performance.md).

Django's Paginator counts every matching row. With a million requests, ``COUNT(*)`` of an
unfiltered list reads a whole index on every page view. ``CappedPaginator`` counts at
most ``cap + 1`` rows (``SELECT COUNT(*) FROM (... LIMIT cap+1)``), so the count stops
early; past the cap the page says "more than N pages" and filters narrow the list.
"""

from __future__ import annotations

from functools import cached_property

from django.core.paginator import Paginator
from django.db.models import QuerySet

PAGE_SIZE = 25
COUNT_CAP = 1_000  # rows: 40 pages of 25


class CappedPaginator(Paginator):
    def __init__(
        self, object_list: QuerySet, per_page: int = PAGE_SIZE, cap: int = COUNT_CAP
    ) -> None:
        self.object_list: QuerySet
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        # Any cap + 1 rows give the same answer, so the count needs no ORDER BY.
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """More rows match than were counted: the last page shown is not the last one."""
        return self.count > self.cap

    @property
    def page_label(self) -> str:
        if self.capped:
            return f"more than {self.cap // self.per_page}"
        return str(self.num_pages)
