"""Background work in a task-queue worker (huey): `flask --app fairapp worker` runs it.

    init_app(app)                         give the queue its storage from the configuration
    @task(transaction=True, **options)    declare a task: run in the app context and, by default, in
                                          one run_in_transaction unit
    enqueue_after_commit(task, *args)     enqueue once the current transaction has committed
    schedule.JOBS                         the periodic jobs, each run once per scheduled minute

fairapp.worker.queue explains the storage choice; fairapp.worker.schedule the periodic jobs."""

from fairapp.worker.queue import enqueue_after_commit, huey, init_app, task

__all__ = ["enqueue_after_commit", "huey", "init_app", "task"]
