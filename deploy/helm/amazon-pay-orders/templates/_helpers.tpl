{{/* Names and labels shared by every object of the release. */}}
{{- define "apo.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "apo.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "apo.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "apo.secretName" -}}
{{- default (printf "%s-secrets" (include "apo.fullname" .)) .Values.existingSecret -}}
{{- end -}}

{{/* The container settings the API, the worker and the setup Job share. */}}
{{- define "apo.container" -}}
image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
imagePullPolicy: {{ .Values.image.pullPolicy }}
envFrom:
  - configMapRef:
      name: {{ include "apo.fullname" . }}-config
  - secretRef:
      name: {{ include "apo.secretName" . }}
securityContext:
  runAsNonRoot: true
  runAsUser: 1000
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: true
  capabilities:
    drop: ["ALL"]
volumeMounts:
  - name: tmp
    mountPath: /tmp
  {{- if .Values.filesSecret }}
  - name: files
    mountPath: /etc/amazon-pay-orders
    readOnly: true
  {{- end }}
{{- end -}}

{{- define "apo.volumes" -}}
- name: tmp
  emptyDir: {}
{{- if .Values.filesSecret }}
- name: files
  secret:
    secretName: {{ .Values.filesSecret }}
{{- end }}
{{- end -}}
