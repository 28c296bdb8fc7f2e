{{- define "bench.revisionLabels" -}}
app: {{ .rev.name }}
serving.knative.dev/configuration: {{ .svc.name }}
serving.knative.dev/configurationGeneration: {{ .rev.generation | quote }}
serving.knative.dev/revision: {{ .rev.name }}
serving.knative.dev/service: {{ .svc.name }}
{{- end }}
