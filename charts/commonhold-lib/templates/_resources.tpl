{{/* Usage: resources: {{- include "commonhold.resources.container" . | nindent 12 }} — .Values.resources (requests and limits are required by validateValues). */}}
{{- define "commonhold.resources.container" -}}
{{- toYaml (.Values.resources | default dict) -}}
{{- end -}}
