"""Depth commands into level updates: inserts push down, deletes pull up, batches released whole."""

from __future__ import annotations

from adapters.sierra.files.depth import DepthBook
from adapters.sierra.files.layout import ADD_ASK, ADD_BID, CLEAR_BOOK, DELETE_BID, END_OF_BATCH, MODIFY_BID
from mia_core.instruments import ES
from mia_core.market import BookSide, DepthAction, DepthUpdate

from .helpers import T0


class LevelBook:
    """A consumer applying IB-style level updates (as order_book_imbalance's DepthBook does)."""

    def __init__(self, levels: int) -> None:
        self.levels = levels
        self.sides: dict[BookSide, list[tuple[float, float]]] = {BookSide.BID: [], BookSide.ASK: []}

    def apply(self, u: DepthUpdate) -> None:
        side = self.sides[u.side]
        if u.level >= self.levels:
            return
        if u.action is DepthAction.INSERT:
            side.insert(min(u.level, len(side)), (u.price, u.size))
            del side[self.levels:]
        elif u.action is DepthAction.UPDATE:
            side[u.level] = (u.price, u.size)
        elif u.level < len(side):
            del side[u.level]


def _feed(book: DepthBook, consumer: LevelBook, rows: list[tuple[int, int, float, float]]) -> int:
    released = 0
    for command, flags, price, qty in rows:
        events = book.apply(T0, command, flags, price, qty)
        released += bool(events)
        for event in events:
            consumer.apply(event)
    return released


def test_a_consumer_of_the_updates_sees_the_top_levels_of_the_full_book() -> None:
    book, consumer = DepthBook(ES, levels=2), LevelBook(2)
    rows = [(CLEAR_BOOK, 0, 0.0, 0), (ADD_BID, 0, 6850.0, 10), (ADD_BID, 0, 6849.75, 20), (ADD_BID, 0, 6849.5, 30),
            (ADD_ASK, END_OF_BATCH, 6850.25, 5)]
    assert _feed(book, consumer, rows) == 1
    assert consumer.sides[BookSide.BID] == [(6850.0, 10), (6849.75, 20)]
    _feed(book, consumer, [(ADD_BID, END_OF_BATCH, 6849.875 + 0.125, 7)])  # same price: an update
    assert consumer.sides[BookSide.BID][0] == (6850.0, 7)
    _feed(book, consumer, [(DELETE_BID, END_OF_BATCH, 6850.0, 0)])  # the third level moves into view
    assert consumer.sides[BookSide.BID] == [(6849.75, 20), (6849.5, 30)]
    _feed(book, consumer, [(MODIFY_BID, END_OF_BATCH, 6849.75, 0)])  # quantity 0: a delete
    assert consumer.sides[BookSide.BID] == [(6849.5, 30)]
    _feed(book, consumer, [(ADD_BID, END_OF_BATCH, 6850.25 - 0.5, 4)])
    assert consumer.sides[BookSide.BID] == [(6849.75, 4), (6849.5, 30)]
    assert book.best(BookSide.ASK) == (6850.25, 5)


def test_nothing_is_released_before_the_end_of_the_batch_and_clear_empties_the_book() -> None:
    book, consumer = DepthBook(ES, levels=5), LevelBook(5)
    assert _feed(book, consumer, [(ADD_BID, 0, 6850.0, 10), (ADD_ASK, 0, 6850.25, 3)]) == 0
    assert consumer.sides[BookSide.BID] == []
    assert _feed(book, consumer, [(CLEAR_BOOK, END_OF_BATCH, 0.0, 0)]) == 1
    assert consumer.sides == {BookSide.BID: [], BookSide.ASK: []} and book.best(BookSide.BID) is None


def test_a_legacy_depth_file_without_batch_flags_releases_every_record(tmp_path) -> None:
    from adapters.sierra.files.depth import read_depth
    from adapters.sierra.files.writer import depth_header, depth_records, write_file

    from .helpers import S, make_old

    rows = [(T0, CLEAR_BOOK, 0, 0, 0.0, 0), (T0 + S, ADD_BID, 0, 0, 6850.0, 10),
            (T0 + 2 * S, ADD_ASK, 0, 0, 6850.25, 4)]
    path = make_old(write_file(tmp_path / "ES.2025-12-01.depth", depth_header(), depth_records(rows, legacy=True)))
    updates = read_depth(path, ES)
    assert [(u.ts, u.side, u.price) for u in updates] == [(T0 + S, BookSide.BID, 6850.0),
                                                          (T0 + 2 * S, BookSide.ASK, 6850.25)]
