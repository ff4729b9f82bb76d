// Maps a field path (['network', 'leases', 'host1']) to a line and column of
// the lab file, using the yaml Document's node ranges and a LineCounter.
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { FieldPath } from './field-path';

export interface SourcePosition {
  line: number;
  column: number;
}

export interface SourceLocator {
  /** Position of the value at `path`, or of its nearest existing ancestor. `key: true` points at the key instead. */
  locate(path: FieldPath, opts?: { key?: boolean }): SourcePosition;
}

export function createSourceLocator(doc: Document, lineCounter: LineCounter): SourceLocator {
  const pos = (offset: number | undefined): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { line, column: col };
  };
  return {
    locate(path, opts = {}) {
      let node: unknown = doc.contents;
      let offset = (node as Node | null)?.range?.[0] ?? 0;
      for (let i = 0; i < path.length; i++) {
        const seg = path[i];
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
          if (!pair) break;
          const keyNode = pair.key as Node;
          if (last && opts.key) return pos(keyNode.range?.[0]);
          node = pair.value;
          offset = (pair.value as Node | null)?.range?.[0] ?? keyNode.range?.[0] ?? offset;
        } else if (isSeq(node) && typeof seg === 'number') {
          const item = node.items[seg] as Node | undefined;
          if (!item) break;
          node = item;
          offset = item.range?.[0] ?? offset;
        } else {
          break;
        }
      }
      return pos(offset);
    },
  };
}
