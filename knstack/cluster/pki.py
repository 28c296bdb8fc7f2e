"""Certificates and keys of a local cluster: one CA, the API server's serving certificate, a
client certificate per component and the service-account signing key.

The API server authenticates clients by certificates signed by `--client-ca-file`; a client
whose certificate has organisation `system:masters` is a cluster admin (the group Kubernetes'
RBAC bootstrap binds to cluster-admin, kubernetes `plugin/pkg/auth/authorizer/rbac/bootstrappolicy`).
ECDSA P-256 keys: instant to generate, and accepted for service-account tokens (ES256).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

_VALIDITY = dt.timedelta(days=365)


@dataclass(frozen=True)
class ClusterPki:
    """Paths of the PEM files a cluster's processes and its kubeconfig use."""

    ca_cert: Path
    serving_cert: Path
    serving_key: Path
    clients: dict[str, tuple[Path, Path]]  # identity -> (certificate, key)
    service_account_key: Path  # private key: signs tokens
    service_account_public_key: Path  # verifies them (--service-account-key-file)


# One client identity per component, so the API server's audit log tells the user's writes
# (ADMIN) from the controllers'. All are in system:masters: a loopback test cluster.
ADMIN = "knstack-admin"
CLIENTS = (ADMIN, "system:kube-controller-manager", "system:kube-scheduler", "kwok")


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name: str, organisation: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    return x509.Name(parts)


def _builder(
    subject: x509.Name, issuer: x509.Name, public: ec.EllipticCurvePublicKey
) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + _VALIDITY)
    )


def _write_key(path: Path, key: ec.EllipticCurvePrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _leaf(
    ca_key: ec.EllipticCurvePrivateKey,
    ca_name: x509.Name,
    subject: x509.Name,
    usage: x509.ObjectIdentifier,
    sans: list[x509.GeneralName] | None = None,
) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    key = _key()
    builder = _builder(subject, ca_name, key.public_key()).add_extension(
        x509.ExtendedKeyUsage([usage]), critical=False
    )
    if sans:
        builder = builder.add_extension(x509.SubjectAlternativeName(sans), critical=False)
    return builder.sign(ca_key, hashes.SHA256()), key


def _file(identity: str) -> str:
    return identity.removeprefix("system:")


def write_cluster_pki(directory: Path, cluster: str) -> ClusterPki:
    """Create the CA and every certificate and key of `cluster` under `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    pki = ClusterPki(
        ca_cert=directory / "ca.crt",
        serving_cert=directory / "apiserver.crt",
        serving_key=directory / "apiserver.key",
        clients={
            c: (directory / f"{_file(c)}.crt", directory / f"{_file(c)}.key") for c in CLIENTS
        },
        service_account_key=directory / "service-account.key",
        service_account_public_key=directory / "service-account.pub",
    )
    ca_key = _key()
    ca_name = _name(f"knstack-local-{cluster}-ca")
    ca_cert = (
        _builder(ca_name, ca_name, ca_key.public_key())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    _write_cert(pki.ca_cert, ca_cert)
    loopback: list[x509.GeneralName] = [
        x509.DNSName("localhost"),
        x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
    ]
    serving, serving_key = _leaf(
        ca_key, ca_name, _name("kube-apiserver"), ExtendedKeyUsageOID.SERVER_AUTH, loopback
    )
    _write_cert(pki.serving_cert, serving)
    _write_key(pki.serving_key, serving_key)
    for identity, (cert_path, key_path) in pki.clients.items():
        cert, key = _leaf(
            ca_key, ca_name, _name(identity, "system:masters"), ExtendedKeyUsageOID.CLIENT_AUTH
        )
        _write_cert(cert_path, cert)
        _write_key(key_path, key)
    signing = _key()
    _write_key(pki.service_account_key, signing)
    pki.service_account_public_key.write_bytes(
        signing.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return pki
