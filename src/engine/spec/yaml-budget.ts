// A lab file's size in YAML terms, checked with yaml's lexer before the file
// is parsed: building a document of 100,000 values or brackets nested
// 100,000 deep takes seconds (and yaml's composer recursion gives up), while
// the largest lab there can be (200 hosts, 1000 pods, 500 published ports,
// every field written out) has about 15,000 values and nests a few levels.
import { CST, Lexer } from 'yaml';

export const MAX_YAML_VALUES = 20_000;
export const MAX_YAML_NESTING = 64;
/** Block nesting is indentation: no lab file is indented this far. */
export const MAX_YAML_INDENT = 128;

export interface BudgetProblem {
  /** Where in the text it was exceeded. */
  offset: number;
  message: string;
  hint: string;
}

const SIZE_HINT = 'a lab file describes at most 200 hosts, 1000 pods and 500 published ports (README § Limits); is this the right file?';

/** Zero-width tokens the lexer emits in front of documents, scalars and flow ends. */
const MARKERS = new Set([CST.DOCUMENT, CST.SCALAR, CST.FLOW_END]);

export function yamlBudgetProblem(text: string): BudgetProblem | null {
  let offset = 0;
  let values = 0;
  let nesting = 0;
  let lineStart = true;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    switch (type) {
      case 'scalar':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar-header':
        if (++values > MAX_YAML_VALUES) return { offset, message: `the file has more than ${MAX_YAML_VALUES.toLocaleString('en-US')} values`, hint: SIZE_HINT };
        break;
      case 'flow-map-start':
      case 'flow-seq-start':
        if (++nesting > MAX_YAML_NESTING) return { offset, message: `brackets are nested more than ${MAX_YAML_NESTING} deep`, hint: SIZE_HINT };
        break;
      case 'flow-map-end':
      case 'flow-seq-end':
        nesting = Math.max(0, nesting - 1);
        break;
      case 'space':
        if (lineStart && token.length > MAX_YAML_INDENT) return { offset, message: `a line is indented more than ${MAX_YAML_INDENT} columns`, hint: SIZE_HINT };
        break;
    }
    lineStart = type === 'newline';
    if (!MARKERS.has(token)) offset += token.length;
  }
  return null;
}
