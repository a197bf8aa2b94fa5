"""One signed POST to a checked address (addresses.check_url): to the very IP address
checked, with the URL's host name in the Host header and for the TLS certificate, no
redirect followed, cut off after TIMEOUT_SECONDS."""

import time
from dataclasses import dataclass

import certifi
import urllib3

from .addresses import CheckedAddress

TIMEOUT_SECONDS = 10
# What is kept of a refusing receiver's answer, for the delivery log.
ERROR_BODY_CHARS = 200


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str  # "" when delivered
    response_ms: int | None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _pool(address: CheckedAddress) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(total=TIMEOUT_SECONDS)
    if address.scheme == "https":
        return urllib3.HTTPSConnectionPool(
            address.ip,
            address.port,
            timeout=timeout,
            retries=False,
            cert_reqs="CERT_REQUIRED",
            ca_certs=certifi.where(),
            assert_hostname=address.host,
            server_hostname=address.host,
        )
    return urllib3.HTTPConnectionPool(address.ip, address.port, timeout=timeout, retries=False)


def _host_header(address: CheckedAddress) -> str:
    host = f"[{address.host}]" if ":" in address.host else address.host
    default_port = 443 if address.scheme == "https" else 80
    return host if address.port == default_port else f"{host}:{address.port}"


def post(address: CheckedAddress, *, body: bytes, headers: dict[str, str]) -> Outcome:
    started = time.monotonic()
    pool = _pool(address)
    try:
        response = pool.urlopen(
            "POST",
            address.path,
            body=body,
            headers={**headers, "Host": _host_header(address)},
            redirect=False,
            preload_content=False,
        )
    except urllib3.exceptions.HTTPError as error:
        pool.close()
        reason = getattr(error, "reason", None) or error
        return Outcome(status_code=None, error=f"No answer: {reason}", response_ms=None)
    elapsed = round((time.monotonic() - started) * 1000)
    try:
        if 200 <= response.status < 300:
            return Outcome(status_code=response.status, error="", response_ms=elapsed)
        start = response.read(ERROR_BODY_CHARS, decode_content=False)
        said = start.decode(errors="replace").strip()
        redirect = " (redirects are not followed)" if 300 <= response.status < 400 else ""
        refusal = f"The receiver answered {response.status}{redirect}." + (
            f" It said: {said}" if said else ""
        )
        return Outcome(status_code=response.status, error=refusal, response_ms=elapsed)
    finally:
        response.release_conn()
        pool.close()
