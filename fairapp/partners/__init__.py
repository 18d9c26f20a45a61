"""Employers and vocational schools with their vacancies and training programmes: self-registration,
the organisers' approval and review, the partner's own pages, spreadsheet import and export, the API."""
