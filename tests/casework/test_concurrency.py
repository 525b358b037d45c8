"""Two staff pressing the same button at the same moment, in two real threads with their own database
connections: exactly one transition happens and the other gets a clear conflict answer."""
import threading

import pytest
from django.db import connection

from casework.errors import Conflict, DomainError
from casework.workflow import queue_for, task_complete
from tests.factories import submit


@pytest.mark.django_db(transaction=True)
def test_simultaneous_completion_one_wins(staff):
    c = submit().complaint
    task = queue_for(staff["inspector"]).get(process_id=c.process_id)
    barrier = threading.Barrier(2)
    results = []

    def press(user):
        try:
            barrier.wait(timeout=10)
            task_complete(user=user, task_id=task.pk, data={"decision": "accept"})
            results.append("ok")
        except Conflict:
            results.append("conflict")
        except DomainError as e:  # the loser may also find the case no longer in RECEIVED
            results.append(f"domain:{e}")
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=(u,)) for u in (staff["inspector"], staff["head"])]
    for t in threads:
        t.start()
    for t in threads:  # no timeout: a thread still running would keep its database connection past the test
        t.join()
    assert sorted(results) == ["conflict", "ok"], results
    assert c.process.task_set.filter(flow_task_type="HUMAN").count() == 2  # triage + one investigate
