"""Ticket payload format v1: round trip, canonical form only, and 10,000 mutations of which none
verifies; forged keys; the key file created once; QR version ≤ 6."""

import random
import string
import threading
from pathlib import Path

import pytest
import qrcode
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from qrcode.constants import ERROR_CORRECT_M

from fairapp.tickets import signing
from fairapp.tickets.qr import qr_version
from fairapp.tickets.signing import InvalidTicket, TicketClaims, encode_payload, verify

KEY = Ed25519PrivateKey.generate()
PUBLIC = KEY.public_key()
ALPHANUMERIC = string.digits + string.ascii_uppercase + "."


def payload(fair_id=12, registration_id=3456, nonce="ABCD2345"):
    return encode_payload(fair_id, registration_id, nonce, private_key=KEY)


def rejects(text, public_key=PUBLIC) -> bool:
    try:
        verify(text, public_key=public_key)
    except InvalidTicket as error:
        assert error.code == "invalid"
        return True
    return False


def test_round_trip_and_format():
    text = payload(12, 3456, "ABCD2345")
    head, signature = text.rsplit(".", 1)
    assert head == "F1.C.2O0.ABCD2345"  # 12 → C, 3456 → 2O0 in base36
    assert len(signature) == 103
    assert set(text) <= set(ALPHANUMERIC)
    assert verify(text, public_key=PUBLIC) == TicketClaims(12, 3456, "ABCD2345")


def test_large_ids_round_trip():
    big = 2**63 - 1
    text = payload(big, big - 1, "ZZZZ7777")
    assert verify(text, public_key=PUBLIC) == TicketClaims(big, big - 1, "ZZZZ7777")


@pytest.mark.parametrize(
    "fair_id, registration_id", [(1, 1), (99_999_999, 99_999_999), (2**40, 2**40), (2**63 - 1, 2**63 - 1)]
)
def test_qr_version_at_most_6_at_ecc_m(fair_id, registration_id):
    text = payload(fair_id, registration_id, "QWERTY23")
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M)
    code.add_data(text)
    code.make(fit=True)
    assert code.version <= 6, (len(text), code.version)
    assert qr_version(text) <= 6


@pytest.mark.parametrize(
    "text",
    [
        "",
        "F1",
        "F1.",
        "F1....",
        None,
        12,
        b"F1.C.2O0.ABCD2345.",
        ["F1"],
        "F2.C.2O0.ABCD2345." + "A" * 103,
        "f1.C.2O0.ABCD2345." + "A" * 103,
        "F1.C.2O0.ABCD2345." + "A" * 5000,
        "F1.C.2O0.ABCD2345." + "A" * 10**6,
        "F1.Ç.2O0.ABCD2345." + "A" * 103,
        "F1.C.2O0.ABCD2345." + "Ａ" * 103,  # full-width letters
        "F1.C.2O0.ABCD2345." + "A" * 102 + "\u0301",
        "\x00" * 130,
        "F1.C.2O0.ABCD2345.\n",
    ],
)
def test_garbage_rejected(text):
    assert rejects(text)


def test_canonical_form_only():
    text = payload(12, 3456, "ABCD2345")
    head, signature = text.rsplit(".", 1)
    variants = [
        text.replace("F1.C.", "F1.0C.", 1),  # leading zero in the fair id
        text.replace(".2O0.", ".02O0.", 1),  # leading zero in the registration id
        text.lower(),
        text.replace("ABCD2345", "abcd2345"),
        head + "." + signature.lower(),
        text + ".",
        "." + text,
        text.replace(".", "..", 1),
        text + "\n",
        " " + text,
        text + " ",
        text + "=",
        head + "." + signature + "A",
        head + "." + signature[:-1],
        "F1.C.2O0.ABCD2345.X." + signature,
        "F01.C.2O0.ABCD2345." + signature,
    ]
    for variant in variants:
        assert rejects(variant), variant


def test_spare_bits_of_the_signature_must_be_zero():
    """103 base32 characters carry 515 bits for 512: a last character that differs only in the
    3 spare bits decodes to the same signature but is not the canonical text."""
    text = payload()
    last = text[-1]
    alphabet = signing.NONCE_ALPHABET
    twins = [c for c in alphabet if alphabet.index(c) >> 3 == alphabet.index(last) >> 3 and c != last]
    assert twins
    for twin in twins:
        assert rejects(text[:-1] + twin)


def test_forged_with_another_key_never_verifies():
    other = Ed25519PrivateKey.generate()
    for n in range(1, 200):
        forged = encode_payload(n, n * 7, "MNOP4567", private_key=other)
        assert rejects(forged)
        assert not rejects(forged, public_key=other.public_key())


def _mutations(rng: random.Random, valid: list[str]):
    """Yield (kind, text) mutants of valid payloads; `text` may by chance equal a valid payload,
    which the caller skips."""
    kinds = ["flip", "insert", "delete", "swap", "case", "truncate", "ids", "resign", "replace_field", "junk"]
    while True:
        text = rng.choice(valid)
        kind = rng.choice(kinds)
        chars = list(text)
        position = rng.randrange(len(chars))
        if kind == "flip":  # one character changed to another of the alphabet
            chars[position] = rng.choice(ALPHANUMERIC.replace(chars[position], ""))
        elif kind == "insert":
            chars.insert(position, rng.choice(ALPHANUMERIC))
        elif kind == "delete":
            del chars[position]
        elif kind == "swap":
            other = rng.randrange(len(chars))
            chars[position], chars[other] = chars[other], chars[position]
        elif kind == "case":
            chars = [c.lower() if rng.random() < 0.3 else c for c in chars]
            if "".join(chars) == text:
                chars[3] = "c" if chars[3] != "c" else "x"
        elif kind == "truncate":
            chars = chars[:position]
        elif kind == "ids":  # another fair or registration id, the signature kept
            parts = text.split(".")
            index = rng.choice([1, 2])
            parts[index] = signing.base36(int(parts[index], 36) + rng.choice([-1, 1, 36, 1000]) or 5)
            chars = list(".".join(parts))
        elif kind == "resign":  # another ticket's signature on this ticket's claims
            donor = rng.choice(valid)
            chars = list(text.rsplit(".", 1)[0] + "." + donor.rsplit(".", 1)[1])
        elif kind == "replace_field":  # another ticket's nonce
            parts, donor = text.split("."), rng.choice(valid).split(".")
            parts[3] = donor[3]
            chars = list(".".join(parts))
        else:  # random bytes, some outside ASCII
            chars = [chr(rng.randrange(0, 0x3000)) for _ in range(rng.randrange(0, 200))]
        yield kind, "".join(chars)


def test_ten_thousand_mutations_none_verifies():
    rng = random.Random(20261125)
    valid = [
        payload(rng.randrange(1, 10**8), rng.randrange(1, 10**8), signing.new_nonce()) for _ in range(50)
    ]
    valid_set = set(valid)
    seen, by_kind = 0, {}
    for kind, mutant in _mutations(rng, valid):
        if mutant in valid_set:
            continue
        assert rejects(mutant), (kind, mutant)
        seen += 1
        by_kind[kind] = by_kind.get(kind, 0) + 1
        if seen == 10_000:
            break
    assert len(by_kind) == 10 and min(by_kind.values()) > 500


def test_every_truncation_rejected():
    text = payload()
    for length in range(len(text)):
        assert rejects(text[:length])


def test_key_created_once_under_concurrency(tmp_path):
    path = tmp_path / "instance" / signing.KEY_FILENAME
    keys, errors = [], []
    barrier = threading.Barrier(16)

    def load():
        try:
            barrier.wait()
            keys.append(signing.load_or_create_key(path).public_key().public_bytes_raw())
        except Exception as error:  # pragma: no cover - shown by the assertion
            errors.append(error)

    threads = [threading.Thread(target=load) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(keys) == 16 and len(set(keys)) == 1
    assert sorted(p.name for p in path.parent.iterdir()) == [signing.KEY_FILENAME]  # no temporary left
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")


def test_deployment_key_lives_in_the_instance_folder(app):
    path = signing.key_path()
    text = signing.encode_payload(5, 6, "AAAABBBB")
    assert path.parent == Path(app.instance_path) and path.is_file()
    assert verify(text) == TicketClaims(5, 6, "AAAABBBB")
    assert len(signing.key_id()) == 8 and int(signing.key_id(), 16) >= 0
    assert signing.signing_key() is signing.signing_key()  # cached per process


def test_a_server_without_the_key_makes_none_once_tickets_exist(
    app, make_registration, tmp_path, monkeypatch
):
    """A second server whose instance folder was not copied would sign with a key of its own, and
    every ticket issued so far would be invalid at its gates: it refuses, naming the file to copy."""
    make_registration()
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    for cached in ("ticket_signing_key", "ticket_verification_key"):
        monkeypatch.delitem(app.extensions, cached, raising=False)
    with pytest.raises(signing.SigningKeyMissing, match="ticket_signing_key.pem"):
        signing.check_key_at_start()
    assert list(tmp_path.iterdir()) == []


def test_a_first_server_makes_the_key_while_no_ticket_exists(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    for cached in ("ticket_signing_key", "ticket_verification_key"):
        monkeypatch.delitem(app.extensions, cached, raising=False)
    signing.check_key_at_start()
    assert [p.name for p in tmp_path.iterdir()] == [signing.KEY_FILENAME]
