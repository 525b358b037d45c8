"""A small registry through which one track asks another a question without importing its internals
(style.md: tracks hand cases over through the case record and a registry). The disputes track (issue #3)
registers a checker for open mediation/arbitration cases, and a tracker: a function (number, code) -> case or None
that answers the public tracking lookup for its own case numbers."""
from typing import Callable

__all__ = ["register_open_dispute_checker", "open_dispute_exists", "register_tracker", "track_lookup",
           "register_tracking_page", "tracking_page"]

_checkers: list[Callable] = []
_trackers: list[Callable] = []


def register_open_dispute_checker(func: Callable) -> None:
    if func not in _checkers:
        _checkers.append(func)


def open_dispute_exists(complaint) -> bool:
    return any(check(complaint) for check in _checkers)


def register_tracker(func: Callable) -> None:
    """Add ``func(number, code) -> case | None`` to the public tracking lookup (idempotent)."""
    if func not in _trackers:
        _trackers.append(func)


def track_lookup(number: str, code: str):
    """The first case any registered tracker finds for this number and access code, or None. Every tracker is
    asked until one answers, so a wrong code costs the same work as an unknown number."""
    for tracker in _trackers:
        found = tracker(number, code)
        if found is not None:
            return found
    return None


_pages: dict = {}


def register_tracking_page(model, func: Callable) -> None:
    """``func(request, case) -> url``: remember the tracked case on this device and say where its page is."""
    _pages[model] = func


def tracking_page(request, case) -> str:
    return _pages[type(case)](request, case)
