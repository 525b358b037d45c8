"""A small registry through which one track asks another a question without importing its internals
(style.md: tracks hand cases over through the case record and a registry). The disputes track (issue #3)
registers a checker for open mediation/arbitration cases."""
from typing import Callable

__all__ = ["register_open_dispute_checker", "open_dispute_exists"]

_checkers: list[Callable] = []


def register_open_dispute_checker(func: Callable) -> None:
    if func not in _checkers:
        _checkers.append(func)


def open_dispute_exists(complaint) -> bool:
    return any(check(complaint) for check in _checkers)
