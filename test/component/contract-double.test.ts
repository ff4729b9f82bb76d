// The component tests' API double answers only what a test scripted: a
// channel without a handler fails the test instead of answering undefined.
import { describe, expect, it } from 'vitest';
import { ContractDouble } from './contract-double';

describe('ContractDouble', () => {
  it('rejects a call on a channel the test did not script, naming it', async () => {
    const api = new ContractDouble();
    await expect(api.invoke('labs:list', {} as never)).rejects.toThrow(/no handler for "labs:list"/);
  });

  it('answers from the scripted handler and records the call', async () => {
    const api = new ContractDouble().handle('labs:list', () => ({ ok: true, value: [] }) as never);
    await expect(api.invoke('labs:list', {} as never)).resolves.toEqual({ ok: true, value: [] });
    expect(api.callsTo('labs:list')).toEqual([{}]);
  });
});
