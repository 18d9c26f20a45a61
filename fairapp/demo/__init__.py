"""Demo data for Sông Công (flask --app fairapp seed-demo)."""
