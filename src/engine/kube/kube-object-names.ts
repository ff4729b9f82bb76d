// The name rules the Kubernetes API enforces for the objects a lab declares
// (k8s.io/apimachinery/pkg/util/validation): a lab refuses what a real
// apiserver would refuse, with the rule in the message.

/** RFC 1123 label (namespaces, pod names): lowercase alphanumerics and '-', at most 63. */
export const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1035 label (Service names): as RFC 1123 but starting with a letter. */
export const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** IANA service name (named ports): at most 15, a-z 0-9 '-', a letter somewhere, no '--', no '-' at the ends. */
const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export const NAMESPACE_RULE = 'lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters';
export const SERVICE_NAME_RULE = 'lowercase letters, digits and "-", starting with a letter and ending with a letter or digit, at most 63 characters';
export const PORT_NAME_RULE = 'lowercase letters, digits and "-" (at least one letter, no "--", not at the ends), at most 15 characters';
export const LABEL_RULE = 'a key of letters, digits, "-", "_", "." (an optional "prefix/"), a value of at most 63 letters, digits, "-", "_", "."';

export const isNamespaceName = (s: string): boolean => s.length <= 63 && DNS1123_LABEL.test(s);
export const isServiceName = (s: string): boolean => s.length <= 63 && DNS1035_LABEL.test(s);
export const isPortName = (s: string): boolean => s.length <= 15 && IANA_SVC_NAME.test(s) && /[a-z]/.test(s) && !s.includes('--');

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A label key: `app`, `k8s-app`, `app.kubernetes.io/name`. */
export function isLabelKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? null : key.slice(0, slash);
  if (prefix !== null && (prefix.length > 253 || !LABEL_PREFIX.test(prefix))) return false;
  return name.length <= 63 && LABEL_NAME.test(name);
}

/** A label value: empty, or at most 63 alphanumerics with '-', '_', '.' inside. */
export const isLabelValue = (value: string): boolean => value === '' || (value.length <= 63 && LABEL_NAME.test(value));

/** A DNS domain such as `cluster.local`: dot-separated RFC 1123 labels. */
export const isDomainName = (s: string): boolean => s.length <= 253 && s.split('.').every((label) => label.length <= 63 && DNS1123_LABEL.test(label));
