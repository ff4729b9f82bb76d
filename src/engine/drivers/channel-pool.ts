// The warm script channels of a driver, one per lab host, closed together
// when their lab goes away.
import { ScriptChannel, type ChannelTransport } from './script-channel';

export class ChannelPool {
  private readonly channels = new Map<string, ScriptChannel>();

  get(lab: string, host: string, open: () => Promise<ChannelTransport>): ScriptChannel {
    const key = `${lab}/${host}`;
    let ch = this.channels.get(key);
    if (!ch) {
      ch = new ScriptChannel(open, key);
      this.channels.set(key, ch);
    }
    return ch;
  }

  closeLab(lab: string): void {
    for (const [key, ch] of this.channels) {
      if (key.startsWith(`${lab}/`)) {
        ch.close();
        this.channels.delete(key);
      }
    }
  }

  closeAll(): void {
    for (const ch of this.channels.values()) ch.close();
    this.channels.clear();
  }
}
