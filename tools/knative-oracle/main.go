// knative-oracle: Knative Serving's own Go code as the judge of knstack's validation and
// expansion (issue 13). It reads a YAML stream of serving.knative.dev/v1 objects and prints,
// one JSON line per document, Knative's verdict after SetDefaults and Validate (errors and
// warnings apart, by the level Knative's field errors carry) and, for admitted Services, what
// Knative's builders make from them.
//
// Usage: knative-oracle [-config FILE] < stream.yaml
//
// FILE is JSON: {"config-defaults": {...}, "config-autoscaler": {...}, "config-features": {...},
// "config-deployment": {...}, "config-network": {...}, "config-domain": {...}}; a missing map
// means Knative's code defaults.
//
// The admission path follows knative/pkg webhook/resourcesemantics/validation/validation_admit.go
// (strict decoding: unknown fields are refused; apis.WithinCreate; SetDefaults then Validate).
package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	nv1a1 "knative.dev/networking/pkg/apis/networking/v1alpha1"
	netcfg "knative.dev/networking/pkg/config"
	"knative.dev/pkg/apis"
	"knative.dev/pkg/logging"
	apiconfig "knative.dev/serving/pkg/apis/config"
	v1 "knative.dev/serving/pkg/apis/serving/v1"
	asconfig "knative.dev/serving/pkg/autoscaler/config"
	"knative.dev/serving/pkg/deployment"
	"knative.dev/serving/pkg/observability"
	hparesources "knative.dev/serving/pkg/reconciler/autoscaling/hpa/resources"
	asresources "knative.dev/serving/pkg/reconciler/autoscaling/resources"
	cfgresources "knative.dev/serving/pkg/reconciler/configuration/resources"
	revconfig "knative.dev/serving/pkg/reconciler/revision/config"
	revresources "knative.dev/serving/pkg/reconciler/revision/resources"
	routeconfig "knative.dev/serving/pkg/reconciler/route/config"
	"knative.dev/serving/pkg/reconciler/route/domains"
	sksresources "knative.dev/serving/pkg/reconciler/serverlessservice/resources"
	svcresources "knative.dev/serving/pkg/reconciler/service/resources"
	"sigs.k8s.io/yaml"
)

// Diagnostic is one of Knative's field errors, flattened.
type Diagnostic struct {
	Message string   `json:"message"`
	Paths   []string `json:"paths,omitempty"`
	Details string   `json:"details,omitempty"`
}

// Verdict is the oracle's answer for one document of the stream.
type Verdict struct {
	Index      int            `json:"index"`
	Kind       string         `json:"kind,omitempty"`
	Name       string         `json:"name,omitempty"`
	Skipped    string         `json:"skipped,omitempty"`
	DecodeErr  string         `json:"decode_error,omitempty"`
	Errors     []Diagnostic   `json:"errors"`
	Warnings   []Diagnostic   `json:"warnings"`
	Defaulted  any            `json:"defaulted,omitempty"`
	Built      map[string]any `json:"built,omitempty"`
	BuildError string         `json:"build_error,omitempty"`
}

type configs struct {
	api   *apiconfig.Config
	rev   *revconfig.Config
	route *routeconfig.Config
}

func loadConfigs(path string) (*configs, error) {
	maps := map[string]map[string]string{}
	if path != "" {
		raw, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(raw, &maps); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	defaults, err := apiconfig.NewDefaultsConfigFromMap(maps["config-defaults"])
	if err != nil {
		return nil, fmt.Errorf("config-defaults: %w", err)
	}
	features, err := apiconfig.NewFeaturesConfigFromMap(maps["config-features"])
	if err != nil {
		return nil, fmt.Errorf("config-features: %w", err)
	}
	autoscaler, err := asconfig.NewConfigFromMap(maps["config-autoscaler"])
	if err != nil {
		return nil, fmt.Errorf("config-autoscaler: %w", err)
	}
	depMap := map[string]string{"queue-sidecar-image": "queue-proxy"}
	for k, v := range maps["config-deployment"] {
		depMap[k] = v
	}
	dep, err := deployment.NewConfigFromMap(depMap)
	if err != nil {
		return nil, fmt.Errorf("config-deployment: %w", err)
	}
	network, err := netcfg.NewConfigFromMap(maps["config-network"])
	if err != nil {
		return nil, fmt.Errorf("config-network: %w", err)
	}
	logCfg, err := logging.NewConfigFromMap(nil)
	if err != nil {
		return nil, fmt.Errorf("config-logging: %w", err)
	}
	domain, err := routeconfig.NewDomainFromConfigMap(&corev1.ConfigMap{Data: maps["config-domain"]})
	if err != nil {
		return nil, fmt.Errorf("config-domain: %w", err)
	}
	api := &apiconfig.Config{Defaults: defaults, Features: features, Autoscaler: autoscaler}
	return &configs{
		api: api,
		rev: &revconfig.Config{Config: api, Deployment: dep, Logging: logCfg, Network: network,
			Observability: observability.DefaultConfig()},
		route: &routeconfig.Config{Domain: domain, Network: network, Features: features},
	}, nil
}

func diagnostics(fe *apis.FieldError, level apis.DiagnosticLevel) []Diagnostic {
	out := []Diagnostic{}
	if fe == nil {
		return out
	}
	filtered := fe.Filter(level)
	if filtered == nil {
		return out
	}
	for _, e := range filtered.WrappedErrors() {
		out = append(out, Diagnostic{Message: e.Message, Paths: e.Paths, Details: e.Details})
	}
	return out
}

// admittable is what the serving webhook does to every object it admits.
type admittable interface {
	apis.Defaultable
	apis.Validatable
}

func strictDecode(doc []byte, into any) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	return dec.Decode(into)
}

func judge(ctx context.Context, cfg *configs, index int, doc []byte) Verdict {
	v := Verdict{Index: index, Errors: []Diagnostic{}, Warnings: []Diagnostic{}}
	var head metav1.TypeMeta
	var meta struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
	}
	_ = json.Unmarshal(doc, &head)
	_ = json.Unmarshal(doc, &meta)
	v.Kind, v.Name = head.Kind, meta.Metadata.Name
	if head.APIVersion != "serving.knative.dev/v1" {
		v.Skipped = "not serving.knative.dev/v1"
		return v
	}
	var obj admittable
	switch head.Kind {
	case "Service":
		obj = &v1.Service{}
	case "Configuration":
		obj = &v1.Configuration{}
	case "Route":
		obj = &v1.Route{}
	case "Revision":
		obj = &v1.Revision{}
	default:
		v.Skipped = "kind not judged"
		return v
	}
	if err := strictDecode(doc, obj); err != nil {
		v.DecodeErr = err.Error()
		return v
	}
	ctx = apis.WithinCreate(ctx)
	obj.SetDefaults(ctx)
	fe := obj.Validate(ctx)
	v.Errors = diagnostics(fe, apis.ErrorLevel)
	v.Warnings = diagnostics(fe, apis.WarningLevel)
	v.Defaulted = obj
	if svc, ok := obj.(*v1.Service); ok && len(v.Errors) == 0 {
		built, err := build(ctx, cfg, svc)
		v.Built = built
		if err != nil {
			v.BuildError = err.Error()
		}
	}
	return v
}

// build runs the reconcilers' builders on an admitted Service, in the order the controllers do:
// service -> configuration + route, configuration -> revision, revision -> deployment + PA,
// PA -> HPA (hpa class) and SKS -> public/private Services, route -> hosts.
func build(ctx context.Context, cfg *configs, svc *v1.Service) (out map[string]any, err error) {
	out = map[string]any{}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("builder panicked: %v", r)
		}
	}()
	conf := svcresources.MakeConfiguration(svc)
	// The API server sets generation 1 on create; the revision is named after it.
	conf.Generation = 1
	route := svcresources.MakeRoute(svc)
	out["configuration"], out["route"] = conf, route
	rev := cfgresources.MakeRevision(ctx, conf, time.Unix(0, 0).UTC())
	if rev.Name == "" {
		rev.Name = conf.Name + "-00001"
	}
	// The revision webhook defaults the revision the configuration stamped out.
	rev.SetDefaults(apis.WithinCreate(ctx))
	out["revision"] = rev
	var dep *appsv1.Deployment
	dep, err = revresources.MakeDeployment(rev, cfg.rev)
	if err != nil {
		return out, fmt.Errorf("MakeDeployment: %w", err)
	}
	out["deployment"] = dep
	pa := revresources.MakePA(rev, dep)
	out["podautoscaler"] = pa
	if pa.Class() == "hpa.autoscaling.knative.dev" {
		out["hpa"] = hparesources.MakeHPA(pa, cfg.api.Autoscaler)
	}
	sks := asresources.MakeSKS(pa, nv1a1.SKSOperationModeServe, 0)
	out["sks"] = sks
	out["sks_public_service"] = sksresources.MakePublicService(sks)
	out["sks_private_service"] = sksresources.MakePrivateService(sks, map[string]string{"serving.knative.dev/revision": rev.Name})
	rctx := routeconfig.ToContext(ctx, cfg.route)
	var host string
	host, err = domains.DomainNameFromTemplate(rctx, route.ObjectMeta, route.Name)
	if err != nil {
		return out, fmt.Errorf("DomainNameFromTemplate: %w", err)
	}
	out["hosts"] = []string{host}
	return out, nil
}

func run(in io.Reader, out io.Writer, cfg *configs) error {
	ctx := apiconfig.ToContext(context.Background(), cfg.api)
	ctx = revconfig.ToContext(ctx, cfg.rev)
	reader := utilyaml.NewYAMLReader(bufio.NewReaderSize(in, 1<<20))
	w := bufio.NewWriter(out)
	defer w.Flush()
	enc := json.NewEncoder(w)
	for index := 0; ; {
		raw, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		doc, err := yaml.YAMLToJSON(raw)
		if err != nil {
			if encErr := enc.Encode(Verdict{Index: index, DecodeErr: err.Error(), Errors: []Diagnostic{}, Warnings: []Diagnostic{}}); encErr != nil {
				return encErr
			}
			index++
			continue
		}
		if bytes.Equal(bytes.TrimSpace(doc), []byte("null")) {
			continue // an empty document (e.g. a leading or trailing ---)
		}
		if err := enc.Encode(judge(ctx, cfg, index, doc)); err != nil {
			return err
		}
		index++
	}
}

func main() {
	configPath := flag.String("config", "", "JSON file of config maps (config-defaults, config-autoscaler, config-features, ...)")
	flag.Parse()
	// The queue-proxy builder reads the namespace Knative runs in (knative/pkg system/env.go).
	if os.Getenv("SYSTEM_NAMESPACE") == "" {
		_ = os.Setenv("SYSTEM_NAMESPACE", "knative-serving")
	}
	cfg, err := loadConfigs(*configPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "knative-oracle:", err)
		os.Exit(2)
	}
	if err := run(os.Stdin, os.Stdout, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "knative-oracle:", err)
		os.Exit(1)
	}
}
