{{/*
Names. A Commonhold deployable is named after its service (gateway, fundraising, …): the umbrella
installs the app chart once per service under an alias, and Helm makes the alias the subchart's
.Chart.Name. Resources are named by the service alone (not "<release>-<service>") so in-cluster URLs
are the ones documented in env.schema.example (http://fundraising:4010/graphql); one platform per
namespace.
*/}}

{{/* Usage: {{ include "commonhold.names.name" . }} — the service name: .Values.serviceName, else the chart (alias) name; 63 chars max. */}}
{{- define "commonhold.names.name" -}}
{{- .Values.serviceName | default .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Usage: {{ include "commonhold.names.fullname" . }} — base name of every resource: .Values.fullnameOverride, else the service name; 63 chars max. */}}
{{- define "commonhold.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- include "commonhold.names.name" . -}}
{{- end -}}
{{- end -}}

{{/* Usage: {{ include "commonhold.names.suffixed" (dict "context" . "suffix" "canary") }} — "<fullname>-<suffix>", the fullname shortened so the result stays within 63 chars. */}}
{{- define "commonhold.names.suffixed" -}}
{{- $suffix := printf "-%s" .suffix -}}
{{- $base := include "commonhold.names.fullname" .context | trunc (int (sub 63 (len $suffix))) | trimSuffix "-" -}}
{{- printf "%s%s" $base $suffix -}}
{{- end -}}

{{/* Usage: {{ include "commonhold.names.chart" . }} — "<chart>-<version>" for the helm.sh/chart label. */}}
{{- define "commonhold.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Usage: {{ include "commonhold.names.serviceAccount" . }} — the ServiceAccount the pods run as. */}}
{{- define "commonhold.names.serviceAccount" -}}
{{- if .Values.serviceAccount.create -}}
{{- .Values.serviceAccount.name | default (include "commonhold.names.fullname" .) -}}
{{- else -}}
{{- .Values.serviceAccount.name | default "default" -}}
{{- end -}}
{{- end -}}

{{/* Usage: {{ include "commonhold.names.configMap" . }} — the ConfigMap holding the service's non-secret env. */}}
{{- define "commonhold.names.configMap" -}}
{{- include "commonhold.names.suffixed" (dict "context" . "suffix" "config") -}}
{{- end -}}
