// An in-memory PodnetApi for component tests: the renderer's own seam (the
// contract both transports implement), answering from scripted handlers and
// pushing events on demand. Docker, the engine and the transports are
// tested for real in the integration and e2e suites.
import { EventListeners } from '../../src/shared/event-listeners';
import { envelopeError, type EventMap, type EventName, type InvokeChannel, type PodnetApi, type Request, type Response } from '../../src/shared/ipc';
import type { SerializedError } from '../../src/shared/errors';

type Handler<C extends InvokeChannel> = (req: Request<C>) => Response<C> | Promise<Response<C>>;

export class ContractDouble implements PodnetApi {
  readonly calls: { channel: InvokeChannel; request: unknown }[] = [];
  private readonly listeners = new EventListeners();
  private readonly handlers = new Map<InvokeChannel, Handler<InvokeChannel>>();

  handle<C extends InvokeChannel>(channel: C, handler: Handler<C>): this {
    this.handlers.set(channel, handler as unknown as Handler<InvokeChannel>);
    return this;
  }

  async invoke<C extends InvokeChannel>(channel: C, request: Request<C>): Promise<Response<C>> {
    this.calls.push({ channel, request });
    const h = this.handlers.get(channel);
    // A channel the test did not script is a test that does not know what the component asks: fail loudly.
    if (!h) throw new Error(`ContractDouble: no handler for "${channel}" (request ${JSON.stringify(request)}); script it with .handle("${channel}", …)`);
    return (await h(request as never)) as Response<C>;
  }

  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    return this.listeners.on(event, listener);
  }

  emit<E extends EventName>(event: E, payload: EventMap[E]): void {
    this.listeners.emit(event, payload);
  }

  callsTo(channel: InvokeChannel): unknown[] {
    return this.calls.filter((c) => c.channel === channel).map((c) => c.request);
  }
}

export const apiError = (e: SerializedError) => envelopeError(e);
