"""Booths: an employer's or school's place at one fair (applied, invited, confirmed, cancelled), the
vacancies it offers there, and hiding a partner's vacancies or withdrawing its booths (moderation)."""
