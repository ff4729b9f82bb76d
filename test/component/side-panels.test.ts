// Side panels: on a narrow window only one is open at a time (the drawing
// keeps its width); on a wide one both may be, and each folds by hand.
import { describe, expect, it } from 'vitest';
import { SidePanels } from '../../src/renderer/src/lib/side-panels.svelte';

describe('SidePanels', () => {
  it('at 1280 px: the left panel open, the right folded; opening one folds the other', () => {
    const p = new SidePanels(1280);
    expect([p.narrow, p.leftOpen, p.rightOpen]).toEqual([true, true, false]);
    p.open('right');
    expect([p.leftOpen, p.rightOpen]).toEqual([false, true]);
    p.open('left');
    expect([p.leftOpen, p.rightOpen]).toEqual([true, false]);
  });

  it('at 1920 px both are open, each folds and opens on its own; narrowing the window folds the right one', () => {
    const p = new SidePanels(1920);
    expect([p.narrow, p.leftOpen, p.rightOpen]).toEqual([false, true, true]);
    p.fold('left');
    p.open('right');
    expect([p.leftOpen, p.rightOpen]).toEqual([false, true]);
    p.open('left');
    expect([p.leftOpen, p.rightOpen]).toEqual([true, true]);
    p.setWidth(1300);
    expect([p.narrow, p.leftOpen, p.rightOpen]).toEqual([true, true, false]);
    p.setWidth(1600);
    expect([p.narrow, p.leftOpen, p.rightOpen]).toEqual([false, true, false]);
  });
});
