"""The ``file`` feed reads text strictly: a byte that is not UTF-8 is named, even in a column MIA does not use."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from adapters.replay.file import FileFeedConfig, read_bars
from mia_core.data_quality import DataQualityError
from mia_core.instruments import ES

Frame = Callable[..., pd.DataFrame]


def with_bad_byte(frame: pd.DataFrame, path: Path) -> Path:
    frame = frame.assign(note="ok")
    text = frame.to_csv(index=False).encode()
    lines = text.split(b"\n")
    lines[3] = lines[3][:-2] + b"\xe9t"  # line 4: 'ok' -> latin-1 'é' + 't' in the extra column
    data = b"\n".join(lines)
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


@pytest.mark.parametrize("name", ["es.csv", "es.csv.gz"])
def test_a_non_utf8_byte_in_an_extra_column_is_an_error(tmp_path: Path, make_frame: Frame, name: str) -> None:
    path = with_bad_byte(make_frame(5), tmp_path / name)
    with pytest.raises(DataQualityError) as caught:
        read_bars(FileFeedConfig(path=str(path)), ES)
    assert str(caught.value).startswith(f"{path}, line 4, column 'note': value b'\\xe9t': not valid UTF-8 text")


def test_under_repair_it_is_reported_and_the_bars_kept(tmp_path: Path, make_frame: Frame) -> None:
    path = with_bad_byte(make_frame(5), tmp_path / "es.csv")
    checked = read_bars(FileFeedConfig(path=str(path), on_bad_data="repair"), ES)
    assert len(checked.series) == 5 and checked.report.count("bad_encoding") == 1
    assert not checked.report.clean and "line 4, column 'note'" in checked.report.summary()


def test_spike_settings_reach_the_checks(tmp_path: Path, make_frame: Frame) -> None:
    frame = make_frame(9)
    frame.loc[4, "high"] = 5600.0
    path = tmp_path / "es.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(DataQualityError, match=r"line 6, column 'high': value 5600\.0"):
        read_bars(FileFeedConfig(path=str(path)), ES)
    assert read_bars(FileFeedConfig(path=str(path), spike_threshold=None), ES).report.clean
    dropped = read_bars(FileFeedConfig(path=str(path), on_bad_data="repair", spike_repair="drop"), ES)
    assert len(dropped.series) == 8 and dropped.report.count("spike") == 1
