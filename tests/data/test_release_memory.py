"""The loader's memory release: glibc's mmap threshold pinned through mallopt, and harmless without it."""

from __future__ import annotations

from adapters.replay import memory


class FakeMallopt:
    """Records what the C library was asked; answers as glibc does (1 when it took the value)."""

    def __init__(self, answer: int) -> None:
        self.calls: list[tuple[int, int]] = []
        self.answer = answer

    def __call__(self, option: int, value: int) -> int:
        self.calls.append((option, value))
        return self.answer


def test_the_threshold_is_pinned_through_mallopt() -> None:
    mallopt = FakeMallopt(1)
    assert memory.pin_mmap_threshold(mallopt)
    assert mallopt.calls == [(-3, 1 << 20)]  # M_MMAP_THRESHOLD, 1 MiB


def test_a_c_library_that_refuses_or_lacks_mallopt_is_reported() -> None:
    assert not memory.pin_mmap_threshold(FakeMallopt(0))
    assert not memory.pin_mmap_threshold(None)


def test_release_runs_on_this_platform() -> None:
    memory.release_unused_memory()
    memory.release_unused_memory()  # twice: pinning again is harmless
