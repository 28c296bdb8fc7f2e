"""Generated CI/CD pipelines for promotion: GitHub Actions and Tekton."""

from knstack.promote.pipelines.github import github_workflow
from knstack.promote.pipelines.model import PipelineModel, pipeline_model
from knstack.promote.pipelines.tekton import tekton_pipeline

__all__ = ["PipelineModel", "github_workflow", "pipeline_model", "tekton_pipeline"]
