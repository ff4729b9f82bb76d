// The names kube-proxy gives its chains, so a lab's chain names equal a real
// cluster's for the same namespace/name/port (docs/networking.md, "kube-proxy,
// iptables mode" and "kube-proxy, nftables mode"; read from kube-proxy
// ~v1.33, pkg/proxy/iptables/proxier.go and pkg/proxy/nftables/proxier.go).
//
//   iptables: KUBE-{SVC,SVL,EXT,FW}-<base32(sha256(spn + proto))[:16]>
//             KUBE-SEP-<base32(sha256(spn + proto + "ip:port"))[:16]>
//   nftables: {service,local,external,firewall}-<hashAndTruncate("ns/name/proto/portName")>
//             endpoint-/affinity-<hashAndTruncate("ns/name/proto/portName__ip/port")>
//   hashAndTruncate(n) = base32(sha256(n))[:8] + "-" + n (cut to 240 chars with "...")
//
// `spn` (the ServicePortName string) is "<ns>/<name>" plus ":<portName>" when
// the port is named; `proto` is lowercase (tcp, udp).
import { sha256Base32 } from '../util/base32';

/** proxy.ServicePortName.String(): `default/web:http`, or `default/web` for an unnamed port. */
export function servicePortName(namespace: string, name: string, portName: string): string {
  return portName ? `${namespace}/${name}:${portName}` : `${namespace}/${name}`;
}

/** `ip:port` as Go's net.JoinHostPort writes an IPv4 endpoint. */
export const endpointString = (ip: string, port: number): string => `${ip}:${port}`;

/** kube-proxy's portProtoHash: the 16 characters every per-service iptables chain ends with. */
export function portProtoHash(spn: string, protocol: string): string {
  return sha256Base32(spn + protocol.toLowerCase()).slice(0, 16);
}

/** The per-service and per-endpoint iptables chains of one service port. */
export const iptablesChainNames = {
  svc: (spn: string, protocol: string) => `KUBE-SVC-${portProtoHash(spn, protocol)}`,
  svl: (spn: string, protocol: string) => `KUBE-SVL-${portProtoHash(spn, protocol)}`,
  ext: (spn: string, protocol: string) => `KUBE-EXT-${portProtoHash(spn, protocol)}`,
  fw: (spn: string, protocol: string) => `KUBE-FW-${portProtoHash(spn, protocol)}`,
  sep: (spn: string, protocol: string, endpoint: string) => `KUBE-SEP-${sha256Base32(spn + protocol.toLowerCase() + endpoint).slice(0, 16)}`,
};

/** knftables.NameLengthMax (256) minus kube-proxy's longest prefix (16). */
const NFT_CHAIN_NAME_BASE_MAX = 240;

/** kube-proxy's hashAndTruncate (nftables mode). */
export function hashAndTruncate(name: string): string {
  const hashed = `${sha256Base32(name).slice(0, 8)}-${name}`;
  return hashed.length > NFT_CHAIN_NAME_BASE_MAX ? `${hashed.slice(0, NFT_CHAIN_NAME_BASE_MAX - 3)}...` : hashed;
}

/** `ULMVA6XW-ns1/svc1/tcp/p80`: the base of a service port's nftables chains. */
export function nftServiceChainBase(namespace: string, name: string, protocol: string, portName: string): string {
  return hashAndTruncate(`${namespace}/${name}/${protocol.toLowerCase()}/${portName}`);
}

/** `5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80`: the base of an endpoint's chain and affinity set. */
export function nftEndpointChainBase(namespace: string, name: string, protocol: string, portName: string, ip: string, port: number): string {
  return hashAndTruncate(`${namespace}/${name}/${protocol.toLowerCase()}/${portName}__${ip.replaceAll(':', '.')}/${port}`);
}

export const nftChainNames = {
  service: (base: string) => `service-${base}`,
  local: (base: string) => `local-${base}`,
  external: (base: string) => `external-${base}`,
  firewall: (base: string) => `firewall-${base}`,
  endpoint: (base: string) => `endpoint-${base}`,
  affinity: (base: string) => `affinity-${base}`,
};
