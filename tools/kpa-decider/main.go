// kpa-decider runs Knative Serving's own autoscaler decider (knative/serving
// pkg/autoscaler/scaling/autoscaler.go, module version pinned in go.mod) on metric
// sequences read from stdin, so knstack's KPA model can be compared with it tick for tick.
//
// Input: one JSON object per line (a scenario):
//
//	{"spec": {DeciderSpec fields, durations in seconds}, "initialReady": n,
//	 "ticks": [{"t": seconds, "stable": x, "panic": y, "ready": n}, ...]}
//
// Output: one JSON line per scenario: {"decisions": [{"desired": n, "ebc": n, "valid": b}]}.
// Tick times are offsets from a base instant that is an even Unix second (the decider's
// scale-down-delay window buckets by now.Unix()/2), and the decider is created at that
// instant (with more than one ready pod it starts in panic mode from time.Now()).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"go.uber.org/zap"
	"k8s.io/apimachinery/pkg/types"
	"knative.dev/serving/pkg/autoscaler/scaling"
)

type specIn struct {
	MaxScaleUpRate      float64 `json:"maxScaleUpRate"`
	MaxScaleDownRate    float64 `json:"maxScaleDownRate"`
	ScalingMetric       string  `json:"scalingMetric"`
	TargetValue         float64 `json:"targetValue"`
	TotalValue          float64 `json:"totalValue"`
	TargetBurstCapacity float64 `json:"targetBurstCapacity"`
	ActivatorCapacity   float64 `json:"activatorCapacity"`
	PanicThreshold      float64 `json:"panicThreshold"`
	StableWindow        float64 `json:"stableWindow"`
	ScaleDownDelay      float64 `json:"scaleDownDelay"`
	InitialScale        int32   `json:"initialScale"`
	Reachable           bool    `json:"reachable"`
	ActivationScale     int32   `json:"activationScale"`
}

type tick struct {
	T      float64 `json:"t"`
	Stable float64 `json:"stable"`
	Panic  float64 `json:"panic"`
	Ready  int     `json:"ready"`
}

type scenario struct {
	Spec         specIn `json:"spec"`
	InitialReady int    `json:"initialReady"`
	Ticks        []tick `json:"ticks"`
}

type decision struct {
	Desired int32 `json:"desired"`
	EBC     int32 `json:"ebc"`
	Valid   bool  `json:"valid"`
}

// feed is both the metric client and the pod counter: it returns the current tick's values.
type feed struct{ cur tick }

func (f *feed) StableAndPanicConcurrency(types.NamespacedName, time.Time) (float64, float64, error) {
	return f.cur.Stable, f.cur.Panic, nil
}

func (f *feed) StableAndPanicRPS(types.NamespacedName, time.Time) (float64, float64, error) {
	return f.cur.Stable, f.cur.Panic, nil
}
func (f *feed) ReadyCount() (int, error)    { return f.cur.Ready, nil }
func (f *feed) NotReadyCount() (int, error) { return 0, nil }

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// evenSecond waits for the next even Unix second and returns it, so that the decider's
// creation time (time.Now() inside scaling.New) is that instant plus a few microseconds.
func evenSecond() time.Time {
	now := time.Now()
	next := now.Unix() + 1
	if next%2 != 0 {
		next++
	}
	base := time.Unix(next, 0)
	time.Sleep(time.Until(base))
	return base
}

func run(sc scenario, logger *zap.SugaredLogger) []decision {
	spec := &scaling.DeciderSpec{
		MaxScaleUpRate:      sc.Spec.MaxScaleUpRate,
		MaxScaleDownRate:    sc.Spec.MaxScaleDownRate,
		ScalingMetric:       sc.Spec.ScalingMetric,
		TargetValue:         sc.Spec.TargetValue,
		TotalValue:          sc.Spec.TotalValue,
		TargetBurstCapacity: sc.Spec.TargetBurstCapacity,
		ActivatorCapacity:   sc.Spec.ActivatorCapacity,
		PanicThreshold:      sc.Spec.PanicThreshold,
		StableWindow:        seconds(sc.Spec.StableWindow),
		ScaleDownDelay:      seconds(sc.Spec.ScaleDownDelay),
		InitialScale:        sc.Spec.InitialScale,
		Reachable:           sc.Spec.Reachable,
		ActivationScale:     sc.Spec.ActivationScale,
	}
	f := &feed{cur: tick{Ready: sc.InitialReady}}
	var base time.Time
	if sc.InitialReady > 1 {
		base = evenSecond()
	} else {
		base = time.Unix(1_700_000_000, 0) // any even second: no wall-clock state is kept
	}
	a := scaling.New(context.Background(), "ns", "rev", f, f, spec)
	out := make([]decision, 0, len(sc.Ticks))
	for _, tk := range sc.Ticks {
		f.cur = tk
		r := a.Scale(logger, base.Add(seconds(tk.T)))
		out = append(out, decision{Desired: r.DesiredPodCount, EBC: r.ExcessBurstCapacity, Valid: r.ScaleValid})
	}
	return out
}

func main() {
	logger := zap.NewNop().Sugar()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<28)
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	for in.Scan() {
		var sc scenario
		if err := json.Unmarshal(in.Bytes(), &sc); err != nil {
			fmt.Fprintf(os.Stderr, "kpa-decider: bad scenario: %v\n", err)
			os.Exit(2)
		}
		line, _ := json.Marshal(map[string][]decision{"decisions": run(sc, logger)})
		w.Write(line)
		w.WriteString("\n")
	}
	if err := in.Err(); err != nil {
		fmt.Fprintf(os.Stderr, "kpa-decider: reading stdin: %v\n", err)
		os.Exit(2)
	}
}
