"""A plugin whose misspelt hook also lacks @hookimpl: still reported."""


def mia_register_stratgies() -> list[object]:
    return []
