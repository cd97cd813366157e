{{/*
Values validation (bitnami nginx/_helpers.tpl style): every check appends its message, and the
chart fails once listing them all, so a bad values file is fixed in one pass instead of one error
per `helm template`.
*/}}

{{/* Usage: {{ include "commonhold.validate.number" 3 }} — "true" when the value is a number (YAML floats and --set ints alike). */}}
{{- define "commonhold.validate.number" -}}
{{- or (kindIs "float64" .) (kindIs "int64" .) (kindIs "int" .) (kindIs "int32" .) -}}
{{- end -}}

{{/* Usage: {{ include "commonhold.validate.integer" 3 }} — "true" when the value is a whole number. */}}
{{- define "commonhold.validate.integer" -}}
{{- and (eq (include "commonhold.validate.number" .) "true") (eq (float64 .) (float64 (int64 .))) -}}
{{- end -}}

{{/* Usage: {{- include "commonhold.validate.values" . }} — checks the app chart's values; renders nothing when valid, else fails once with every problem. Call it first in every template. */}}
{{- define "commonhold.validate.values" -}}
{{- $v := .Values -}}
{{- $svc := include "commonhold.names.name" . -}}
{{- $msgs := list -}}

{{- if not (regexMatch "^[a-z]([-a-z0-9]*[a-z0-9])?$" $svc) -}}
{{- $msgs = append $msgs (printf "serviceName %q must be a DNS label (lowercase letters, digits, '-')" $svc) -}}
{{- end -}}
{{- if gt (len (include "commonhold.names.fullname" .)) 50 -}}
{{- $msgs = append $msgs (printf "fullname %q is longer than 50 characters (room is needed for -canary, -stable, -migrate)" (include "commonhold.names.fullname" .)) -}}
{{- end -}}
{{- if not (has $v.role (list "gateway" "subgraph")) -}}
{{- $msgs = append $msgs (printf "role %q must be gateway or subgraph" (toString $v.role)) -}}
{{- end -}}

{{- /* The tag's format is not checked: skaffold's helm deployer renders with placeholders (the artifact name) that its post-renderer replaces. */ -}}
{{- if not (or (include "commonhold.images.tag" .) $v.image.digest) -}}
{{- $msgs = append $msgs "image.tag is required (or image.digest, or global.commonhold.image.tag): an image is never deployed by an implicit tag" -}}
{{- end -}}
{{- if and $v.image.digest (not (regexMatch "^sha256:[a-f0-9]{64}$" (toString $v.image.digest))) -}}
{{- $msgs = append $msgs (printf "image.digest %q must be sha256:<64 hex>" (toString $v.image.digest)) -}}
{{- end -}}

{{- if not (and (eq (include "commonhold.validate.integer" $v.port) "true") (ge (int64 $v.port) 1) (le (int64 $v.port) 65535)) -}}
{{- $msgs = append $msgs (printf "port %v must be an integer between 1 and 65535" $v.port) -}}
{{- end -}}

{{- $minReplicas := 0 -}}
{{- if $v.autoscaling.enabled -}}
{{- $a := $v.autoscaling -}}
{{- if not (and (eq (include "commonhold.validate.integer" $a.minReplicas) "true") (ge (int64 $a.minReplicas) 1)) -}}
{{- $msgs = append $msgs (printf "autoscaling.minReplicas %v must be an integer >= 1" $a.minReplicas) -}}
{{- else if not (and (eq (include "commonhold.validate.integer" $a.maxReplicas) "true") (ge (int64 $a.maxReplicas) (int64 $a.minReplicas))) -}}
{{- $msgs = append $msgs (printf "autoscaling.maxReplicas %v must be an integer >= autoscaling.minReplicas (%v)" $a.maxReplicas $a.minReplicas) -}}
{{- else -}}
{{- $minReplicas = int64 $a.minReplicas -}}
{{- end -}}
{{- if not (and (eq (include "commonhold.validate.integer" $a.targetCPUUtilizationPercentage) "true") (ge (int64 $a.targetCPUUtilizationPercentage) 1) (le (int64 $a.targetCPUUtilizationPercentage) 100)) -}}
{{- $msgs = append $msgs (printf "autoscaling.targetCPUUtilizationPercentage %v must be an integer between 1 and 100" $a.targetCPUUtilizationPercentage) -}}
{{- end -}}
{{- end -}}
{{- if not (and (eq (include "commonhold.validate.integer" $v.replicaCount) "true") (ge (int64 $v.replicaCount) 0)) -}}
{{- $msgs = append $msgs (printf "replicaCount %v must be an integer >= 0" $v.replicaCount) -}}
{{- else if not $v.autoscaling.enabled -}}
{{- $minReplicas = int64 $v.replicaCount -}}
{{- end -}}

{{- if $v.pdb.enabled -}}
{{- $hasMin := not (kindIs "invalid" $v.pdb.minAvailable) -}}
{{- $hasMax := not (kindIs "invalid" $v.pdb.maxUnavailable) -}}
{{- if and $hasMin $hasMax -}}
{{- $msgs = append $msgs "pdb.minAvailable and pdb.maxUnavailable are mutually exclusive: set one (null the other)" -}}
{{- else if and $hasMin (eq (include "commonhold.validate.integer" $v.pdb.minAvailable) "true") (ge (int64 $v.pdb.minAvailable) $minReplicas) -}}
{{- $msgs = append $msgs (printf "pdb.minAvailable %v must be below the minimum replica count (%v), or no pod could ever be evicted (node drains would hang)" $v.pdb.minAvailable $minReplicas) -}}
{{- end -}}
{{- end -}}

{{- $slo := $v.slo | default dict -}}
{{- if not (and (eq (include "commonhold.validate.number" $slo.latencyBudgetSeconds) "true") (gt (float64 $slo.latencyBudgetSeconds) 0.0)) -}}
{{- $msgs = append $msgs (printf "slo.latencyBudgetSeconds %v must be a number of seconds > 0 (the canary's p95 budget, ADR 0003)" $slo.latencyBudgetSeconds) -}}
{{- end -}}
{{- if not (and (eq (include "commonhold.validate.number" $slo.availabilityObjective) "true") (gt (float64 $slo.availabilityObjective) 0.0) (lt (float64 $slo.availabilityObjective) 1.0)) -}}
{{- $msgs = append $msgs (printf "slo.availabilityObjective %v must be a ratio strictly between 0 and 1 (e.g. 0.995)" $slo.availabilityObjective) -}}
{{- end -}}

{{- if eq (include "commonhold.analysis.enabled" .) "true" -}}
{{- $n := $v.canary.analysis.stepMeasurements -}}
{{- if not (and (eq (include "commonhold.validate.integer" $n) "true") (ge (int64 $n) 2)) -}}
{{- $msgs = append $msgs (printf "canary.analysis.stepMeasurements %v must be an integer >= 2: with the template's failureLimit of 1, fewer measurements could never fail a step" $n) -}}
{{- end -}}
{{- if not (regexMatch "^https?://" (include "commonhold.analysis.prometheusAddress" .)) -}}
{{- $msgs = append $msgs "analysis.prometheusAddress (or global.commonhold.prometheus.address) must be the Prometheus URL the analysis queries, e.g. http://prometheus-operated.monitoring.svc:9090" -}}
{{- end -}}
{{- end -}}

{{- if and (ne $v.role "gateway") $v.database.enabled (not $v.existingSecret) -}}
{{- $msgs = append $msgs "existingSecret is required for a service with a database: the name of a Secret holding DATABASE_URL and DATABASE_MIGRATION_URL" -}}
{{- end -}}
{{- if and (eq $v.role "gateway") $v.database.enabled -}}
{{- $msgs = append $msgs "database.enabled must be false for the gateway: it owns no database (no migration Job)" -}}
{{- end -}}

{{- $env := dict -}}
{{- range $k, $val := (dig "commonhold" "env" dict ($v.global | default dict)) }}{{ $_ := set $env $k $val }}{{ end -}}
{{- range $k, $val := ($v.env | default dict) }}{{ $_ := set $env $k $val }}{{ end -}}
{{- range $k, $val := $env -}}
{{- if not (regexMatch "^[A-Z_][A-Z0-9_]*$" $k) -}}
{{- $msgs = append $msgs (printf "env key %q must be an UPPER_SNAKE_CASE variable name" $k) -}}
{{- end -}}
{{- if or (kindIs "map" $val) (kindIs "slice" $val) -}}
{{- $msgs = append $msgs (printf "env.%s must be a string, number or boolean" $k) -}}
{{- end -}}
{{- if has $k (list "DATABASE_URL" "DATABASE_MIGRATION_URL") -}}
{{- $msgs = append $msgs (printf "env.%s must not be in values (a ConfigMap): put it in the existingSecret" $k) -}}
{{- end -}}
{{- end -}}
{{- range $name, $ref := ($v.secretEnv | default dict) -}}
{{- if not (and (kindIs "map" $ref) $ref.secretName $ref.key) -}}
{{- $msgs = append $msgs (printf "secretEnv.%s must be {secretName, key}" $name) -}}
{{- end -}}
{{- end -}}

{{- $res := $v.resources | default dict -}}
{{- if not (and $res.requests $res.limits ($res.requests | default dict).memory ($res.limits | default dict).memory) -}}
{{- $msgs = append $msgs "resources.requests and resources.limits (at least memory) are required" -}}
{{- end -}}

{{- $psc := $v.podSecurityContext | default dict -}}
{{- $csc := $v.containerSecurityContext | default dict -}}
{{- if or (eq (toString $psc.runAsNonRoot) "false") (eq (toString $csc.runAsNonRoot) "false") (eq (toString $psc.runAsUser) "0") (eq (toString $csc.runAsUser) "0") -}}
{{- $msgs = append $msgs "the pods must run as non-root: podSecurityContext/containerSecurityContext may not set runAsNonRoot false or runAsUser 0" -}}
{{- end -}}
{{- if or (eq (toString $csc.readOnlyRootFilesystem) "false") (eq (toString $csc.allowPrivilegeEscalation) "true") (eq (toString $csc.privileged) "true") $csc.capabilities -}}
{{- $msgs = append $msgs "containerSecurityContext may not loosen readOnlyRootFilesystem, allowPrivilegeEscalation, privileged or capabilities (mount a volume for writable paths instead)" -}}
{{- end -}}

{{- if $msgs -}}
{{- fail (printf "\n\nVALUES VALIDATION (%s):\n  - %s\n" $svc (join "\n  - " $msgs)) -}}
{{- end -}}
{{- end -}}
