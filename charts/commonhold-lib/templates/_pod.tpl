{{/* Usage: {{- include "commonhold.pod.labels" . | nindent 8 }} — pod labels: selector labels plus part-of/component (no chart version, so a chart bump alone does not start a canary) and .Values.podLabels. */}}
{{- define "commonhold.pod.labels" -}}
{{ include "commonhold.labels.selector" . }}
app.kubernetes.io/part-of: commonhold
{{- with .Values.role }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- with .Values.podLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Usage: template: {{- include "commonhold.pod.template" . | nindent 4 }} — the hardened pod template of a service (Rollout .spec.template). */}}
{{- define "commonhold.pod.template" -}}
metadata:
  labels:
    {{- include "commonhold.pod.labels" . | nindent 4 }}
  annotations:
    checksum/config: {{ include "commonhold.env.checksum" . }}
    {{- with .Values.podAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  serviceAccountName: {{ include "commonhold.names.serviceAccount" . }}
  automountServiceAccountToken: false
  enableServiceLinks: false
  securityContext:
    {{- include "commonhold.security.pod" . | nindent 4 }}
  {{- with (include "commonhold.images.pullSecrets" .) }}{{ . | nindent 2 }}{{ end }}
  terminationGracePeriodSeconds: {{ .Values.terminationGracePeriodSeconds | default 30 }}
  containers:
    - name: {{ include "commonhold.names.name" . }}
      image: {{ include "commonhold.images.image" . | quote }}
      imagePullPolicy: {{ .Values.image.pullPolicy | default "IfNotPresent" }}
      {{- with .Values.command }}
      command:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.args }}
      args:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      ports:
        - name: http
          containerPort: {{ .Values.port }}
          protocol: TCP
      envFrom:
        {{- include "commonhold.env.fromSources" . | nindent 8 }}
      {{- $secretEnv := include "commonhold.env.secretKeyRefs" . | trim }}
      {{- if $secretEnv }}
      env:
        {{- $secretEnv | nindent 8 }}
      {{- end }}
      {{- include "commonhold.probes.container" . | nindent 6 }}
      resources:
        {{- include "commonhold.resources.container" . | nindent 8 }}
      securityContext:
        {{- include "commonhold.security.container" . | nindent 8 }}
      volumeMounts:
        {{- include "commonhold.security.tmpVolumeMount" . | nindent 8 }}
        {{- if (include "commonhold.env.jwksConfigMap" .) }}
        - name: jwks
          mountPath: /etc/commonhold/jwks
          readOnly: true
        {{- end }}
        {{- with .Values.extraVolumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    {{- include "commonhold.security.tmpVolume" . | nindent 4 }}
    {{- with (include "commonhold.env.jwksConfigMap" .) }}
    - name: jwks
      configMap:
        name: {{ . }}
    {{- end }}
    {{- with .Values.extraVolumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with .Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with .Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- if .Values.topologySpread.enabled }}
  topologySpreadConstraints:
    - maxSkew: 1
      topologyKey: {{ .Values.topologySpread.topologyKey | default "kubernetes.io/hostname" }}
      whenUnsatisfiable: {{ .Values.topologySpread.whenUnsatisfiable | default "ScheduleAnyway" }}
      labelSelector:
        matchLabels:
          {{- include "commonhold.labels.selector" . | nindent 10 }}
      matchLabelKeys:
        - rollouts-pod-template-hash
  {{- end }}
{{- end -}}
