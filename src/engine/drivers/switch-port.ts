import { createHash } from 'node:crypto';

/** A host's port on the lab's underlay switch (an interface name: at most 15 characters). */
export const switchPortName = (host: string) => (host.length <= 13 ? `u-${host}` : `u-${createHash('sha256').update(host).digest('hex').slice(0, 12)}`);
