// hpa-controller runs the Kubernetes HorizontalPodAutoscaler controller's own decision
// code (k8s.io/kubernetes pkg/controller/podautoscaler: the replica calculator and the
// behaviour normalisation of horizontal.go, module version pinned in go.mod) on CPU usage
// sequences read from stdin, so knstack's HPA model can be compared with it sync for sync.
//
// Input: one JSON object per line (a scenario):
//
//	{"hpa": {an autoscaling/v2 HorizontalPodAutoscaler as rendered}, "requestMilli": m,
//	 "syncs": [{"t": seconds, "current": n, "ready": [CPU usage milli per ready pod],
//	            "unready": n, "external": {"metric name": milli value}}]}
//
// The HPA is defaulted as the API server stores it (pkg/apis/autoscaling/v2 defaults).
// Output: one JSON line per scenario: {"decisions": [{"desired": n, "error": "..."}]}.
// Controller flags are kube-controller-manager's defaults (tolerance 0.1, CPU
// initialisation period 5 min, initial readiness delay 30 s, downscale stabilisation 5 min).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	autoscalingv2 "k8s.io/api/autoscaling/v2"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"
	hpadefaults "k8s.io/kubernetes/pkg/apis/autoscaling/v2"
	"k8s.io/kubernetes/pkg/controller/podautoscaler"
	metricsclient "k8s.io/kubernetes/pkg/controller/podautoscaler/metrics"
)

const namespace = "simulated"

type sync struct {
	T        float64          `json:"t"`
	Current  int32            `json:"current"`
	Ready    []int64          `json:"ready"`
	Unready  int              `json:"unready"`
	External map[string]int64 `json:"external"`
}

type scenario struct {
	HPA          autoscalingv2.HorizontalPodAutoscaler `json:"hpa"`
	RequestMilli int64                                 `json:"requestMilli"`
	Syncs        []sync                                `json:"syncs"`
}

type decision struct {
	Desired int32  `json:"desired"`
	Error   string `json:"error,omitempty"`
}

// podMetrics is metrics-server for the simulated pods (one CPU sample per ready pod) and
// the external metrics API (one value per metric, as KEDA's metrics server answers).
type podMetrics struct {
	usage    metricsclient.PodMetricsInfo
	external map[string]int64
}

func (m *podMetrics) GetResourceMetric(context.Context, v1.ResourceName, string, labels.Selector, string) (metricsclient.PodMetricsInfo, time.Time, error) {
	out := metricsclient.PodMetricsInfo{}
	for name, metric := range m.usage {
		out[name] = metric
	}
	return out, time.Now(), nil
}

func (m *podMetrics) GetRawMetric(string, string, labels.Selector, labels.Selector) (metricsclient.PodMetricsInfo, time.Time, error) {
	return nil, time.Time{}, fmt.Errorf("not simulated")
}

func (m *podMetrics) GetObjectMetric(string, string, *autoscalingv2.CrossVersionObjectReference, labels.Selector) (int64, time.Time, error) {
	return 0, time.Time{}, fmt.Errorf("not simulated")
}

func (m *podMetrics) GetExternalMetric(name string, _ string, _ labels.Selector) ([]int64, time.Time, error) {
	value, ok := m.external[name]
	if !ok {
		return nil, time.Time{}, fmt.Errorf("no value for external metric %q", name)
	}
	return []int64{value}, time.Now(), nil
}

var podLabels = map[string]string{"app": "simulated"}

func pod(name string, requestMilli int64, ready bool) *v1.Pod {
	longAgo := metav1.NewTime(time.Now().Add(-time.Hour))
	p := &v1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespace, Labels: podLabels},
		Spec: v1.PodSpec{Containers: []v1.Container{{
			Name:      "user-container",
			Resources: v1.ResourceRequirements{Requests: v1.ResourceList{v1.ResourceCPU: *resource.NewMilliQuantity(requestMilli, resource.DecimalSI)}},
		}}},
		Status: v1.PodStatus{Phase: v1.PodPending},
	}
	if ready {
		p.Status = v1.PodStatus{
			Phase:      v1.PodRunning,
			StartTime:  &longAgo,
			Conditions: []v1.PodCondition{{Type: v1.PodReady, Status: v1.ConditionTrue, LastTransitionTime: longAgo}},
		}
	}
	return p
}

// setPods replaces the simulated pods and their CPU samples with one sync's.
func setPods(store cache.Indexer, metrics *podMetrics, s sync, requestMilli int64) error {
	for _, obj := range store.List() {
		if err := store.Delete(obj); err != nil {
			return err
		}
	}
	metrics.usage = metricsclient.PodMetricsInfo{}
	metrics.external = s.External
	for i, usage := range s.Ready {
		name := fmt.Sprintf("ready-%d", i)
		metrics.usage[name] = metricsclient.PodMetric{Timestamp: time.Now(), Window: 15 * time.Second, Value: usage}
		if err := store.Add(pod(name, requestMilli, true)); err != nil {
			return err
		}
	}
	for i := 0; i < s.Unready; i++ {
		if err := store.Add(pod(fmt.Sprintf("starting-%d", i), requestMilli, false)); err != nil {
			return err
		}
	}
	return nil
}

func run(sc scenario) ([]decision, error) {
	hpa := sc.HPA.DeepCopy()
	hpa.Namespace = namespace
	hpadefaults.SetDefaults_HorizontalPodAutoscaler(hpa)
	store := cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
	metrics := &podMetrics{}
	controller := podautoscaler.NewSimulatedController(metrics, corelisters.NewPodLister(store), 0.1, 5*time.Minute, 30*time.Second, 5*time.Minute)
	selector := labels.SelectorFromSet(podLabels)
	out := make([]decision, 0, len(sc.Syncs))
	for _, s := range sc.Syncs {
		if err := setPods(store, metrics, s, sc.RequestMilli); err != nil {
			return nil, err
		}
		desired, err := controller.Sync(context.Background(), hpa, s.Current, int32(len(s.Ready)+s.Unready), selector, s.T)
		d := decision{Desired: desired}
		if err != nil {
			d.Error = err.Error()
		}
		out = append(out, d)
	}
	return out, nil
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<28)
	enc := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var sc scenario
		if err := json.Unmarshal(in.Bytes(), &sc); err != nil {
			fmt.Fprintln(os.Stderr, "hpa-controller: bad scenario:", err)
			os.Exit(2)
		}
		decisions, err := run(sc)
		if err != nil {
			fmt.Fprintln(os.Stderr, "hpa-controller:", err)
			os.Exit(2)
		}
		if err := enc.Encode(map[string][]decision{"decisions": decisions}); err != nil {
			os.Exit(1)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "hpa-controller: reading stdin:", err)
		os.Exit(2)
	}
}
