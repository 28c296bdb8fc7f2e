"""Volume rules of a revision: which sources Knative allows (feature-gated ones included),
and mounts that name a defined volume at an absolute, unreserved path
(knative/serving pkg/apis/serving/k8s_validation.go, validateVolumes and validateVolumeMounts)."""

from __future__ import annotations

from knstack.api.context import ServingContext
from knstack.api.core import Volume, VolumeMount
from knstack.api.serving import RevisionSpec
from knstack.api.validation.names import dns1123_label_error
from knstack.api.validation.report import Report

RESERVED_MOUNT_PATHS = frozenset({"/", "/dev", "/dev/log"})
# Volume source (attribute, API name) -> flag, or None when always allowed.
VOLUME_SOURCES: dict[str, tuple[str, str | None]] = {
    "secret": ("secret", None),
    "config_map": ("configMap", None),
    "projected": ("projected", None),
    "empty_dir": ("emptyDir", "kubernetes.podspec-volumes-emptydir"),
    "persistent_volume_claim": (
        "persistentVolumeClaim",
        "kubernetes.podspec-persistent-volume-claim",
    ),
    "host_path": ("hostPath", "kubernetes.podspec-volumes-hostpath"),
    "csi": ("csi", "kubernetes.podspec-volumes-csi"),
    "ephemeral": ("ephemeral", "kubernetes.podspec-volumes-ephemeral"),
    "image": ("image", "kubernetes.podspec-volumes-image"),
    "downward_api": ("downwardAPI", "never"),
    "nfs": ("nfs", "never"),
}


def validate_volumes(spec: RevisionSpec, ctx: ServingContext, bad: Report) -> None:
    """knative/serving pkg/apis/serving/k8s_validation.go ValidateVolumes and
    validateVolumeMounts: every volume has one allowed source and is mounted; every mount
    names a volume, at an absolute, unreserved path, once per container."""
    volumes: dict[str, tuple[int, Volume]] = {}
    for index, volume in enumerate(spec.volumes or []):
        where = f"volumes[{index}]"
        if err := dns1123_label_error(volume.name):
            bad(err, f"{where}.name")
        if volume.name in volumes:
            bad(f"duplicate volume name {volume.name!r}", f"{where}.name")
        volumes[volume.name] = (index, volume)
        _check_volume(volume, where, ctx, bad)
    mounted: set[str] = set()
    for group, containers in (
        ("containers", spec.containers),
        ("initContainers", spec.init_containers or []),
    ):
        for c_index, container in enumerate(containers):
            paths: set[str] = set()
            for m_index, mount in enumerate(container.volume_mounts or []):
                where = f"{group}[{c_index}].volumeMounts[{m_index}]"
                mounted.add(mount.name)
                _check_mount(mount, where, volumes.get(mount.name), paths, ctx, bad)
                paths.add(mount.mount_path)
    for name, (index, _) in volumes.items():
        if name not in mounted:
            bad(f"volume {name!r} is not mounted by any container", f"volumes[{index}].name")


def _check_volume(volume: Volume, where: str, ctx: ServingContext, bad: Report) -> None:
    """Exactly one source, and one Knative allows (some behind a feature flag)."""
    sources = [attr for attr in VOLUME_SOURCES if getattr(volume, attr) is not None]
    if len(sources) != 1:
        bad(f"a volume needs exactly one source; found {len(sources)}", where)
    for attr in sources:
        api_name, flag = VOLUME_SOURCES[attr]
        if flag == "never":
            bad(
                f"{api_name} volumes are not supported by Knative (use secret, configMap or projected)",
                f"{where}.{api_name}",
            )
        elif flag is not None and not ctx.feature_on(flag):
            bad(f"{api_name} volumes need the {flag} feature", f"{where}.{api_name}")


def _check_mount(
    mount: VolumeMount,
    where: str,
    volume: tuple[int, Volume] | None,
    paths: set[str],
    ctx: ServingContext,
    bad: Report,
) -> None:
    """One mount against its volume (None: undefined) and the container's other paths."""
    if volume is None:
        bad(f"volume {mount.name!r} is not defined in spec.volumes", f"{where}.name")
    path = mount.mount_path
    if not path.startswith("/"):
        bad(f"{path!r} must be an absolute path", f"{where}.mountPath")
    elif path.rstrip("/") in RESERVED_MOUNT_PATHS or path == "/":
        bad(f"{path!r} is a reserved path", f"{where}.mountPath")
    if path in paths:
        bad(f"{path!r} is mounted twice in this container", f"{where}.mountPath")
    if mount.mount_propagation is not None and not ctx.feature_on(
        "kubernetes.podspec-volumes-mount-propagation"
    ):
        bad(
            "needs the kubernetes.podspec-volumes-mount-propagation feature",
            f"{where}.mountPropagation",
        )
    if (
        volume
        and volume[1].persistent_volume_claim is not None
        and not mount.read_only
        and not ctx.feature_on("kubernetes.podspec-persistent-volume-write")
    ):
        bad(
            "a writable persistentVolumeClaim mount needs the kubernetes.podspec-persistent-volume-write feature (or set readOnly: true)",
            f"{where}.readOnly",
        )
