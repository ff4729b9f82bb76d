// Keys written twice in one mapping of a lab file, found in one pass over
// the document (yaml's own check compares every key with every earlier one of
// its mapping: quadratic in the size of a mapping).
import { isMap, isScalar, isSeq, type Document } from 'yaml';

/** Keys written twice in one mapping, where the second one is. One pass over the document. */
export function duplicateKeys(doc: Document): { key: string; offset: number }[] {
  const found: { key: string; offset: number }[] = [];
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        if (isScalar(pair.key)) {
          const key = String(pair.key.value);
          if (seen.has(key)) found.push({ key, offset: pair.key.range?.[0] ?? 0 });
          else seen.add(key);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return found;
}
