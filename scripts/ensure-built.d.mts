export function ensureBuilt(what: 'cli' | 'app'): void;
