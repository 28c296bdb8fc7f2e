"""knstack against live clusters: server-side dry-run validation and drift detection.

Each cluster of an environment is reached through the kubeconfig context its stack names
(`knstack:clusters[].context`), with the official Kubernetes Python client.
"""
