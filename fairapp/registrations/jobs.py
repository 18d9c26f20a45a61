"""Badge jobs: a request to print every badge of a fair, rendered by the background worker
(fairapp.worker, `flask --app fairapp worker`), with progress in the badge_jobs row and the PDF in
instance/badges/.

start_job() writes the queued row and enqueues the task once the request's transaction has committed
(the worker never looks for a row that is not there yet); the task runs run_job() in the worker,
which commits as it goes, one short transaction per step (fairapp.transactions.run_in_transaction),
so that the page polling the job sees its progress: queued → running → done or failed.

A job lives in the queue, not in a web worker: restarting or deploying the web servers does not
touch it. If the worker process itself dies mid-job (SIGKILL, a crash, SIGTERM's immediate stop),
huey does not run the task again (it left the queue when it started; retries are for exceptions,
and a half-made PDF is not worth resuming): the row keeps its last heartbeat (`updated_at`) and is
reported as failed ("interrupted") once that is older than STALE_AFTER (status_of, on reading;
start_job marks it so in the row), and the organiser starts it again. A job that raises ends failed
at once. Finished files are deleted a day after they were made (KEEP_FILES_FOR), by the next job of
any fair and by the hourly periodic job (fairapp.worker.schedule).

A job whose task never reached the queue (its store, Redis say, was down when the request committed)
is sent again by the worker's every-minute job (requeue_waiting) once it has waited REQUEUE_AFTER; a
job sent twice runs once (_started claims it with a conditional UPDATE)."""

import logging
import secrets
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from fairapp.audit import services as audit
from fairapp.audit.services import SYSTEM, Origin
from fairapp.errors import Conflict, DomainError, NotFound
from fairapp.extensions import db
from fairapp.fairs.models import Fair
from fairapp.modelbase import utcnow
from fairapp.registrations import badges
from fairapp.registrations.models import BadgeJob, BadgeJobStatus
from fairapp.transactions import run_in_transaction, write_point
from fairapp.worker import enqueue_after_commit, task

log = logging.getLogger(__name__)
KEEP_FILES_FOR = timedelta(days=1)
STALE_AFTER = timedelta(minutes=10)  # a running job writes its progress every few seconds
REQUEUE_AFTER = timedelta(minutes=2)  # a queued job not started by then is sent to the worker again
ACTIVE = (BadgeJobStatus.QUEUED, BadgeJobStatus.RUNNING)
INTERRUPTED = "interrupted"


class NoRegistrations(DomainError):
    code = "no_registrations"
    status = 409
    message = _l("Phiên này chưa có người đăng ký nên chưa có thẻ để in.")


class JobAlreadyRunning(Conflict):
    code = "badge_job_running"
    message = _l("Thẻ của phiên này đang được tạo. Vui lòng chờ cho xong.")


def badge_folder(app: Flask | None = None) -> Path:
    folder = Path((app or current_app).instance_path) / "badges"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


def file_path(job: BadgeJob) -> Path | None:
    if not job.file_name:
        return None
    return badge_folder() / job.file_name


# --- requests and status -----------------------------------------------------------------------------


def start_job(fair: Fair, *, by, origin: Origin = SYSTEM, now: datetime | None = None) -> BadgeJob:
    """A queued job for every badge of the fair, sent to the worker once the transaction commits.
    Raises NoRegistrations, or JobAlreadyRunning while another job of this fair is in progress."""
    now = now or utcnow()
    # One request at a time per fair, on every app server: the fair's row lock (FOR NO KEY UPDATE, so
    # registrations, which only hold its key, are not held up); SQLite's writer's turn serialises all.
    write_point()
    db.session.execute(sa.select(Fair.id).where(Fair.id == fair.id).with_for_update(key_share=True))
    purge_expired(now=now)
    from fairapp.attendees.models import Registration

    count = db.session.scalar(sa.select(sa.func.count()).where(Registration.fair_id == fair.id))
    if not count:
        raise NoRegistrations()
    for job in db.session.scalars(
        sa.select(BadgeJob).where(BadgeJob.fair_id == fair.id, BadgeJob.status.in_(ACTIVE))
    ):
        if not _mark_if_stale(job, now):
            raise JobAlreadyRunning()
    job = BadgeJob(
        fair_id=fair.id,
        requested_by=by.id,
        status=BadgeJobStatus.QUEUED,
        badges_total=count,
        pages_total=badges.page_count(count),
        pages_done=0,
        created_at=now,
        updated_at=now,
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        "badges.request", actor=by, target=fair, origin=origin, details={"job_id": job.id, "badges": count}
    )
    db.session.flush()
    enqueue_after_commit(render_badges, job.id)
    return job


def job_of(fair: Fair, job_id: int) -> BadgeJob:
    """The fair's job. Raises NotFound."""
    job = db.session.get(BadgeJob, job_id)
    if job is None or job.fair_id != fair.id:
        raise NotFound()
    return job


def recent_jobs(fair: Fair, limit: int = 5) -> list[BadgeJob]:
    return list(
        db.session.scalars(
            sa.select(BadgeJob).where(BadgeJob.fair_id == fair.id).order_by(BadgeJob.id.desc()).limit(limit)
        )
    )


def status_of(job: BadgeJob, *, now: datetime | None = None) -> dict:
    """The job's progress as the page shows it; a job not heard from for STALE_AFTER is failed
    ("interrupted"), whatever its row still says."""
    percent = round(100 * job.pages_done / job.pages_total) if job.pages_total else 0
    stale = _is_stale(job, now or utcnow())
    return {
        "id": job.id,
        "status": BadgeJobStatus.FAILED.value if stale else job.status.value,
        "pages_done": job.pages_done,
        "pages_total": job.pages_total,
        "badges_total": job.badges_total,
        "percent": percent,
        "error": INTERRUPTED if stale else job.error,
    }


def _is_stale(job: BadgeJob, now: datetime) -> bool:
    return job.status in ACTIVE and job.updated_at < now - STALE_AFTER


def _mark_if_stale(job: BadgeJob, now: datetime) -> bool:
    if _is_stale(job, now):
        job.status, job.error, job.finished_at = BadgeJobStatus.FAILED, INTERRUPTED, now
        db.session.flush()
        return True
    return False


def purge_expired(*, now: datetime | None = None) -> int:
    """Delete the files of jobs finished more than a day ago; their rows say `expired`."""
    cutoff = (now or utcnow()) - KEEP_FILES_FOR
    old = list(
        db.session.scalars(
            sa.select(BadgeJob).where(BadgeJob.status == BadgeJobStatus.DONE, BadgeJob.finished_at < cutoff)
        )
    )
    for job in old:
        path = file_path(job)
        if path is not None:
            path.unlink(missing_ok=True)
        job.status, job.file_name = BadgeJobStatus.EXPIRED, None
    db.session.flush()
    return len(old)


# --- running ---------------------------------------------------------------------------------------


@task(transaction=False)  # one short transaction per step, so that progress shows
def render_badges(job_id: int) -> None:
    """The worker's task: run the (committed) job."""
    run_job(current_app._get_current_object(), job_id)


def run_job(app: Flask, job_id: int, stats: dict | None = None) -> None:
    """Render the job's PDF, committing progress as chunks finish; never raises. `stats`: see
    badges.build_pdf (the benchmark reads it)."""
    with app.app_context():
        try:
            _run(app, job_id, stats)
        except Exception as error:  # the job must end as failed, whatever went wrong
            log.exception("badge job %s failed", job_id)
            failure = type(error).__name__
            run_in_transaction(lambda: _failed(job_id, failure))
        finally:
            db.session.remove()


def _run(app: Flask, job_id: int, stats: dict | None) -> None:
    job = run_in_transaction(lambda: _started(job_id))
    if job is None:
        return
    sheet, items = run_in_transaction(lambda: badges.collect_badges(job.fair), writes=False)
    run_in_transaction(lambda: _set(job, badges_total=len(items), pages_total=badges.page_count(len(items))))
    pdf = badges.build_pdf(
        sheet,
        items,
        workers=app.config.get("BADGE_WORKERS", badges.WORKERS),
        chunk_pages=app.config.get("BADGE_CHUNK_PAGES", badges.CHUNK_PAGES),
        progress=lambda pages_done: run_in_transaction(
            lambda: _set(job, pages_done=pages_done, updated_at=utcnow())
        ),
        stats=stats,
    )
    name = f"fair-{job.fair_id}-job-{job.id}-{secrets.token_hex(8)}.pdf"
    path = badge_folder(app) / name
    temporary = path.with_suffix(".part")
    temporary.write_bytes(pdf)
    temporary.replace(path)
    run_in_transaction(
        lambda: _set(
            job, file_name=name, status=BadgeJobStatus.DONE, finished_at=utcnow(), pages_done=job.pages_total
        )
    )


def requeue_waiting(*, now: datetime | None = None) -> int:
    """Send again every queued job the worker has not started REQUEUE_AFTER after it was last sent
    (its task may never have reached the queue), once this transaction commits. Returns how many."""
    now = now or utcnow()
    waiting = list(
        db.session.scalars(
            sa.select(BadgeJob).where(
                BadgeJob.status == BadgeJobStatus.QUEUED, BadgeJob.updated_at < now - REQUEUE_AFTER
            )
        )
    )
    if waiting:
        write_point()
    for job in waiting:
        job.updated_at = now
        log.warning("badge job %s was not started: sent to the worker again", job.id)
        enqueue_after_commit(render_badges, job.id)
    db.session.flush()
    return len(waiting)


def _started(job_id: int) -> BadgeJob | None:
    """The queued job, now running; None if there is none to run. The change from queued is one
    conditional UPDATE, so that of two workers handed the same job (a task delivered twice) only one
    runs it."""
    write_point()
    claimed = db.session.execute(
        sa.update(BadgeJob)
        .where(BadgeJob.id == job_id, BadgeJob.status == BadgeJobStatus.QUEUED)
        .values(status=BadgeJobStatus.RUNNING, updated_at=utcnow())
    )
    if claimed.rowcount != 1:
        return None
    return db.session.get(BadgeJob, job_id, populate_existing=True)


def _set(job: BadgeJob, **values) -> None:
    write_point()
    for name, value in values.items():
        setattr(job, name, value)


def _failed(job_id: int, error: str) -> None:
    job = db.session.get(BadgeJob, job_id)
    if job is not None:
        write_point()
        job.status, job.error, job.finished_at = BadgeJobStatus.FAILED, error, utcnow()
