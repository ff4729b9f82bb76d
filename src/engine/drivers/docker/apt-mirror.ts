// Finds the Debian mirror and release this machine's apt uses, for the
// offline image build (debootstrap from the same mirror apt already reaches).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AptMirror {
  uri: string;
  suite: string;
}

/** Parses deb822 `.sources` text and one-line `sources.list` text. */
export function parseAptSources(texts: string[]): AptMirror[] {
  const found: AptMirror[] = [];
  for (const text of texts) {
    for (const stanza of text.split(/\n\s*\n/)) {
      const fields = new Map<string, string>();
      for (const line of stanza.split('\n')) {
        const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line.trim());
        if (m) fields.set(m[1]!.toLowerCase(), m[2]!);
      }
      if (fields.has('uris') && (fields.get('types') ?? 'deb').split(/\s+/).includes('deb')) {
        const uri = fields.get('uris')!.split(/\s+/)[0]!;
        for (const suite of (fields.get('suites') ?? '').split(/\s+/).filter(Boolean)) found.push({ uri, suite });
      }
    }
    for (const line of text.split('\n')) {
      const m = /^\s*deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)/.exec(line);
      if (m) found.push({ uri: m[1]!, suite: m[2]! });
    }
  }
  return found;
}

const DEBIAN_SUITES = /^(bookworm|trixie|bullseye|stable|testing)$/;

/** The mirror for the base system: a plain Debian suite (not -security, -updates or a third-party repo). */
export function pickDebianMirror(mirrors: AptMirror[]): AptMirror | null {
  return mirrors.find((m) => DEBIAN_SUITES.test(m.suite) && /debian/.test(m.uri)) ?? null;
}

export function readAptSources(root = '/etc/apt'): string[] {
  const texts: string[] = [];
  const read = (p: string) => {
    try {
      texts.push(readFileSync(p, 'utf8'));
    } catch {
      /* missing: fine */
    }
  };
  read(join(root, 'sources.list'));
  try {
    for (const f of readdirSync(join(root, 'sources.list.d'))) if (/\.(list|sources)$/.test(f)) read(join(root, 'sources.list.d', f));
  } catch {
    /* no folder */
  }
  return texts;
}
