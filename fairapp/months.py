"""Calendar months: adding whole months to a day, the way follow-ups and statuses that last N months
count them."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """`day` plus whole months (negative: minus), kept within the target month (31/01 + 1 → 28/02 or
    29/02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
