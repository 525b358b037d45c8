"""Two small pieces every track's services share (inspection, disputes, blacklist, transfer): a rule's citation for
people, and the row lock a service takes before it checks a state and acts on it.

casework imports no track: the tracks import these."""
import datetime as dt
import re
from typing import TypeVar

from django.db import models

from ..models import DeadlineRule
from .config import rule

__all__ = ["cite", "plain_citation", "lock"]

M = TypeVar("M", bound=models.Model)

# The spec's confidence tag at the end of a citation ("… 第六条 [C]", "[P]", "[P; article number M]").
_TAG = re.compile(r"\s*\[[^\]]*\]\s*$")


def plain_citation(citation: str) -> str:
    """A citation without its confidence tag ("《…》第四十九条 [C]" → "《…》第四十九条"): the tag is for the people who
    maintain the rule table, not for the texts a party or an officer reads."""
    return _TAG.sub("", citation or "").strip()


def cite(rule_or_id: DeadlineRule | str, on: dt.date | None = None) -> str:
    """The citation of a rule-table row, or of the row ``rule_id`` in force on ``on`` (today by default), without
    its tag."""
    row = rule_or_id if isinstance(rule_or_id, DeadlineRule) else rule(rule_or_id, on=on)
    return plain_citation(row.citation)


def lock(obj: M, *related: str) -> M:
    """Lock ``obj``'s row for the rest of the current transaction (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite
    the IMMEDIATE transaction already serialises writers) and reload it in place, so that the state check that
    follows sees what the other side committed: two people pressing the same button act one after the other, the
    second on what the first wrote. ``related``: relations to load in the same query (only ``obj``'s own row is
    locked). Returns ``obj``."""
    qs = type(obj)._base_manager.select_for_update(of=("self",) if related else ())
    obj.refresh_from_db(from_queryset=qs.select_related(*related) if related else qs)
    return obj
