{{/*
Images. One image per service from the one Dockerfile (ARG SERVICE): repository defaults to
"<global.commonhold.image.registry>/<service>", the tag to global.commonhold.image.tag, so a
release tag set once applies to every service and a service can still pin its own.
*/}}

{{/* Usage: {{ include "commonhold.images.global" (list . "tag") }} — a value under .Values.global.commonhold.image, "" when unset. */}}
{{- define "commonhold.images.global" -}}
{{- $ctx := index . 0 -}}
{{- dig "commonhold" "image" (index . 1) "" ($ctx.Values.global | default dict) -}}
{{- end -}}

{{/* Usage: {{ include "commonhold.images.repository" . }} — image.repository, else "<global registry>/<service>". */}}
{{- define "commonhold.images.repository" -}}
{{- $registry := include "commonhold.images.global" (list . "registry") | default "ghcr.io/commonhold" -}}
{{- .Values.image.repository | default (printf "%s/%s" (trimSuffix "/" $registry) (include "commonhold.names.name" .)) -}}
{{- end -}}

{{/* Usage: {{ include "commonhold.images.tag" . }} — image.tag, else global.commonhold.image.tag ("" when neither is set: validateValues reports it). */}}
{{- define "commonhold.images.tag" -}}
{{- .Values.image.tag | default (include "commonhold.images.global" (list . "tag")) | toString -}}
{{- end -}}

{{/* Usage: image: {{ include "commonhold.images.image" . }} — "<repository>@<digest>" when image.digest is set, else "<repository>:<tag>" (the tag may carry "@sha256:…", as skaffold sets it). */}}
{{- define "commonhold.images.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" (include "commonhold.images.repository" .) .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" (include "commonhold.images.repository" .) (include "commonhold.images.tag" .) -}}
{{- end -}}
{{- end -}}

{{/* Usage: {{- with (include "commonhold.images.pullSecrets" .) }}{{ . | nindent 6 }}{{ end }} — imagePullSecrets from image.pullSecrets plus global.commonhold.image.pullSecrets (names). */}}
{{- define "commonhold.images.pullSecrets" -}}
{{- $names := concat (.Values.image.pullSecrets | default list) (dig "commonhold" "image" "pullSecrets" list (.Values.global | default dict)) | uniq -}}
{{- if $names -}}
imagePullSecrets:
{{- range $names }}
  - name: {{ . }}
{{- end }}
{{- end -}}
{{- end -}}
