"""Requests against pods, second by second: a first-in-first-out queue per revision.

Every second the arrivals join the queue and the ready pods serve from its head, each
pod at most `pod_concurrency / service_time` requests a second (containerConcurrency is
a hard limit when set; Knative's queue-proxy enforces it, pkg/queue/breaker.go).
Requests that arrive while no pod is ready are cold starts: they wait (at the activator
or the add-on's interceptor) until a pod is ready. A request's added latency is the time
it waits in the queue, in whole seconds (the trace's resolution); 0 means under a second.

The in-flight count that Knative's queue-proxy and activator report is, by Little's law,
requests served in a second times the mean service time, plus those still queued.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

MAX_WAIT_SECONDS = 3600  # longer waits count in the last bin


@dataclass
class RequestQueue:
    service_time: float  # seconds, mean
    pod_concurrency: float  # requests one pod serves at once
    backlog: deque[list[float]] = field(default_factory=deque)  # [arrival second, count]
    queued: float = 0.0
    waits: list[float] = field(default_factory=lambda: [0.0] * (MAX_WAIT_SECONDS + 1))
    cold_starts: float = 0.0

    @property
    def pod_rate(self) -> float:
        """Requests one pod completes per second at its concurrency limit."""
        return self.pod_concurrency / self.service_time

    def second(self, now: int, arrivals: float, capacity: float, any_ready: bool) -> float:
        """Serve one second with `capacity` requests/s; return the in-flight concurrency."""
        if not self.backlog and arrivals <= capacity:
            # the common second: nothing waiting, everything served at once
            if arrivals > 0:
                if not any_ready:
                    self.cold_starts += arrivals
                self.waits[0] += arrivals
            return arrivals * self.service_time
        if arrivals > 0:
            if not any_ready:
                self.cold_starts += arrivals
            self.backlog.append([float(now), arrivals])
            self.queued += arrivals
        budget = capacity
        served = 0.0
        waits = self.waits
        while budget > 1e-9 and self.backlog:
            head = self.backlog[0]
            take = head[1] if head[1] <= budget else budget
            wait = int(now - head[0])
            waits[wait if wait < MAX_WAIT_SECONDS else MAX_WAIT_SECONDS] += take
            budget -= take
            served += take
            head[1] -= take
            if head[1] <= 1e-9:
                self.backlog.popleft()
        self.queued = max(0.0, self.queued - served)
        return served * self.service_time + self.queued

    def percentile(self, p: float) -> float:
        """Added latency (seconds) under which p percent of served requests waited."""
        cumulative = np.cumsum(self.waits)
        total = cumulative[-1]
        if total <= 0:
            return 0.0
        return float(np.searchsorted(cumulative, total * p / 100.0 - 1e-9))

    def over(self, budget_seconds: float) -> float:
        """Requests that waited longer than the budget: whole seconds from max(1, ceil(budget))
        (a wait under a second is within any budget, as the trace cannot say more)."""
        first = max(1, math.ceil(budget_seconds))
        return float(sum(self.waits[min(first, MAX_WAIT_SECONDS) :]))

    def backlog_empty(self) -> bool:
        """True when every request was served by the end of the trace."""
        return self.queued <= 1e-6
