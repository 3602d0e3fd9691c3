"""The narrow port through which the registry asks for background work without importing its tasks.

Services and the risk engine name the work they want (`send("assess_case", case_id=7)`);
`cases.tasks` provides each name when the app is ready (`cases.apps`). The data thus flows one
way, tasks → services → engines → models, and a request for more work travels back through this
port rather than through an import (which would close a circle).

Owns: the table of named work. May import: nothing of the registry.
"""

from celery import current_app

_tasks: dict = {}


def provide(name: str, task) -> None:
    """Declare the Celery task that does the named work (called once, from cases.tasks)."""
    _tasks[name] = task


def send(name: str, **kwargs) -> None:
    """Queue the named work. A broker failure is raised: each caller decides what it means."""
    try:
        task = _tasks[name]
    except KeyError:
        raise LookupError(f"no task provides {name!r}: cases.tasks is loaded by cases.apps") from None
    task.delay(**kwargs)


def runs_in_process() -> bool:
    """True where tasks run inside the request that queues them (no broker: development, tests)."""
    return bool(current_app.conf.task_always_eager)
