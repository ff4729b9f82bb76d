// One call through the contract, whatever the transport: check the channel,
// validate the argument, run the handler, wrap the outcome in the envelope.
import { z } from 'zod';
import { ERROR_CODES } from '../shared/errors';
import { isInvokeChannel, type InvokeChannel, type IpcResult, type Request, type Response } from '../shared/ipc';
import { serializeError } from '../engine/errors';
import { REQUEST_SCHEMAS } from './request-schemas';

export type Handlers = { [C in InvokeChannel]: (request: Request<C>) => Promise<Response<C>> };

export async function dispatch(handlers: Handlers, channel: unknown, request: unknown): Promise<IpcResult<unknown>> {
  if (!isInvokeChannel(channel)) {
    return { ok: false, error: { code: ERROR_CODES.USAGE, message: `unknown channel ${JSON.stringify(String(channel)).slice(0, 80)}` } };
  }
  const parsed = REQUEST_SCHEMAS[channel].safeParse(request);
  if (!parsed.success) {
    return { ok: false, error: { code: ERROR_CODES.USAGE, message: `invalid request for ${channel}: ${z.prettifyError(parsed.error)}` } };
  }
  try {
    const handler = handlers[channel] as (r: unknown) => Promise<unknown>;
    return { ok: true, value: await handler(parsed.data) };
  } catch (e) {
    return { ok: false, error: serializeError(e) };
  }
}
