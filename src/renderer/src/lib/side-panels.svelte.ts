// Which side panels are open. On a narrow window (below 1500 px) only one of
// them is open at a time — the other folds into a rail of its tabs — so the
// drawing between them keeps a width where its labels can be read. On a wide
// window both may be open; each can still be folded by hand.
export const NARROW_BELOW_PX = 1500;

export type Side = 'left' | 'right';

export class SidePanels {
  leftOpen = $state(true);
  rightOpen = $state(true);
  narrow = $state(false);

  constructor(width: number) {
    this.setWidth(width);
  }

  /** The window's width changed: on becoming narrow, the right panel folds (the left one holds labs and exercises). */
  setWidth(width: number): void {
    const narrow = width < NARROW_BELOW_PX;
    if (narrow && !this.narrow && this.leftOpen && this.rightOpen) this.rightOpen = false;
    this.narrow = narrow;
  }

  open(side: Side): void {
    if (side === 'left') this.leftOpen = true;
    else this.rightOpen = true;
    if (this.narrow) {
      if (side === 'left') this.rightOpen = false;
      else this.leftOpen = false;
    }
  }

  fold(side: Side): void {
    if (side === 'left') this.leftOpen = false;
    else this.rightOpen = false;
  }
}
