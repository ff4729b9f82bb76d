// The lab shown in the topology and its latest OBSERVED snapshot, replaced
// wholesale whenever the engine pushes a higher revision.
import type { PodnetApi } from '../../../shared/ipc';
import type { Snapshot } from '../../../shared/snapshot';
import { errorMessage } from '../lib/error-info';
import { countServices, MANY_SERVICES } from './cluster-services';
import { buildTopologyGraph, type TopologyGraph } from './topology-graph';
import type { Selection } from './selection';

export class TopologyStore {
  lab = $state<string | null>(null);
  snapshot = $state.raw<Snapshot | null>(null);
  error = $state<string | null>(null);
  selection = $state<Selection | null>(null);
  /** The Legend's switch as the user set it (null: untouched). */
  private servicesChoice = $state<boolean | null>(null);
  /** How many Services the hosts' kube-proxy rules hold (null: none has them). */
  readonly serviceCount: number | null = $derived(this.snapshot ? countServices(this.snapshot) : null);
  /** Draw kube-proxy's Services: as switched in the Legend; untouched, when there are not too many to read. */
  get showServices(): boolean {
    return this.servicesChoice ?? (this.serviceCount ?? 0) <= MANY_SERVICES;
  }
  set showServices(on: boolean) {
    this.servicesChoice = on;
  }
  readonly graph: TopologyGraph | null = $derived(this.snapshot ? buildTopologyGraph(this.snapshot, { services: this.showServices }) : null);
  private readonly off: (() => void)[] = [];

  constructor(private readonly api: PodnetApi) {
    this.off.push(
      api.on('topology:snapshot', ({ lab, snapshot }) => {
        // One watcher per lab pushes rising revisions; a re-created lab starts again at 1.
        if (lab !== this.lab) return;
        this.snapshot = snapshot;
        this.error = null;
      }),
      api.on('topology:error', ({ lab, message }) => {
        if (lab === this.lab) this.error = message;
      }),
    );
  }

  /** Shows a lab (null: none); watching it live until another is shown. `again`: watch it afresh (it was rebuilt). */
  async show(lab: string | null, again = false): Promise<void> {
    if (lab === this.lab && !again) return;
    const previous = this.lab;
    this.lab = lab;
    this.snapshot = null;
    this.selection = null;
    this.error = null;
    if (previous) await this.api.invoke('topology:unwatch', { lab: previous }).catch(() => undefined);
    if (lab) await this.api.invoke('topology:watch', { lab }).catch((e: unknown) => (this.error = errorMessage(e)));
  }

  /** The lab went away (stopped): forget it without asking the engine. */
  forget(lab: string): void {
    if (this.lab !== lab) return;
    this.lab = null;
    this.snapshot = null;
    this.selection = null;
  }

  dispose(): void {
    for (const f of this.off) f();
  }
}
