// A capture on an interface of a target (or of a node a path crosses, such
// as the underlay switch): tcpdump started there, packets decoded as they
// come, VXLAN recognised on the lab's own port too.
import type { CaptureListener, CaptureRequest } from '../../shared/capture';
import { startCaptureSession, type CaptureSession } from '../capture/capture-session';
import { DEFAULT_VXLAN_PORTS } from '../capture/decode-packet';
import type { LabSpec } from '../spec/lab-spec';
import { formatTarget } from '../targets';
import { spawnIn, type LabTarget } from './lab-target';

export function captureIn(t: LabTarget, request: CaptureRequest, listener?: CaptureListener): Promise<CaptureSession> {
  return startCaptureSession({
    lab: t.lab,
    target: formatTarget(t.target),
    iface: request.iface,
    filter: request.filter ?? null,
    count: request.count ?? null,
    ...(listener ? { listener } : {}),
    vxlanPorts: vxlanPortsOf(t.spec),
    spawn: (argv, o) => spawnIn(t, argv, o),
  });
}

/** The UDP ports VXLAN is decoded on: the well-known ones and the lab's. */
export function vxlanPortsOf(spec: LabSpec | null): number[] {
  return [...new Set([...DEFAULT_VXLAN_PORTS, ...(spec ? [spec.network.vxlan.port] : [])])];
}
