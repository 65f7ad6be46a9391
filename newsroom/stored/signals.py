"""The signal the stored copies send, for readers that keep their own copies
(the page cache)."""

from django.dispatch import Signal


class RowsRewritten(Signal):
    """Sent by a queued task (newsroom.stored.followups) after it rewrote
    stored copies of rows other than the one saved, with ``model`` (a label:
    "newsroom.article", "alliances.agreement", "alliances.countryoverview")
    and ``ids``. ``update()`` sends no model signal, so a reader that caches
    pages showing those rows listens to this. Calling it sends it:
    ``rows_rewritten("newsroom.article", [1, 2])``; no ids, no signal."""

    def __call__(self, model_label: str, ids: list[int]) -> None:
        ids = list(ids)
        if ids:
            self.send(sender=RowsRewritten, model=model_label, ids=ids)


rows_rewritten = RowsRewritten()
