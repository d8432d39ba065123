"""`manage.py worker`: the background worker (django-tasks-db's `db_worker`, same options) that
outlives a busy or briefly unreachable database.

`db_worker` ignores "database is locked" only while it picks a task. The same error anywhere else
in its loop (beginning the transaction that claims a task, recording a result, checking its
connection), or a database restarting, ended its loop: the process stopped, or, with --reload
(DEBUG, `make run`), lived on doing nothing. Here the loop is started again after the error,
on a fresh connection, a few seconds later. Other errors (a missing table…) still stop the
worker, for its service manager to restart and its log to show.
"""

import logging
import os
import time

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger(__name__)  # not db_worker's, which --verbosity 0 silences

# Errors a database gives while it is busy or out of reach for a while.
TRANSIENT = (OperationalError, InterfaceError)


def reset_connections():
    """Drop this thread's connections: the next query opens a fresh one."""
    connections.close_all()


class Worker(db_worker.Worker):
    def __init__(self, *, retry_seconds, **kwargs):
        super().__init__(**kwargs)
        self.retry_seconds = retry_seconds

    def run(self):
        while True:
            try:
                return super().run()
            except TRANSIENT as error:
                logger.warning("Database unavailable (%s); the worker goes on in %s s.", error, self.retry_seconds)
                self.running_task = False
                self.startup_delay = False
                reset_connections()
                if not self.running:  # asked to stop meanwhile
                    return None
                time.sleep(self.retry_seconds)


class Command(db_worker.Command):
    help = "Run the background worker; it waits out a busy or unreachable database."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--retry-seconds",
            type=db_worker.valid_interval,
            default=5,
            help="Seconds to wait after a database error before going on (default: %(default)r)",
        )

    def handle(self, *, verbosity, queue_name, exclude_queues, reload, batch, retry_seconds, **options):
        # As db_worker's own handle, with this module's Worker.
        self.configure_logging(verbosity)
        if reload and batch:
            db_worker.logger.warning("Warning: --reload and --batch cannot be specified together. Disabling autoreload.")
            reload = False
        queue_names = queue_name.split(",")
        excluded_queue_names = exclude_queues.split(",") if exclude_queues else []
        if excluded_queue_names and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            excluded_queue_names=excluded_queue_names,
            batch=batch,
            retry_seconds=retry_seconds,
            interval=options["interval"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloaded child handles signals
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
