"""Administrative units: time the ward search and GET /api/v1/admin-units on a fresh SQLite database.

.venv/bin/python bench/geo_bench.py"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SEARCHES = 1_000
API_CALLS = 200
QUERIES = [
    "bach quang",
    "Bách Quang",
    "BACH QUANG",
    "phuong bach quang",
    "bach quang thai nguyen",
    "luong son",
    "Lương Sơn",
    "song cong",
    "ba xuyen",
    "tan quang",
    "quang",
    "son",
    "xa",
    "ph",
    "thai nguyen",
    "ha noi",
    "ben thanh",
    "50%",
    "x" * 300,
    "dong",
]


def _figures(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "count": len(samples),
        "mean_ms": round(statistics.fmean(samples) * 1000, 3),
        "p99_ms": round(p99 * 1000, 3),
    }


def run() -> dict:
    """Create an app on a temporary SQLite database, migrate, load the units, then time
    1,000 search_units() calls over a mix of queries and 200 GET /api/v1/admin-units?province=19
    through the test client. Prints and returns {"search": {...}, "admin_units_api": {...}}."""
    with tempfile.TemporaryDirectory(prefix="fairapp-geo-bench-") as folder:
        os.environ["FAIRAPP_INSTANCE_PATH"] = folder
        from flask_migrate import upgrade

        from fairapp import create_app
        from fairapp.extensions import db
        from fairapp.geo import loader, services

        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
            }
        )
        with app.app_context():
            upgrade()
            loader.load_units()
            db.session.commit()

            with app.test_request_context():
                services.search_units("warm up")
                samples = []
                for i in range(SEARCHES):
                    query = QUERIES[i % len(QUERIES)]
                    started = time.perf_counter()
                    services.search_units(query)
                    samples.append(time.perf_counter() - started)
                    db.session.expunge_all()  # each search as in its own request
            search = _figures(samples)

            client = app.test_client()
            client.get("/api/v1/admin-units?province=19")
            samples = []
            for _ in range(API_CALLS):
                started = time.perf_counter()
                response = client.get("/api/v1/admin-units?province=19")
                samples.append(time.perf_counter() - started)
                assert response.status_code == 200 and len(response.get_json()["items"]) == 92
            api = _figures(samples)
            db.session.remove()
            db.engine.dispose()

    results = {"search": search, "admin_units_api": api}
    print(
        f"search_units ({search['count']} mixed queries): mean {search['mean_ms']} ms, "
        f"p99 {search['p99_ms']} ms"
    )
    print(
        f"GET /api/v1/admin-units?province=19 ({api['count']} calls): mean {api['mean_ms']} ms, "
        f"p99 {api['p99_ms']} ms"
    )
    return results


if __name__ == "__main__":
    run()
