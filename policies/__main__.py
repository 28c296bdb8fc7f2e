"""The knstack CrossGuard policy pack.

The policies are knstack's rules (knstack.policy), wrapped by knstack.policy.crossguard;
nothing is defined here. Building the PolicyPack starts the analyzer's gRPC server and
never returns, so this file is run by Pulumi and never imported.
"""

from pulumi_policy import EnforcementLevel, PolicyPack

from knstack.policy.crossguard import PACK_NAME, crossguard_policies

PolicyPack(
    name=PACK_NAME,
    policies=crossguard_policies(),
    enforcement_level=EnforcementLevel.ADVISORY,  # each policy sets its own level
    description="knstack policy rules: the same as `knstack check`.",
)
