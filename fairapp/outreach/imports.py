"""Household-list imports, read and saved by the background worker with their progress on the
household_imports row (the pattern of fairapp.registrations.jobs).

    start(data, name, ward_code, year, listed_on, by=...)   keep the file, queue the job (after commit)
    run_import(import_id)                                   the worker's task
    valid_rows_only(job, by=...)                            a refused list again, saving the valid rows
    status_of(job)                                          what the page shows

Reading checks every row first (progress committed every 500 rows, so the page shows it). A list with
refused rows saves nothing and ends `refused` with its per-row report; the file is kept (an hour) for
"import the valid rows only". Saving is one transaction: the rows, the households that left the list,
then the priority status of everyone living in the list's wards (fairapp.attendees.verification), so a
failure leaves nothing half-imported."""

import logging
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from fairapp.attendees import verification
from fairapp.audit import services as audit
from fairapp.audit.services import SYSTEM, Origin
from fairapp.auth.models import User
from fairapp.auth.scope import NOWHERE
from fairapp.errors import Conflict, NotFound, ValidationError
from fairapp.extensions import db
from fairapp.fairs.services import local_day
from fairapp.households.models import HouseholdImport, ImportStatus
from fairapp.households.services import apply_list
from fairapp.modelbase import utcnow
from fairapp.outreach import listfile
from fairapp.spreadsheets import ZIP_SIGNATURE, SpreadsheetError, read_csv, read_xlsx
from fairapp.transactions import run_in_transaction, write_point
from fairapp.worker import enqueue_after_commit, task

log = logging.getLogger(__name__)
ACTIVE = (ImportStatus.QUEUED, ImportStatus.RUNNING)
STALE_AFTER = timedelta(minutes=10)
REQUEUE_AFTER = timedelta(minutes=2)  # a queued import not started by then is sent again (requeue_waiting)
KEEP_REFUSED_FILES = timedelta(hours=1)
MAX_ERRORS_KEPT = 2000
INTERRUPTED = "interrupted"


class ImportRunning(Conflict):
    code = "household_import_running"
    message = _l("Một danh sách của tài khoản này đang được nhập. Vui lòng chờ cho xong.")


class NothingToImport(Conflict):
    code = "household_import_closed"
    message = _l("Tệp của lần nhập này không còn (quá 1 giờ hoặc đã được nhập). Vui lòng tải tệp lên lại.")


def folder(app: Flask | None = None) -> Path:
    path = Path((app or current_app).instance_path) / "households"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def start(
    data: bytes,
    *,
    original_name: str | None,
    ward_code: str | None,
    year: int,
    listed_on: date,
    by,
    origin: Origin = SYSTEM,
    now: datetime | None = None,
) -> HouseholdImport:
    """Keep the upload and queue its import. Raises ValidationError (a ward outside the account's
    scope), ImportRunning (one of this account's imports is in progress)."""
    now = now or utcnow()
    if ward_code is not None and not by.ward_scope.allows(ward_code):
        raise ValidationError(fields={"ward_code": _l("Phường/xã: ngoài phạm vi của tài khoản này.")})
    write_point()
    _sweep(now)
    for running in db.session.scalars(
        sa.select(HouseholdImport).where(
            HouseholdImport.requested_by == by.id, HouseholdImport.status.in_(ACTIVE)
        )
    ):
        if not _mark_if_stale(running, now):
            raise ImportRunning()
    kind = "xlsx" if data.startswith(ZIP_SIGNATURE) else "csv"
    file_name = f"{secrets.token_urlsafe(18)}.{kind}"
    (folder() / file_name).write_bytes(data)
    job = HouseholdImport(
        requested_by=by.id,
        file_name=file_name,
        file_kind=kind,
        original_name=(original_name or "")[:200] or None,
        list_year=year,
        listed_on=listed_on,
        ward_code=ward_code,
        status=ImportStatus.QUEUED,
        created_at=now,
        updated_at=now,
    )
    db.session.add(job)
    db.session.flush()
    audit.record(
        "households.import_request",
        actor=by,
        target=job,
        origin=origin,
        details={"ward_code": ward_code, "year": year, "kind": kind, "bytes": len(data)},
    )
    enqueue_after_commit(import_list, job.id)
    return job


def valid_rows_only(
    job: HouseholdImport, *, by, origin: Origin = SYSTEM, now: datetime | None = None
) -> None:
    """Run a refused import again, saving its valid rows. Raises NothingToImport."""
    now = now or utcnow()
    path = _path(job)
    if job.status != ImportStatus.REFUSED or path is None or not path.is_file():
        raise NothingToImport()
    write_point()
    job.status, job.only_valid, job.updated_at = ImportStatus.QUEUED, True, now
    job.rows_done, job.finished_at = 0, None
    audit.record("households.import_valid_only", actor=by, target=job, origin=origin)
    db.session.flush()
    enqueue_after_commit(import_list, job.id)


def job_for(user, import_id: int) -> HouseholdImport:
    """The import, for the account that started it or an admin. Raises NotFound."""
    job = db.session.get(HouseholdImport, import_id)
    if job is None or (job.requested_by != user.id and not user.ward_scope.everywhere):
        raise NotFound()
    return job


def recent(user, limit: int = 5) -> list[HouseholdImport]:
    return list(
        db.session.scalars(
            sa.select(HouseholdImport)
            .where(HouseholdImport.requested_by == user.id)
            .order_by(HouseholdImport.id.desc())
            .limit(limit)
        )
    )


def status_of(job: HouseholdImport, *, now: datetime | None = None) -> dict:
    stale = job.status in ACTIVE and job.updated_at < (now or utcnow()) - STALE_AFTER
    total = job.rows_total or 0
    return {
        "id": job.id,
        "status": ImportStatus.FAILED.value if stale else job.status.value,
        "rows_done": job.rows_done,
        "rows_total": total,
        "percent": round(100 * job.rows_done / total) if total else 0,
        "counts": job.counts or {},
        "errors": job.errors or [],
        "error": INTERRUPTED if stale else job.error,
        "only_valid": job.only_valid,
    }


# --- running ---------------------------------------------------------------------------------------


@task(transaction=False)  # one short transaction per step, so that progress shows
def import_list(import_id: int) -> None:
    run(current_app._get_current_object(), import_id)


def run(app: Flask, import_id: int) -> None:
    """Read, check and (when it may) save the import's list; never raises."""
    with app.app_context():
        try:
            _run(import_id)
        except Exception as error:  # the import must end as failed, whatever went wrong
            log.exception("household import %s failed", import_id)
            failure = type(error).__name__
            run_in_transaction(lambda: _finish(import_id, ImportStatus.FAILED, error=failure))
        finally:
            db.session.remove()


def _run(import_id: int) -> None:
    job = run_in_transaction(lambda: _started(import_id))
    if job is None:
        return
    path = _path(job)
    data = path.read_bytes() if path is not None and path.is_file() else b""
    max_rows = current_app.config["HOUSEHOLD_IMPORT_MAX_ROWS"]
    max_bytes = current_app.config["HOUSEHOLD_IMPORT_MAX_BYTES"]
    try:
        sheets = (
            list(read_xlsx(data, max_bytes=max_bytes, max_rows=max_rows).values())
            if job.file_kind == "xlsx"
            else [read_csv(data, max_bytes=max_bytes, max_rows=max_rows)]
        )
    except SpreadsheetError as error:
        _refuse_file(import_id, str(error.message))
        return
    total = sum(len(sheet.rows) for sheet in sheets)
    run_in_transaction(lambda: _progress(import_id, 0, total))

    # Reading and checking writes nothing but the progress, each step in a short transaction of its own.
    user = db.session.get(User, job.requested_by)
    scope = user.ward_scope if user is not None and user.active else NOWHERE
    parsed = listfile.parse(
        sheets,
        ward_codes=listfile.allowed_wards(scope),
        default_ward=job.ward_code,
        year=job.list_year,
        today=local_day(utcnow()),
        progress=lambda done, of: run_in_transaction(lambda: _progress(import_id, done, of)),
    )
    db.session.rollback()
    if parsed.errors and not (job.only_valid and parsed.rows):
        run_in_transaction(lambda: _refused(import_id, parsed))
        return
    run_in_transaction(lambda: _save(import_id, parsed, job.requested_by))


def requeue_waiting(*, now: datetime | None = None) -> int:
    """Send again every queued import the worker has not started REQUEUE_AFTER after it was last sent
    (its task may never have reached the queue: the queue's store was down when the request
    committed), once this transaction commits; run every minute by the worker. Returns how many."""
    now = now or utcnow()
    waiting = list(
        db.session.scalars(
            sa.select(HouseholdImport).where(
                HouseholdImport.status == ImportStatus.QUEUED,
                HouseholdImport.updated_at < now - REQUEUE_AFTER,
            )
        )
    )
    if waiting:
        write_point()
    for job in waiting:
        job.updated_at = now
        log.warning("household import %s was not started: sent to the worker again", job.id)
        enqueue_after_commit(import_list, job.id)
    db.session.flush()
    return len(waiting)


def _started(import_id: int) -> HouseholdImport | None:
    """The queued import, now running; None if there is none to run (another task, of the same
    import sent twice, has claimed it)."""
    write_point()
    claimed = db.session.execute(
        sa.update(HouseholdImport)
        .where(HouseholdImport.id == import_id, HouseholdImport.status == ImportStatus.QUEUED)
        .values(status=ImportStatus.RUNNING, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:
        return None
    job = db.session.get(HouseholdImport, import_id)
    db.session.expunge(job)
    return job


def _progress(import_id: int, done: int, total: int) -> None:
    write_point()
    db.session.execute(
        sa.update(HouseholdImport)
        .where(HouseholdImport.id == import_id)
        .values(rows_done=min(done, total), rows_total=total, updated_at=utcnow())
    )


def _refuse_file(import_id: int, message: str) -> None:
    def refuse():
        job = _finish(import_id, ImportStatus.REFUSED, errors=[[None, None, message]])
        _delete_file(job)

    run_in_transaction(refuse)


def _refused(import_id: int, parsed: listfile.Parsed) -> None:
    errors = _report_lines(parsed)
    counts = {"rows": parsed.rows_seen, "valid_rows": parsed.rows_seen - len(parsed.failed_rows)}
    _finish(import_id, ImportStatus.REFUSED, errors=errors, counts=counts)


def _save(import_id: int, parsed: listfile.Parsed, user_id: int) -> None:
    write_point()
    job = db.session.get(HouseholdImport, import_id)
    user = db.session.get(User, user_id)
    applied = apply_list(
        parsed.rows,
        listed_on=job.listed_on,
        named=parsed.named,
        by=user,
        origin=SYSTEM,
    )
    wards = {row.ward_code for row in parsed.rows}
    statuses = verification.verify_ward(wards, day=local_day(utcnow()))
    errors = _report_lines(parsed)
    errors += [[row, None, str(error.message)] for row, error in applied.refused]
    counts = {
        **applied.as_dict(),
        "rows": parsed.rows_seen,
        "rows_saved": len(parsed.rows) - sum(1 for _ in applied.refused),
        "rows_skipped": len(parsed.failed_rows) + len(applied.refused),
        "verified": statuses["verified"],
        "conflict": statuses["conflict"],
    }
    _finish(import_id, ImportStatus.DONE, errors=errors, counts=counts)
    _delete_file(job)


def _report_lines(parsed: listfile.Parsed) -> list[list]:
    """The refusals as the row keeps them (JSON): [row, column, message], at most MAX_ERRORS_KEPT."""
    return [[error.row, error.column, error.message] for error in parsed.errors[:MAX_ERRORS_KEPT]]


def _finish(import_id: int, status: ImportStatus, *, errors=None, counts=None, error: str | None = None):
    write_point()
    job = db.session.get(HouseholdImport, import_id)
    now = utcnow()
    job.status, job.updated_at, job.finished_at = status, now, now
    job.rows_done = job.rows_total
    if errors is not None:
        job.errors = errors
    if counts is not None:
        job.counts = counts
    job.error = error
    db.session.flush()
    return job


# --- files -----------------------------------------------------------------------------------------


def _path(job: HouseholdImport) -> Path | None:
    return folder() / job.file_name if job.file_name else None


def _delete_file(job: HouseholdImport) -> None:
    path = _path(job)
    if path is not None:
        path.unlink(missing_ok=True)
    job.file_name = None


def _mark_if_stale(job: HouseholdImport, now: datetime) -> bool:
    if job.updated_at < now - STALE_AFTER:
        job.status, job.error, job.finished_at = ImportStatus.FAILED, INTERRUPTED, now
        return True
    return False


def _sweep(now: datetime) -> None:
    """Delete the files of refused imports older than an hour."""
    old = db.session.scalars(
        sa.select(HouseholdImport).where(
            HouseholdImport.status == ImportStatus.REFUSED,
            HouseholdImport.file_name.is_not(None),
            HouseholdImport.updated_at < now - KEEP_REFUSED_FILES,
        )
    )
    for job in old:
        _delete_file(job)
