import type { DriverRegistry } from '../drivers/driver-registry';
import type { LabLocks } from '../registry/lab-locks';

/** What the lifecycle use cases (up, down, repair, gc, list) work with: one engine's drivers and this user's locks. */
export interface LifecycleContext {
  drivers: DriverRegistry;
  locks: LabLocks;
}
