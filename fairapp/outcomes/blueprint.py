"""The `outcomes` blueprint: hires and follow-ups pages (fairapp.outcomes.hire_views, .staff_views,
.call_views) and the job seeker's own answers (.public_views: the ticket page's card and the
follow-up message's one-tap link, endpoint `answer`)."""

from flask import Blueprint

bp = Blueprint("outcomes", __name__)
