{{/* Labels (Kubernetes recommended labels, bitnami common/_labels.tpl style). */}}

{{/* Usage: {{ include "commonhold.labels.standard" . | nindent 4 }} — labels for every object's metadata. */}}
{{- define "commonhold.labels.standard" -}}
helm.sh/chart: {{ include "commonhold.names.chart" . }}
{{ include "commonhold.labels.selector" . }}
app.kubernetes.io/part-of: commonhold
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.role }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- $version := "" }}
{{- if .Values.image }}{{ $version = include "commonhold.images.tag" . }}{{ end }}
{{- $version = $version | default .Chart.AppVersion | default .Chart.Version }}
app.kubernetes.io/version: {{ regexReplaceAll "[^A-Za-z0-9_.-]" (splitList "@" $version | first) "_" | trunc 63 | trimAll "-_." | quote }}
{{- with (.Values.commonLabels | default dict) }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Usage: {{ include "commonhold.labels.selector" . | nindent 6 }} — the immutable selector labels (Rollout, Services, PDB, policies). */}}
{{- define "commonhold.labels.selector" -}}
app.kubernetes.io/name: {{ include "commonhold.names.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
