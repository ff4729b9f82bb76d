// Saves text as a file the user keeps: a download in the browser, a save
// dialog in the desktop app (Electron asks where to put downloads).
export function saveTextFile(name: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `host1/a` at a time → `flannel-vxlan-host1-a-20240501-1200`. */
export function recordingBaseName(lab: string, target: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
  return `${lab}-${target.replaceAll('/', '-')}-${stamp}`;
}
