"""Real identity providers on loopback for the sign-in tests, started once per session:
node's oidc-provider (OpenID Connect) and auth0's samlp (SAML 2.0), each run by a small
script of ours in tests/e2e/idp/, with the accounts below. Also what the SAML tests need
to forge an assertion as the provider would: its certificate and key."""

import base64
import datetime
import json
import os
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parent / "idp"
NODE_MODULES = ROOT / "node_modules"

OIDC_SLUG = "northbridge-oidc"
OIDC_CLIENT_ID = "microcred-planner"
OIDC_CLIENT_SECRET = "a-secret-for-tests-only"
# Logins at the OpenID Connect provider, and the claims it gives.
OIDC_ACCOUNTS = {
    "ada": {
        "email": "ada.lovelace@northbridge.edu",
        "email_verified": True,
        "given_name": "Ada",
        "family_name": "Lovelace",
    },
    # The verified address of a local account (in another case).
    "grace": {
        "email": "grace.hopper@example.org",
        "email_verified": True,
        "given_name": "Grace",
        "family_name": "Hopper",
    },
    # Gives no address.
    "anonymous": {"given_name": "Anne", "family_name": "Onymous"},
    # Claims an address of a local account, which the provider did not verify.
    "mallory": {
        "email": "owner.local@example.org",
        "email_verified": False,
        "given_name": "Mallory",
        "family_name": "Intruder",
    },
}
SAML_SLUG = "northbridge-saml"
SAML_ISSUER = "urn:test:northbridge-idp"
SAML_ACCOUNTS = {
    # An address at none of Northbridge's domains: a member by his affiliation only.
    "ben": {
        "email": "ben.franklin@example.net",
        "given_name": "Ben",
        "family_name": "Franklin",
        "attributes": {"eduPersonAffiliation": "staff"},
    },
}


@dataclass
class RunningProvider:
    url: str
    process: subprocess.Popen


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(script: Path, config: dict, ready_path: str, log: Path) -> RunningProvider:
    if not (NODE_MODULES / "oidc-provider").exists() or not (NODE_MODULES / "samlp").exists():
        pytest.fail("oidc-provider or samlp is missing: run npm install", pytrace=False)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603 - our script, our arguments
        ["node", str(script), str(port)],  # noqa: S607 - node from the PATH, as npm is
        cwd=ROOT,
        env={**os.environ, "IDP_CONFIG": json.dumps(config)},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{script.name} stopped:\n{log.read_text()}", pytrace=False)
        try:
            with urllib.request.urlopen(url + ready_path, timeout=1):  # noqa: S310 - loopback
                return RunningProvider(url, process)
        except OSError:
            time.sleep(0.1)
    process.kill()
    pytest.fail(f"{script.name} did not answer:\n{log.read_text()}", pytrace=False)


def stop(provider: RunningProvider) -> None:
    provider.process.terminate()
    try:
        provider.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        provider.process.kill()


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """The OpenID Connect provider, with our client registered for the live server's
    callback of the provider slugged OIDC_SLUG."""
    callback = f"{live_server.url}/accounts/oidc/{OIDC_SLUG}/login/callback/"
    config = {
        "client": {
            "client_id": OIDC_CLIENT_ID,
            "client_secret": OIDC_CLIENT_SECRET,
            "redirect_uris": [callback],
        },
        "accounts": OIDC_ACCOUNTS,
    }
    log = tmp_path_factory.mktemp("oidc") / "oidc_idp.log"
    provider = start(SCRIPTS / "oidc_idp.mjs", config, "/.well-known/openid-configuration", log)
    yield provider
    stop(provider)


@dataclass
class SigningKey:
    cert_pem: str
    key_pem: str


@pytest.fixture(scope="session")
def saml_signing_key(tmp_path_factory) -> SigningKey:
    """A self-signed certificate and its key, made for this session: the SAML provider
    signs with them, and so do the tests that forge its assertions."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test SAML IdP")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return SigningKey(
        cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode(),
    )


@pytest.fixture(scope="session")
def saml_provider(saml_signing_key, tmp_path_factory):
    folder = tmp_path_factory.mktemp("saml")
    (folder / "cert.pem").write_text(saml_signing_key.cert_pem)
    (folder / "key.pem").write_text(saml_signing_key.key_pem)
    config = {
        "issuer": SAML_ISSUER,
        "cert_file": str(folder / "cert.pem"),
        "key_file": str(folder / "key.pem"),
        "accounts": SAML_ACCOUNTS,
    }
    provider = start(SCRIPTS / "saml_idp.js", config, "/metadata", folder / "saml_idp.log")
    yield provider
    stop(provider)


def decoded(form_value: str) -> str:
    return base64.b64decode(form_value).decode()


def encoded(xml: str) -> str:
    return base64.b64encode(xml.encode()).decode()
