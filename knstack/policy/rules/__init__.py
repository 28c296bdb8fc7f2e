"""The rule catalogue, one module per concern; importing a module registers its rules."""

from knstack.policy.rules import (  # noqa: F401  (imported for their registrations)
    admission,
    availability,
    canary,
    hygiene,
    images,
    probes,
    resources,
    scaling,
    secrets,
    security,
    traffic,
)

# The order reports and the policy pack list concerns in.
CONCERNS = (
    "traffic",
    "images",
    "resources",
    "probes",
    "security",
    "secrets",
    "scaling",
    "availability",
    "canary",
    "hygiene",
    "admission",
)
