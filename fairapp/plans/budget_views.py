"""The budget pages, for admins only (organisers get 403: the budget is the city office's, and its
documents are not the wards' to read):

    GET       /manage/budget                                this year's page
    GET, POST /manage/budget/<year>                         the year's summary by source and stage,
                                                            the disbursement rate and warnings, the
                                                            entries, and the form that adds one
    POST      /manage/budget/<year>/entries/<id>/delete     delete an entry (a mistake)

A year outside 2020–2100 is 404."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from fairapp.auth.access import roles
from fairapp.auth.models import Role
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError, NotFound
from fairapp.extensions import db
from fairapp.plans import budget
from fairapp.plans.blueprint import bp
from fairapp.plans.forms import BudgetEntryForm
from fairapp.plans.labels import KIND_LABELS, SOURCE_LABELS
from fairapp.plans.models import BudgetEntry, BudgetKind, BudgetSource
from fairapp.plans.views import checked_year, this_year, year_links
from fairapp.views import ActionForm, acting_user, flash_refusal, form_errors


def _flash_warnings(warnings: list[dict]) -> None:
    for warning in warnings:
        flash(warning["message"], "warning")


@bp.route("/manage/budget")
@roles(Role.ADMIN)
def budget_current():
    """This year's page itself (a navigation entry opens a page, not a redirect)."""
    return budget_page(this_year())


@bp.route("/manage/budget/<int:year>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def budget_page(year: int):
    year = checked_year(year)
    form = BudgetEntryForm()
    if form.validate_on_submit():
        try:
            change = budget.add_budget_entry(
                year,
                form.source.data,
                form.kind.data,
                form.amount.number,
                entry_date=form.entry_date.day,
                document_no=form.document_no.data,
                note=form.note.data,
                by=acting_user(),
                origin=request_origin(),
            )
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã thêm khoản kinh phí."), "success")
            _flash_warnings(change.warnings)
            return redirect(url_for("plans.budget_page", year=year), code=303)
    return render_template(
        "plans/budget.html",
        year=year,
        years=year_links("plans.budget_page", year),
        form=form,
        summary=budget.budget_summary(year),
        entries=budget.budget_entries(year),
        sources=list(BudgetSource),
        kinds=list(BudgetKind),
        source_labels=SOURCE_LABELS,
        kind_labels=KIND_LABELS,
        delete_form=ActionForm(),
    )


@bp.route("/manage/budget/<int:year>/entries/<int:entry_id>/delete", methods=["POST"])
@roles(Role.ADMIN)
def delete_budget_entry(year: int, entry_id: int):
    year = checked_year(year)
    entry = db.session.get(BudgetEntry, entry_id)
    if entry is None or entry.year != year:
        raise NotFound()
    if ActionForm().validate_on_submit():
        try:
            change = budget.delete_budget_entry(entry_id, by=acting_user(), origin=request_origin())
        except DomainError as error:
            flash_refusal(error)
        else:
            flash(_("Đã xoá khoản kinh phí."), "success")
            _flash_warnings(change.warnings)
    return redirect(url_for("plans.budget_page", year=year), code=303)
