"""Deterministic, atomic rendering of manifests for GitOps."""

from knstack.render.writer import rendered_files, stream, stream_parts, write_environment

__all__ = ["rendered_files", "stream", "stream_parts", "write_environment"]
