// Light or dark, following the operating system (prefers-color-scheme).
export class ColorScheme {
  current = $state<'light' | 'dark'>('light');
  private readonly query: MediaQueryList | null;
  private readonly update = () => {
    this.current = this.query?.matches ? 'dark' : 'light';
  };

  constructor(win: Window = window) {
    this.query = typeof win.matchMedia === 'function' ? win.matchMedia('(prefers-color-scheme: dark)') : null;
    this.update();
    this.query?.addEventListener('change', this.update);
  }

  dispose(): void {
    this.query?.removeEventListener('change', this.update);
  }
}
