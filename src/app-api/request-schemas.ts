// Every IPC argument is validated before a handler sees it: one zod schema
// per invoke channel, strict objects (unknown keys are refused).
import { z } from 'zod';
import type { InvokeChannel, Request } from '../shared/ipc';
import { NAME_PATTERN, NAME_RULE } from '../engine/spec/names';

const none = z.union([z.undefined(), z.null()]).transform(() => undefined);
const name = z.string().regex(NAME_PATTERN, `a name must ${NAME_RULE}`);
const target = z
  .string()
  .max(41)
  .refine((t) => t.split('/').length <= 2 && t.split('/').every((part) => NAME_PATTERN.test(part)), 'a target is a host (host1) or host/pod (host1/a)');
const opId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an operation id is 1–64 letters, digits, - or _');
const terminalId = z.string().regex(/^t[0-9a-f]{16}$/, 'not a terminal id');
const cols = z.number().int().min(2).max(1000);
const exerciseId = z.string().regex(/^(?:[a-z][a-z0-9-]{0,63}|[1-9][0-9]{0,2})$/, 'an exercise is named by its id (flannel-vxlan) or number (6)');
const captureId = opId;
/** Linux interface names (1–15 characters, not an option), or `any`. */
const iface = z.string().regex(/^(?!-)[A-Za-z0-9_.@:+-]{1,15}$/, 'not an interface name (e.g. eth0, cni0, flannel.1, any)');
const filter = z
  .string()
  .max(1000, 'a capture filter is at most 1000 characters')
  .regex(/^[^\x00-\x1f]*$/, 'a capture filter is one line without control characters');
const rows = z.number().int().min(1).max(500);
const MAX_LAB_FILE = 1024 * 1024;

const source = z.union([
  z.strictObject({ builtin: name }),
  z.strictObject({
    text: z.string().max(MAX_LAB_FILE, 'a lab file is at most 1 MiB'),
    file: z
      .string()
      .min(1)
      .max(255)
      .regex(/^[^\x00-\x1f]+$/, 'a file name has no control characters'),
  }),
]);

type Schemas = { [C in InvokeChannel]: z.ZodType<Request<C>, unknown> };

export const REQUEST_SCHEMAS: Schemas = {
  'app:ready': none,
  'labs:builtin': none,
  'labs:list': none,
  'labs:up': z.strictObject({ opId, source }),
  'labs:cancel': z.strictObject({ opId }),
  'labs:down': z.strictObject({ name }),
  'labs:repair': z.strictObject({ name }),
  'topology:watch': z.strictObject({ lab: name }),
  'topology:unwatch': z.strictObject({ lab: name }),
  'terminal:open': z.strictObject({ lab: name, target, cols, rows, ping: z.ipv4().optional() }),
  'terminal:input': z.strictObject({ id: terminalId, data: z.string().max(MAX_LAB_FILE) }),
  'terminal:resize': z.strictObject({ id: terminalId, cols, rows }),
  'terminal:ack': z.strictObject({ id: terminalId, chars: z.number().int().min(0).max(100_000_000) }),
  'terminal:close': z.strictObject({ id: terminalId }),
  'terminal:record': z.strictObject({ id: terminalId, on: z.boolean() }),
  'exercises:list': none,
  'exercises:get': z.strictObject({ id: exerciseId, lab: name.optional() }),
  'exercises:start': z.strictObject({ opId, id: exerciseId, lab: name.optional(), reset: z.boolean().optional() }),
  'exercises:check': z.strictObject({ id: exerciseId, lab: name.optional(), step: z.number().int().min(1).max(999).optional() }),
  'capture:start': z.strictObject({
    id: captureId,
    lab: name,
    target,
    iface,
    filter: filter.optional(),
    count: z.number().int().min(1).max(1_000_000).optional(),
  }),
  'capture:stop': z.strictObject({ id: captureId }),
  'capture:save': z.strictObject({ id: captureId }),
  'capture:discard': z.strictObject({ id: captureId }),
  'path:trace': z
    .strictObject({
      lab: name,
      from: target,
      to: z.union([target, z.ipv4()]),
      protocol: z.enum(['icmp', 'tcp', 'udp']).optional(),
      port: z.number().int().min(1).max(65535).optional(),
    })
    .refine((r) => (r.protocol ?? (r.port !== undefined ? 'tcp' : 'icmp')) === 'icmp' ? r.port === undefined : r.port !== undefined, {
      message: 'a TCP or UDP path needs a port (1–65535); a ping has none',
      path: ['port'],
    }),
};
