"""`make bench`: run every benchmark and print its figures. `make bench ONLY=badges` runs one."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# The benchmarks sign admins and organisers in with a password alone: two-factor sign-in (required of
# those roles by default) is not what they measure. Every app they build, in this process or under
# gunicorn, reads this.
os.environ.setdefault("FAIRAPP_REQUIRE_TWO_FACTOR_ROLES", "")

from bench import (  # noqa: E402
    badge_bench,
    call_list_bench,
    checkin_bench,
    faults_bench,
    geo_bench,
    household_import_bench,
    interview_bench,
    interview_list_bench,
    matching_bench,
    outbox_bench,
    page_weight_bench,
    registration_bench,
    report_bench,
    servers_bench,
    ticket_bench,
    webhook_emit_bench,
)

BENCHMARKS = {
    "units": ("administrative units: search and API", geo_bench.run),
    "tickets": ("ticket QR images, signing and verifying", ticket_bench.run),
    "registrations": ("POST registrations under gunicorn and wrk", registration_bench.run),
    "badges": ("badges for a whole fair (1,000 badges)", badge_bench.run),
    "checkins": ("check-in API under gunicorn and wrk", checkin_bench.run),
    "booth": (
        "recording at the booth: the booth page's requests under gunicorn and wrk",
        interview_bench.run,
    ),
    "interviews": ("booth record lists: 60 booths, 5,000 interviews", interview_list_bench.run),
    "matching": ("job suggestions for one job seeker (300 vacancies)", matching_bench.run),
    "outbox": ("message outbox: 1,000 messages through a fake gateway failing 1 in 5", outbox_bench.run),
    "call_list": ("the ward's call list: 2,000 hires, 6,000 follow-ups, over HTTP", call_list_bench.run),
    "households": (
        "a ward's household list of 20,000 rows through the page and the worker",
        household_import_bench.run,
    ),
    "pages": (
        "the home, fair, registration and scanner pages on a slow 3G line in Chromium",
        page_weight_bench.run,
    ),
    "webhooks": (
        "what webhooks add to a check-in: CPU per check-in, with and without subscriptions",
        webhook_emit_bench.run,
    ),
    "faults": ("registrations under load through a PostgreSQL restart and Redis down", faults_bench.run),
    "reports": ("outcome dashboard, API and yearly PDF/xlsx on a province-sized data set", report_bench.run),
    "servers": (
        "several app servers: the offline-sync storm (100 devices × 200 scans) and CPU per request",
        servers_bench.run,
    ),
}


def main() -> int:
    only = {name for name in os.environ.get("ONLY", "").split(",") if name}
    print(f"load average before: {os.getloadavg()[0]:.2f} (figures are for this 2-core machine)")
    for name, (title, run) in BENCHMARKS.items():
        if only and name not in only:
            continue
        print(f"== {title}", flush=True)
        run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
