//go:build knstack_hpa_harness

// This file is added by tools/hpa-controller/tool.sh to a vendored copy of
// k8s.io/kubernetes pkg/controller/podautoscaler (never to the module cache and never
// committed with it), so that the harness can run the controller's own decision steps,
// which are unexported, on a simulated clock. Nothing else in the package changes.
//
// The controller stamps recommendations and scale events with time.Now(). Before each
// sync at simulated second `now`, every stored stamp is set to wall time minus its
// simulated age; after the sync, stamps written during it are recorded as `now`.
package podautoscaler

import (
	"context"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	"k8s.io/apimachinery/pkg/labels"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/record"
	metricsclient "k8s.io/kubernetes/pkg/controller/podautoscaler/metrics"
	"k8s.io/kubernetes/pkg/controller/podautoscaler/monitor"
)

// SimulatedController runs one HPA's syncs on simulated time.
type SimulatedController struct {
	a                   *HorizontalController
	key                 string
	recAt, upAt, downAt []float64
}

// NewSimulatedController builds the controller state reconcileAutoscaler reads, with the
// kube-controller-manager flags given as arguments.
func NewSimulatedController(metrics metricsclient.MetricsClient, pods corelisters.PodLister, tolerance float64, cpuInitialization, initialReadinessDelay, downscaleStabilization time.Duration) *SimulatedController {
	return &SimulatedController{
		a: &HorizontalController{
			tolerance:                    tolerance,
			monitor:                      monitor.New(),
			eventRecorder:                &record.FakeRecorder{}, // nil channel: events are dropped
			replicaCalc:                  NewReplicaCalculator(metrics, pods, cpuInitialization, initialReadinessDelay),
			downscaleStabilisationWindow: downscaleStabilization,
			recommendations:              map[string][]timestampedRecommendation{},
			scaleUpEvents:                map[string][]timestampedScaleEvent{},
			scaleDownEvents:              map[string][]timestampedScaleEvent{},
		},
		key: "simulated/hpa",
	}
}

// Sync is the decision part of reconcileAutoscaler (horizontal.go): the replica count it
// would write to the scale subresource. currentReplicas is the scale's spec.replicas and
// statusReplicas the pods that exist. Each metric goes through the controller's own
// computeReplicasForMetric; the proposals combine as computeReplicasForMetrics combines
// them. An error is the controller's (for example no metrics): the scale is then left as is.
func (s *SimulatedController) Sync(ctx context.Context, hpa *autoscalingv2.HorizontalPodAutoscaler, currentReplicas, statusReplicas int32, selector labels.Selector, now float64) (int32, error) {
	start := time.Now()
	s.toWallClock(start, now)
	defer s.fromWallClock(start, now)
	a := s.a
	a.recordInitialRecommendation(currentReplicas, s.key)
	minReplicas := int32(1)
	if hpa.Spec.MinReplicas != nil {
		minReplicas = *hpa.Spec.MinReplicas
	}
	var desired int32
	switch {
	case currentReplicas == 0:
		return 0, nil // scaling is disabled since the replica count of the target is zero
	case currentReplicas > hpa.Spec.MaxReplicas:
		desired = hpa.Spec.MaxReplicas
	case currentReplicas < minReplicas:
		desired = minReplicas
	default:
		proposal, err := s.proposal(ctx, hpa, currentReplicas, statusReplicas, selector)
		if err != nil {
			return currentReplicas, err
		}
		if hpa.Spec.Behavior == nil {
			desired = a.normalizeDesiredReplicas(hpa, s.key, currentReplicas, proposal, minReplicas)
		} else {
			desired = a.normalizeDesiredReplicasWithBehaviors(hpa, s.key, currentReplicas, proposal, minReplicas)
		}
	}
	if desired != currentReplicas {
		a.storeScaleEvent(hpa.Spec.Behavior, s.key, currentReplicas, desired)
	}
	return desired, nil
}

// proposal: the highest metric's replica count; with an invalid metric, an error when all
// are invalid or when the valid ones would scale down (computeReplicasForMetrics).
func (s *SimulatedController) proposal(ctx context.Context, hpa *autoscalingv2.HorizontalPodAutoscaler, specReplicas, statusReplicas int32, selector labels.Selector) (int32, error) {
	var replicas int32
	var firstErr error
	invalid := 0
	statuses := make([]autoscalingv2.MetricStatus, len(hpa.Spec.Metrics))
	for i, spec := range hpa.Spec.Metrics {
		proposal, _, _, _, err := s.a.computeReplicasForMetric(ctx, hpa, spec, specReplicas, statusReplicas, selector, &statuses[i])
		if err != nil {
			if invalid == 0 {
				firstErr = err
			}
			invalid++
			continue
		}
		if replicas == 0 || proposal > replicas {
			replicas = proposal
		}
	}
	if invalid >= len(hpa.Spec.Metrics) || (invalid > 0 && replicas < specReplicas) {
		return 0, firstErr
	}
	return replicas, nil
}

func wall(start time.Time, now, at float64) time.Time {
	return start.Add(-time.Duration((now - at) * float64(time.Second)))
}

func (s *SimulatedController) toWallClock(start time.Time, now float64) {
	for i := range s.a.recommendations[s.key] {
		s.a.recommendations[s.key][i].timestamp = wall(start, now, s.recAt[i])
	}
	for i := range s.a.scaleUpEvents[s.key] {
		s.a.scaleUpEvents[s.key][i].timestamp = wall(start, now, s.upAt[i])
	}
	for i := range s.a.scaleDownEvents[s.key] {
		s.a.scaleDownEvents[s.key][i].timestamp = wall(start, now, s.downAt[i])
	}
}

// fromWallClock records the simulated time of every stamp: unchanged ones keep theirs,
// stamps written during this sync (not before its start) are `now`.
func (s *SimulatedController) fromWallClock(start time.Time, now float64) {
	s.recAt = simulatedStamps(s.recAt, len(s.a.recommendations[s.key]), func(i int) time.Time { return s.a.recommendations[s.key][i].timestamp }, start, now)
	s.upAt = simulatedStamps(s.upAt, len(s.a.scaleUpEvents[s.key]), func(i int) time.Time { return s.a.scaleUpEvents[s.key][i].timestamp }, start, now)
	s.downAt = simulatedStamps(s.downAt, len(s.a.scaleDownEvents[s.key]), func(i int) time.Time { return s.a.scaleDownEvents[s.key][i].timestamp }, start, now)
}

func simulatedStamps(old []float64, n int, stamp func(int) time.Time, start time.Time, now float64) []float64 {
	out := make([]float64, n)
	for i := 0; i < n; i++ {
		if i < len(old) && stamp(i).Before(start) {
			out[i] = old[i]
		} else {
			out[i] = now
		}
	}
	return out
}
