"""The one tally the benchmarks count into: documents, fields, characters, pages and seconds."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass
class Tally:
    """Totals for one cell of a benchmark table; each benchmark fills what it measures."""

    documents: int = 0
    classified: int = 0
    fields: int = 0
    fields_right: int = 0
    distance: int = 0
    length: int = 0
    pages: int = 0
    seconds: float = 0.0
    engine_seconds: float = 0.0
    fields_wrong_sure: int = 0
    fields_right_doubted: int = 0

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    @property
    def classified_share(self) -> float:
        """Share of documents whose type was right."""
        return self.classified / max(1, self.documents)

    @property
    def fields_share(self) -> float:
        """Share of key fields read exactly right."""
        return self.fields_right / max(1, self.fields)

    @property
    def wrong_sure_share(self) -> float:
        """Share of key fields read wrong with no doubt: what the cross-checks would report as a
        mismatch of paper and case."""
        return self.fields_wrong_sure / max(1, self.fields)

    @property
    def right_doubted_share(self) -> float:
        """Share of the key fields read right that were still marked uncertain (请核对): what a
        reviewer is asked to confirm without need."""
        return self.fields_right_doubted / max(1, self.fields_right)

    @property
    def cer(self) -> float:
        """Character error rate: edit distance over the ground truth's length."""
        return self.distance / max(1, self.length)

    @property
    def seconds_per_page(self) -> float:
        """Seconds per page."""
        return self.seconds / max(1, self.pages)

    @property
    def engine_seconds_per_page(self) -> float:
        """Seconds per page inside the OCR engine (its pages' ``engine_seconds``)."""
        return self.engine_seconds / max(1, self.pages)
