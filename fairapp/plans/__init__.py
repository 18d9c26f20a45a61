"""Plan targets (chỉ tiêu kế hoạch) per year and area, the programme's budget (kinh phí) by source
and stage, and what each fair cost: the figures that "% of plan", disbursement and cost per hire
are worked out from."""
