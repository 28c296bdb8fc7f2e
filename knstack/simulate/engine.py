"""The simulation loop: one trace, one autoscaler model, second by second.

Each second: pods whose start-up has finished become ready, the arrivals are served
(`requests.RequestQueue`), the in-flight concurrency is recorded, and the autoscaler may
change the desired pod count. New pods are ready `startup` seconds after they are asked
for; removed pods go at once (pods still starting first, as a ReplicaSet does).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from knstack.simulate.requests import RequestQueue


class Metrics:
    """Per-second history of in-flight concurrency and arrivals, with O(1) window means."""

    def __init__(self) -> None:
        # running sums: entry i is the total of the first i seconds
        self.concurrency_sum = [0.0]
        self.arrivals_sum = [0.0]

    def record(self, concurrency: float, arrivals: float) -> None:
        self.concurrency_sum.append(self.concurrency_sum[-1] + concurrency)
        self.arrivals_sum.append(self.arrivals_sum[-1] + arrivals)

    def mean(self, series: str, now: int, window: float) -> float:
        """Mean over the last `window` seconds up to and including `now` (fewer at the start)."""
        sums = self.concurrency_sum if series == "concurrency" else self.arrivals_sum
        span = max(1, min(int(window), now + 1))
        return (sums[now + 1] - sums[now + 1 - span]) / span


class Autoscaler(Protocol):
    """A model: asked every second, it returns the pods it wants (it ticks at its own pace)."""

    label: str

    def desired(self, now: int, metrics: Metrics, ready: int, current: int) -> int: ...

    @property
    def panicking(self) -> bool: ...


@dataclass(frozen=True)
class PodShape:
    """What one pod costs and serves."""

    cpu: float  # cores requested
    memory_gib: float
    concurrency: float  # requests served at once
    startup: float  # seconds from asked-for to ready (the cold start)


@dataclass(frozen=True)
class Prices:
    cpu_second: float  # per core-second
    memory_gib_second: float

    def pod_second(self, shape: PodShape) -> float:
        return shape.cpu * self.cpu_second + shape.memory_gib * self.memory_gib_second


@dataclass
class Timeline:
    """What happened, one value per second."""

    arrivals: np.ndarray
    desired: np.ndarray
    ready: np.ndarray
    billed: np.ndarray  # pods that exist (starting or ready), what is paid for
    panic: np.ndarray
    cost: np.ndarray  # cumulative


@dataclass
class Run:
    label: str
    timeline: Timeline
    queue: RequestQueue
    reserved: PodShape | None


def simulate(
    trace: np.ndarray,
    model: Autoscaler,
    pod: PodShape,
    prices: Prices,
    service_time: float,
    initial_pods: int,
    reserved: PodShape | None = None,
) -> Run:
    """Replay `trace` (requests per second) through `model`."""
    seconds = len(trace)
    queue = RequestQueue(service_time=service_time, pod_concurrency=pod.concurrency)
    metrics = Metrics()
    desired_s = [0] * seconds
    ready_s = [0] * seconds
    billed_s = [0] * seconds
    panic_s = [False] * seconds
    pod_rate = pod.concurrency / service_time
    reserved_rate = reserved.concurrency / service_time if reserved else 0.0
    starting: list[float] = []  # ready-at times of pods still starting, oldest first
    ready = initial_pods
    desired = initial_pods
    arrivals_list = trace.tolist()
    for now in range(seconds):
        while starting and starting[0] <= now:
            starting.pop(0)
            ready += 1
        arrivals = arrivals_list[now]
        capacity = ready * pod_rate + reserved_rate
        concurrency = queue.second(now, arrivals, capacity, ready > 0 or reserved is not None)
        metrics.record(concurrency, arrivals)
        desired = model.desired(now, metrics, ready, ready + len(starting))
        total = ready + len(starting)
        if desired > total:
            starting.extend([now + pod.startup] * (desired - total))
        elif desired < total:
            surplus = total - desired
            drop = min(surplus, len(starting))
            if drop:
                del starting[len(starting) - drop :]
            ready -= surplus - drop
        desired_s[now] = desired
        ready_s[now] = ready
        billed_s[now] = ready + len(starting)
        panic_s[now] = model.panicking
    billed = np.asarray(billed_s, dtype=np.int64)
    cost = np.cumsum(billed * prices.pod_second(pod))
    if reserved is not None:
        cost = cost + np.arange(1, seconds + 1) * prices.pod_second(reserved)
    timeline = Timeline(
        arrivals=trace,
        desired=np.asarray(desired_s, dtype=np.int64),
        ready=np.asarray(ready_s, dtype=np.int64),
        billed=billed,
        panic=np.asarray(panic_s, dtype=bool),
        cost=cost,
    )
    return Run(model.label, timeline, queue, reserved)
