"""The example deployment files in deploy/ hold together: the systemd units verify (systemd-analyze,
with their paths pointed at this checkout) and each ExecStart runs a real command of this package (the
gunicorn one loads fairapp.wsgi:app, the flask ones exist); the nginx configuration parses (crossplane,
and `nginx -t` with a certificate made here when nginx is installed), proxies to the ports of the app
server units named in their install line, and passes the headers the app trusts; the environment
example names only variables the app reads."""

import configparser
import datetime
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import crossplane
import pytest

from bench.cluster import free_port
from fairapp.config import ENVIRONMENT, Defaults

ROOT = Path(__file__).resolve().parent.parent.parent
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"
NGINX = DEPLOY / "nginx" / "fairapp.conf"
ENV_EXAMPLE = DEPLOY / "fairapp.env"
VENV = Path(sys.executable).parent.parent
SERVICES = ("fairapp-web@.service", "fairapp-worker.service", "fairapp-purge.service")


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None, delimiters=("=",))
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((UNITS / name).read_text())
    return parser


def _here(text: str, env_file: Path) -> str:
    """A unit's text with its paths pointed at this checkout, its venv and `env_file`."""
    return (
        text.replace("/srv/fairapp/.venv", str(VENV))
        .replace("/srv/fairapp", str(ROOT))
        .replace("/etc/fairapp/env", str(env_file))
    )


def _env_example() -> dict:
    return dict(
        line.split("=", 1)
        for line in ENV_EXAMPLE.read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )


def _enabled_ports() -> list[int]:
    """The app server instances the template's install line enables (fairapp-web@PORT)."""
    text = (UNITS / "fairapp-web@.service").read_text()
    [line] = [line for line in text.splitlines() if "systemctl enable" in line]
    return [int(port) for port in re.findall(r"fairapp-web@(\d+)", line)]


def _app_environment(tmp_path: Path) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("FAIRAPP_")}
    return {
        **environment,
        "FAIRAPP_INSTANCE_PATH": str(tmp_path / "instance"),
        "FAIRAPP_DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
        "FAIRAPP_SECRET_KEY": "deploy-test",
    }


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_units_verify(tmp_path):
    env_file = tmp_path / "env"
    env_file.write_text(ENV_EXAMPLE.read_text())
    for path in UNITS.iterdir():
        (tmp_path / path.name).write_text(_here(path.read_text(), env_file))
    names = [f"fairapp-web@{_enabled_ports()[0]}.service", "fairapp-worker.service"]
    names += ["fairapp-purge.service", "fairapp-purge.timer"]
    result = subprocess.run(
        ["systemd-analyze", "verify", *[str(tmp_path / name) for name in names]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""  # not even an unknown key


@pytest.mark.parametrize("name", SERVICES)
def test_each_unit_starts_a_real_command_of_this_package(name, tmp_path):
    unit = _unit(name)
    service = unit["Service"]
    assert service["EnvironmentFile"] == "/etc/fairapp/env"
    assert service["User"] == "fairapp" and service["UMask"] == "0077"
    assert service["ReadWritePaths"] == str(Path(_env_example()["FAIRAPP_INSTANCE_PATH"]).parent)
    command = shlex.split(service["ExecStart"])
    program = Path(command[0])
    assert program.parent == Path("/srv/fairapp/.venv/bin") and program.name in ("gunicorn", "flask")
    here = [str(VENV / "bin" / program.name), *command[1:]]
    if program.name == "gunicorn":
        port = free_port()
        here = [part.replace("${FAIRAPP_BIND_HOST}", "127.0.0.1").replace("%i", str(port)) for part in here]
        assert here[-1] == "fairapp.wsgi:app" and f"127.0.0.1:{port}" in here
        here.insert(-1, "--check-config")  # loads the application, then exits
    else:
        assert command[1:3] == ["--app", "fairapp"]
        here.append("--help")
    result = subprocess.run(
        here, cwd=ROOT, env=_app_environment(tmp_path), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    if program.name == "flask":
        assert "Usage: flask " in result.stdout


def test_the_environment_example_names_only_what_the_app_reads():
    values = _env_example()
    assert set(values) <= set(ENVIRONMENT) | {"FAIRAPP_INSTANCE_PATH"}
    # several servers: one Redis for the queue and the limits, one proxy in front
    assert values["FAIRAPP_TASK_QUEUE_URL"].startswith("redis://")
    assert values["FAIRAPP_RATELIMIT_STORAGE_URL"].startswith("redis://")
    assert values["FAIRAPP_TRUSTED_PROXIES"] == "1"


def _directives(block: list, name: str) -> list[dict]:
    """Every directive called `name` in a crossplane block, at any depth."""
    found = []
    for directive in block:
        if directive["directive"] == name:
            found.append(directive)
        found += _directives(directive.get("block", []), name)
    return found


def _parsed() -> list:
    parsed = crossplane.parse(str(NGINX), single=True, check_ctx=False)
    assert parsed["status"] == "ok", parsed["errors"]
    [config] = parsed["config"]
    return config["parsed"]


def test_nginx_proxies_to_the_app_servers_the_units_start():
    parsed = _parsed()
    [upstream] = _directives(parsed, "upstream")
    servers = [d["args"][0] for d in _directives(upstream["block"], "server")]
    assert sorted(int(address.rsplit(":", 1)[1]) for address in servers) == sorted(_enabled_ports())
    assert len(_enabled_ports()) >= 2
    [location] = _directives(parsed, "location")
    assert ["http://fairapp"] in [d["args"] for d in _directives(location["block"], "proxy_pass")]


def test_nginx_terminates_https_and_passes_what_the_app_trusts():
    parsed = _parsed()
    listens = [d["args"] for d in _directives(parsed, "listen")]
    assert ["443", "ssl", "http2"] in listens
    redirect = [d["args"] for d in _directives(parsed, "return")]
    assert redirect == [["301", "https://$host$request_uri"]]
    headers = {tuple(d["args"][:2]) for d in _directives(parsed, "proxy_set_header")}
    assert {
        ("X-Forwarded-For", "$proxy_add_x_forwarded_for"),  # ProxyFix x_for=1 takes the last entry
        ("X-Forwarded-Proto", "$scheme"),
        ("Host", "$host"),
    } <= headers
    hsts = [
        d["args"] for d in _directives(parsed, "add_header") if d["args"][0] == "Strict-Transport-Security"
    ]
    assert hsts and hsts[0][-1] == "always"
    [body] = _directives(parsed, "client_max_body_size")
    assert int(body["args"][0].rstrip("m")) * 1024 * 1024 >= Defaults.MAX_CONTENT_LENGTH
    assert not _directives(parsed, "gzip")  # the app compresses its own answers


@pytest.mark.skipif(
    shutil.which("nginx") is None, reason="nginx is not installed (apt-get install -y nginx-light)"
)
def test_nginx_accepts_the_configuration(tmp_path):
    certificate, key = _self_signed(tmp_path)
    text = NGINX.read_text()
    text = re.sub(r"ssl_certificate \S+;", f"ssl_certificate {certificate};", text)
    text = re.sub(r"ssl_certificate_key \S+;", f"ssl_certificate_key {key};", text)
    (tmp_path / "fairapp.conf").write_text(text)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/fairapp.conf;\n}}\n"
    )
    result = subprocess.run(
        [shutil.which("nginx"), "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vieclam.example.vn")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    certificate_path, key_path = folder / "cert.pem", folder / "key.pem"
    certificate_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return certificate_path, key_path
