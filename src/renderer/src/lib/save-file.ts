// Saves a file the user keeps: a download in the browser (Electron asks
// where to put downloads).
function download(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
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

export function saveTextFile(name: string, content: string, type: string): void {
  download(name, new Blob([content], { type }));
}

/** Bytes that came over the contract as base64 (e.g. a .pcap). */
export function saveBase64File(name: string, base64: string, type: string): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  download(name, new Blob([bytes], { type }));
}

/** `host1/a` at a time → `flannel-vxlan-host1-a-20240501-1200`. */
export function recordingBaseName(lab: string, target: string, at = new Date()): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 13);
  return `${lab}-${target.replaceAll('/', '-')}-${stamp}`;
}
