// Maps a field path (['network', 'leases', 'host1']) to a line and column of
// the lab file, using the yaml Document's node ranges and a LineCounter.
// Each mapping's keys are indexed once, on its first lookup, so locating
// every problem of a large file stays linear in its size.
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair, type YAMLMap } from 'yaml';
import type { FieldPath } from './field-path';

export interface SourcePosition {
  line: number;
  column: number;
}

export interface SourceLocator {
  /** Position of the value at `path`, or of its nearest existing ancestor. `key: true` points at the key instead. */
  locate(path: FieldPath, opts?: { key?: boolean }): SourcePosition;
}

/** The first pair of each scalar key (YAML keys are unique in a valid lab file). */
function indexKeys(map: YAMLMap): Map<string, Pair> {
  const index = new Map<string, Pair>();
  for (const pair of map.items) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    if (!index.has(key)) index.set(key, pair);
  }
  return index;
}

export function createSourceLocator(doc: Document, lineCounter: LineCounter): SourceLocator {
  const indexes = new WeakMap<YAMLMap, Map<string, Pair>>();
  const pairOf = (map: YAMLMap, key: string): Pair | undefined => {
    let index = indexes.get(map);
    if (!index) indexes.set(map, (index = indexKeys(map)));
    return index.get(key);
  };
  const pos = (offset: number | undefined): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return { line, column: col };
  };
  return {
    locate(path, opts = {}) {
      let node: unknown = doc.contents;
      let offset = (node as Node | null)?.range?.[0] ?? 0;
      for (let i = 0; i < path.length; i++) {
        const seg = path[i]!;
        const last = i === path.length - 1;
        if (isMap(node)) {
          const pair = pairOf(node, String(seg));
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
