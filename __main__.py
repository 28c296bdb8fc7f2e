"""The Pulumi program of this project: `pulumi up --stack <env>` deploys components/ to the
environment's clusters (stacks/Pulumi.<env>.yaml). All of it lives in knstack.pulumi;
see docs/pulumi.md."""

from pathlib import Path

from knstack.pulumi.program import main

main(Path(__file__).resolve().parent)
