// The drivers of one engine: each registered by its definition, made when a
// lab first needs it (one per instance: a remote engine is an instance of
// the docker driver), and where each lab is. A name is one lab, whatever
// runs it: labs are looked for in every place a driver can hold one, in the
// order the drivers were registered.
import { join } from 'node:path';
import { ERROR_CODES } from '../../shared/errors';
import type { DriverKind, LabSummary } from '../../shared/lab';
import { PodnetError } from '../errors';
import { LabRegistry } from '../registry/lab-registry';
import type { DriverRules } from '../spec/driver-traits';
import type { LabSpec } from '../spec/lab-spec';
import { driverRules, type DriverCapabilities, type DriverDefinition, type DriverDeps, type DriverOptions } from './driver-definition';
import type { GcResult, HostDriver } from './host-driver';
import { KnownHosts } from './ssh/known-hosts';

export interface LocatedLab {
  driver: HostDriver;
  summary: LabSummary;
}

/** A lab of the name that `up` wants: its status, and whether another driver than the one about to build it holds it. */
export interface ExistingLab {
  summary: Pick<LabSummary, 'name' | 'status' | 'owner' | 'driver'>;
  elsewhere: boolean;
}

interface Place {
  definition: DriverDefinition;
  instance: string | null;
}

const placeKey = (kind: DriverKind, instance: string | null) => (instance ? `${kind}:${instance}` : kind);

export class DriverRegistry {
  /** This user's index of labs kept elsewhere than this machine (SSH machines, remote engines). */
  readonly records: LabRegistry;
  private readonly definitions = new Map<DriverKind, DriverDefinition>();
  private readonly made = new Map<string, Promise<HostDriver>>();
  private readonly releases: (() => void)[] = [];
  private readonly deps: DriverDeps;

  constructor(options: DriverOptions, definitions: readonly DriverDefinition[]) {
    this.records = new LabRegistry(options.stateDir);
    this.deps = { options, registry: this.records, knownHosts: new KnownHosts(join(options.stateDir, 'known_hosts')), onDispose: (release) => void this.releases.push(release) };
    for (const d of definitions) this.register(d);
  }

  register(definition: DriverDefinition): void {
    this.definitions.set(definition.kind, definition);
  }

  definitionOf(kind: DriverKind): DriverDefinition {
    const d = this.definitions.get(kind);
    if (!d) throw new PodnetError(ERROR_CODES.USAGE, `unknown driver "${kind}"`, { hint: `drivers: ${[...this.definitions.keys()].join(', ')}` });
    return d;
  }

  /** What checking a lab file needs to know about the drivers. */
  get rules(): DriverRules {
    return driverRules([...this.definitions.values()]);
  }

  forSpec(spec: Pick<LabSpec, 'driver' | 'engine'>): Promise<HostDriver> {
    return this.instance(spec.driver, this.definitionOf(spec.driver).instanceOf(spec));
  }

  /** The default instance of the first driver that can do this (null: none can). */
  async withCapability(capability: keyof DriverCapabilities): Promise<HostDriver | null> {
    const d = [...this.definitions.values()].find((x) => x.capabilities[capability] && x.available());
    return d ? this.instance(d.kind, null) : null;
  }

  /** Every lab, wherever it runs (`health`: see HostDriver.list). Places that cannot be reached are reported, not thrown. */
  async list(opts: { health?: boolean } = {}): Promise<{ labs: LocatedLab[]; unreachable: unknown[] }> {
    const unreachable: unknown[] = [];
    const found: LocatedLab[] = [];
    for (const place of await this.places()) {
      try {
        const driver = await this.reached(place);
        for (const summary of await driver.list(opts)) if (!found.some((f) => f.summary.name === summary.name)) found.push({ driver, summary });
      } catch (e) {
        unreachable.push(e);
      }
    }
    found.sort((a, b) => a.summary.name.localeCompare(b.summary.name));
    return { labs: found, unreachable };
  }

  /** The lab of this name, if there is one anywhere: the driver about to build it is asked first. */
  async existing(lab: string, building: HostDriver): Promise<ExistingLab | null> {
    const here = (await building.list()).find((l) => l.name === lab);
    if (here) return { summary: here, elsewhere: false };
    const buildingKey = await this.keyOf(building);
    const entry = await this.records.get(lab);
    if (entry && placeKey(entry.driver, entry.engine) !== buildingKey) return { summary: { name: lab, status: entry.status, owner: entry.owner ?? null, driver: entry.driver }, elsewhere: true };
    for (const { definition, instance } of await this.places()) {
      if (instance !== null || placeKey(definition.kind, null) === buildingKey) continue;
      const probed = definition.probe ? await definition.probe(lab, this.deps) : null;
      if (probed === false) continue;
      if (probed === true) return { summary: { name: lab, status: 'running', owner: null, driver: definition.kind }, elsewhere: true };
      try {
        const summary = (await (await this.instance(definition.kind, null)).list()).find((l) => l.name === lab);
        if (summary) return { summary, elsewhere: true };
      } catch {
        // A place that cannot be reached holds no lab anyone could use now.
      }
    }
    return null;
  }

  /** The driver holding a lab, or LAB_NOT_FOUND. */
  async locate(lab: string): Promise<LocatedLab> {
    const find = async (driver: HostDriver) => {
      const summary = (await driver.list()).find((l) => l.name === lab);
      return summary ? { driver, summary } : null;
    };
    // A recorded lab is where the record says: if that place cannot be reached, that is the answer.
    const entry = await this.records.get(lab);
    if (entry) {
      const driver = await this.instance(entry.driver, entry.engine);
      await driver.preflight();
      const found = await find(driver);
      if (found) return found;
    }
    let trouble = '';
    for (const { definition, instance } of await this.places()) {
      if (instance !== null) continue;
      try {
        const found = await find(await this.reached({ definition, instance }));
        if (found) return found;
      } catch (e) {
        trouble = ` (and ${e instanceof Error ? e.message : String(e)})`;
      }
    }
    throw new PodnetError(ERROR_CODES.LAB_NOT_FOUND, `no lab named "${lab}" is running${trouble}`, { hint: 'see `podnet ls`, or start it with `podnet up <lab.yaml>`' });
  }

  /** Garbage collection in every place labs can be. */
  async collectGarbage(): Promise<GcResult & { unreachable: unknown[] }> {
    const out = { removed: [] as string[], kept: [] as LabSummary[], unreachable: [] as unknown[] };
    for (const place of await this.places()) {
      try {
        const r = await (await this.reached(place)).collectGarbage();
        out.removed.push(...r.removed);
        out.kept.push(...r.kept);
      } catch (e) {
        out.unreachable.push(e);
      }
    }
    return out;
  }

  async dispose(): Promise<void> {
    const made = await Promise.allSettled(this.made.values());
    for (const d of made) if (d.status === 'fulfilled') await d.value.dispose();
    this.made.clear();
    for (const release of this.releases.splice(0)) release();
  }

  private instance(kind: DriverKind, instance: string | null): Promise<HostDriver> {
    const key = placeKey(kind, instance);
    let d = this.made.get(key);
    if (!d) {
      d = this.definitionOf(kind).create(this.deps, instance);
      this.made.set(key, d);
      d.catch(() => this.made.delete(key));
    }
    return d;
  }

  /** The driver of a place, reached first where its labs are kept by a service that may be away. */
  private async reached(place: Place): Promise<HostDriver> {
    const driver = await this.instance(place.definition.kind, place.instance);
    if (place.definition.reachFirst) await driver.preflight();
    return driver;
  }

  private async keyOf(driver: HostDriver): Promise<string | null> {
    for (const [key, d] of this.made) if ((await d.catch(() => null)) === driver) return key;
    return null;
  }

  /** Every place labs can be: each available driver's instances this user recorded labs on, then its default one. */
  private async places(): Promise<Place[]> {
    const records = await this.records.all();
    const out: Place[] = [];
    for (const definition of this.definitions.values()) {
      if (!definition.available()) continue;
      const recorded = [...new Set(records.filter((r) => r.driver === definition.kind && r.engine).map((r) => r.engine!))];
      for (const instance of recorded) out.push({ definition, instance });
      out.push({ definition, instance: null });
    }
    return out;
  }
}
