// A Writable that keeps what is written (for an exec's result) and hands
// each chunk to a listener as it comes.
import { Writable } from 'node:stream';

export interface CollectingStream extends Writable {
  /** Everything written so far, as UTF-8 text. */
  text(): string;
}

export function collectingStream(onChunk?: (chunk: Buffer) => void): CollectingStream {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      onChunk?.(chunk);
      done();
    },
  }) as CollectingStream;
  stream.text = () => Buffer.concat(chunks).toString('utf8');
  return stream;
}
