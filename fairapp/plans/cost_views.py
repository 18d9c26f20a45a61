"""A fair's costs, for admins and organisers of the fair's ward (others: 403; no such fair: 404):

GET, POST /manage/fairs/<fair_id>/costs                    the costs by item, and the add form
POST      /manage/fairs/<fair_id>/costs/<id>/delete        delete a cost (a mistake)"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from fairapp.auth.access import STAFF, roles
from fairapp.auth.session import request_origin
from fairapp.errors import DomainError
from fairapp.fairs.services import get_fair_for
from fairapp.plans import costs
from fairapp.plans.blueprint import bp
from fairapp.plans.forms import FairCostForm
from fairapp.plans.labels import ITEM_LABELS
from fairapp.plans.models import CostItem
from fairapp.views import ActionForm, acting_user, flash_refusal, form_errors


@bp.route("/manage/fairs/<int:fair_id>/costs", methods=["GET", "POST"])
@roles(*STAFF)
def fair_costs(fair_id: int):
    user = acting_user()
    fair = get_fair_for(user, fair_id)
    form = FairCostForm()
    if form.validate_on_submit():
        try:
            costs.add_fair_cost(
                fair,
                form.item.data,
                form.amount.number,
                form.document_no.data,
                form.note.data,
                by=user,
                origin=request_origin(),
            )
        except DomainError as error:
            form_errors(form, error)
        else:
            flash(_("Đã thêm khoản chi."), "success")
            return redirect(url_for("plans.fair_costs", fair_id=fair.id), code=303)
    return render_template(
        "plans/fair_costs.html",
        fair=fair,
        form=form,
        costs=costs.costs_of(fair.id),
        totals=costs.fair_costs([fair.id])[fair.id],
        items=list(CostItem),
        item_labels=ITEM_LABELS,
        delete_form=ActionForm(),
    )


@bp.route("/manage/fairs/<int:fair_id>/costs/<int:cost_id>/delete", methods=["POST"])
@roles(*STAFF)
def delete_fair_cost(fair_id: int, cost_id: int):
    user = acting_user()
    fair = get_fair_for(user, fair_id)
    if ActionForm().validate_on_submit():
        try:
            costs.delete_fair_cost(cost_id, fair_id=fair.id, by=user, origin=request_origin())
        except DomainError as error:
            flash_refusal(error)
        else:
            flash(_("Đã xoá khoản chi."), "success")
    return redirect(url_for("plans.fair_costs", fair_id=fair.id), code=303)
