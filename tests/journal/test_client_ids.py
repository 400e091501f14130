"""Client order ids: unique after a restart on the same journal, and between two systems."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.ib.orders import order_ref, parse_ref
from adapters.journal.client_ids import next_client_order_id, system_tag
from adapters.journal.jsonl import JsonLinesJournal, MemoryJournal
from adapters.journal.sqlite import SqliteJournal

START = 1_765_000_000 * 1_000_000_000


@pytest.mark.parametrize("name", ["journal.sqlite", "journal.jsonl"])
def test_ids_stay_unique_after_a_restart_on_the_same_journal_even_in_the_same_second(tmp_path: Path,
                                                                                        name: str) -> None:
    path = tmp_path / name
    opener = SqliteJournal if name.endswith(".sqlite") else JsonLinesJournal
    first = opener(path)
    before = [next_client_order_id("es-paper", first, START) for _ in range(5)]
    first.close()
    second = opener(path)  # a restart within the same second: the counter goes on from the journal
    after = [next_client_order_id("es-paper", second, START) for _ in range(5)]
    second.close()
    assert len(set(before + after)) == 10


def test_two_systems_never_share_an_id_on_one_journal_or_two() -> None:
    shared = MemoryJournal()
    a = [next_client_order_id("es-paper", shared, START) for _ in range(3)]
    b = [next_client_order_id("es-paper-2", shared, START) for _ in range(3)]
    c = [next_client_order_id("es-paper-2", MemoryJournal(), START) for _ in range(3)]
    assert len(set(a + b)) == 6 and not set(a) & set(c)
    assert system_tag("es-paper") != system_tag("es_paper")  # same letters, different names


def test_a_lost_journal_still_gives_new_ids_in_a_later_session() -> None:
    earlier = next_client_order_id("es", MemoryJournal(), START)
    later = next_client_order_id("es", MemoryJournal(), START + 1_000_000_000)
    assert later != earlier


def test_an_id_fits_ib_order_ref_and_parses_back() -> None:
    cid = next_client_order_id("a very long system name: with colons", MemoryJournal(), START)
    assert len(cid) <= 26 and ":" not in cid
    assert parse_ref(order_ref(cid)) == (cid, "") and parse_ref(order_ref(cid, "sl")) == (cid, "sl")
