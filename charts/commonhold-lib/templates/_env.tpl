{{/*
Configuration. Non-secret env comes from one ConfigMap per service, built from
global.commonhold.env (shared by every service: brokers, JWKS, OTLP endpoint, flags) overlaid by
the service's own .Values.env, with PORT always the service port. Empty values are left out (an
unset variable and an empty one differ to the services' zod config). Secrets are never rendered:
pods read them from existing Secrets — .Values.existingSecret as a whole (envFrom) and
.Values.secretEnv for single keys.
*/}}

{{/* Usage: {{ include "commonhold.env.data" . | fromYaml }} — the merged non-secret env as a YAML map of strings (keys sorted). */}}
{{- define "commonhold.env.data" -}}
{{- $env := dict -}}
{{- range $k, $v := (dig "commonhold" "env" dict (.Values.global | default dict)) }}{{ $_ := set $env $k $v }}{{ end -}}
{{- range $k, $v := (.Values.env | default dict) }}{{ $_ := set $env $k $v }}{{ end -}}
{{- if (include "commonhold.env.jwksConfigMap" .) -}}
{{- $_ := set $env "JWKS_FILE" "/etc/commonhold/jwks/jwks.json" -}}
{{- $_ := unset $env "JWKS_URL" -}}
{{- end -}}
{{- $_ := set $env "PORT" .Values.port -}}
{{- $out := dict -}}
{{- range $k, $v := $env }}
{{- if not (or (kindIs "invalid" $v) (eq (toString $v) "")) }}
{{- $s := toString $v }}
{{- if kindIs "float64" $v }}{{ $s = toString (int64 $v) }}{{ if ne (float64 (int64 $v)) $v }}{{ $s = toString $v }}{{ end }}{{ end }}
{{- $_ := set $out $k $s }}
{{- end }}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Usage: {{ include "commonhold.env.jwksConfigMap" . }} — global.commonhold.jwks.configMap: a ConfigMap with the identity JWKS (key jwks.json) mounted in place of JWKS_URL; "" when unset. */}}
{{- define "commonhold.env.jwksConfigMap" -}}
{{- dig "commonhold" "jwks" "configMap" "" (.Values.global | default dict) -}}
{{- end -}}

{{/* Usage: {{ include "commonhold.env.checksum" . }} — sha256 of the rendered env; as a pod annotation it rolls the pods (a new canary) when config changes. */}}
{{- define "commonhold.env.checksum" -}}
{{- include "commonhold.env.data" . | sha256sum -}}
{{- end -}}

{{/* Usage: {{- include "commonhold.env.configMap" . }} — the ConfigMap manifest with the service's non-secret env. */}}
{{- define "commonhold.env.configMap" -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "commonhold.names.configMap" . }}
  namespace: {{ .Release.Namespace }}
  labels:
    {{- include "commonhold.labels.standard" . | nindent 4 }}
data:
  {{- include "commonhold.env.data" . | nindent 2 }}
{{- end -}}

{{/* Usage: envFrom: {{- include "commonhold.env.fromSources" . | nindent 12 }} — the ConfigMap, then the existing Secret (later sources win on duplicate keys). */}}
{{- define "commonhold.env.fromSources" -}}
- configMapRef:
    name: {{ include "commonhold.names.configMap" . }}
{{- with .Values.existingSecret }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- range (.Values.extraEnvFromSecrets | default list) }}
- secretRef:
    name: {{ . }}
{{- end }}
{{- end -}}

{{/* Usage: {{- include "commonhold.env.secretKeyRefs" . | nindent 12 }} — env entries for single keys of existing Secrets (.Values.secretEnv: NAME: {secretName, key}). */}}
{{- define "commonhold.env.secretKeyRefs" -}}
{{- range $name, $ref := (.Values.secretEnv | default dict) }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.secretName }}
      key: {{ $ref.key }}
{{- end }}
{{- end -}}

{{/* Usage: env: {{- include "commonhold.env.inline" . | nindent 12 }} — the same env written inline, for hook pods that run before the release's ConfigMap exists. */}}
{{- define "commonhold.env.inline" -}}
{{- range $k, $v := (include "commonhold.env.data" . | fromYaml) }}
- name: {{ $k }}
  value: {{ $v | quote }}
{{- end }}
{{- include "commonhold.env.secretKeyRefs" . }}
{{- end -}}
