"""Tickets: time signing, verifying and QR images for 1,000 distinct payloads (no database needed).

    .venv/bin/python bench/ticket_bench.py

Targets: a QR PNG in ≤ 10 ms each when new, near 0 when cached."""

import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAYLOADS = 1_000
QR_TARGET_MS = 10.0


def _figures(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {
        "count": len(samples),
        "mean_ms": round(statistics.fmean(samples) * 1000, 3),
        "p99_ms": round(p99 * 1000, 3),
    }


def _time_each(function, items) -> list[float]:
    samples = []
    for item in items:
        start = time.perf_counter()
        function(item)
        samples.append(time.perf_counter() - start)
    return samples


def run() -> dict:
    """Sign 1,000 payloads with realistic ids, verify them, then make their QR PNGs (cache cleared
    first), make them again (cached), and time the PDF-sized PNG and the SVG. Prints and returns
    {"payload": {...}, "sign": {...}, "verify": {...}, "qr_png": {...}, "qr_png_cached": {...}, ...}."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from fairapp.tickets import qr, signing

    key = Ed25519PrivateKey.generate()
    public = key.public_key()
    rng = random.Random(5)
    claims = [
        (rng.randrange(1, 100_000), rng.randrange(1, 100_000_000), signing.new_nonce())
        for _ in range(PAYLOADS)
    ]

    payloads: list[str] = []
    sign = _time_each(lambda c: payloads.append(signing.encode_payload(*c, private_key=key)), claims)
    verify = _time_each(lambda text: signing.verify(text, public_key=public), payloads)

    qr.clear_cache()
    qr_png = _time_each(qr.qr_png, payloads)
    qr_png_cached = _time_each(qr.qr_png, payloads)
    qr.clear_cache()
    qr_png_pdf = _time_each(lambda text: qr.qr_png(text, box_size=6), payloads[:200])
    qr_svg = _time_each(qr.qr_svg, payloads[:200])  # matrix cached by the PDF run: drawing only

    lengths = [len(text) for text in payloads]
    versions = {qr.qr_version(text) for text in payloads}
    figures = {
        "payload": {"min_length": min(lengths), "max_length": max(lengths), "qr_versions": sorted(versions)},
        "sign": {**_figures(sign), "per_second": round(len(sign) / sum(sign))},
        "verify": {**_figures(verify), "per_second": round(len(verify) / sum(verify))},
        "qr_png": _figures(qr_png),
        "qr_png_cached": _figures(qr_png_cached),
        "qr_png_box6": _figures(qr_png_pdf),
        "qr_svg_from_cached_matrix": _figures(qr_svg),
        "qr_target_ms": QR_TARGET_MS,
        "qr_within_target": statistics.fmean(qr_png) * 1000 <= QR_TARGET_MS,
    }
    for name, value in figures.items():
        print(f"{name:28} {value}", flush=True)
    return figures


if __name__ == "__main__":
    run()
