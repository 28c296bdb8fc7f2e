"""knstack: Knative-style serverless on Kubernetes, as code."""

__version__ = "0.1.0"
