/**
 * Timeline input as data: key and wheel events become commands through one table (the keymap), with no DOM
 * and no store, so that the bindings are unit-tested in Node. `use-timeline-canvas.ts` only wires the events
 * in and runs the commands against the view store.
 */
import type { WalkDirection } from '../../layout/lanes/index';

/** Keys that move the view while held (Perfetto / Trace Compass: W/S zoom, A/D pan). */
export type HoldKey = 'w' | 'a' | 's' | 'd';

export type Command =
  /** Start moving while the key is held; a tap moves one step right away. */
  | { type: 'hold'; key: HoldKey }
  | { type: 'showAll' }
  /** Zoom to the selected range, else to the selected item. */
  | { type: 'zoomToSelection' }
  | { type: 'clearSelection' }
  /** Walk the selected thread's stack / lane (starts at its first item in view when only a thread is selected). */
  | { type: 'walk'; direction: WalkDirection }
  /** Zoom by `factor` (< 1 zooms in) around the pointer (the middle of the view when not over it). */
  | { type: 'zoomAtPointer'; factor: number }
  /** Pan by a distance in content px (positive: later times). */
  | { type: 'panPx'; dxPx: number }
  /** Open the list of these key bindings (ShortcutsDialog, generated from KEYMAP). */
  | { type: 'showShortcuts' };

export interface KeyBinding {
  key: string;
  command: Command;
  /** 'always': the browser never sees the key; 'ifHandled': only when the command did something (arrows scroll otherwise). */
  preventDefault: 'always' | 'ifHandled' | 'never';
  help: string;
}

export const KEYMAP: readonly KeyBinding[] = [
  { key: 'w', command: { type: 'hold', key: 'w' }, preventDefault: 'always', help: 'zoom in around the pointer' },
  { key: 's', command: { type: 'hold', key: 's' }, preventDefault: 'always', help: 'zoom out around the pointer' },
  { key: 'a', command: { type: 'hold', key: 'a' }, preventDefault: 'always', help: 'pan to earlier times' },
  { key: 'd', command: { type: 'hold', key: 'd' }, preventDefault: 'always', help: 'pan to later times' },
  { key: '0', command: { type: 'showAll' }, preventDefault: 'never', help: 'show the whole trace' },
  { key: 'z', command: { type: 'zoomToSelection' }, preventDefault: 'never', help: 'zoom to the selection' },
  { key: 'Escape', command: { type: 'clearSelection' }, preventDefault: 'never', help: 'clear the selection' },
  {
    key: 'ArrowLeft',
    command: { type: 'walk', direction: 'left' },
    preventDefault: 'ifHandled',
    help: 'previous item',
  },
  { key: 'ArrowRight', command: { type: 'walk', direction: 'right' }, preventDefault: 'ifHandled', help: 'next item' },
  { key: 'ArrowUp', command: { type: 'walk', direction: 'up' }, preventDefault: 'ifHandled', help: 'caller' },
  { key: 'ArrowDown', command: { type: 'walk', direction: 'down' }, preventDefault: 'ifHandled', help: 'first callee' },
  { key: '?', command: { type: 'showShortcuts' }, preventDefault: 'always', help: 'show these keyboard shortcuts' },
];

const KEY_NAMES: Record<string, string> = {
  Escape: 'Esc',
  ArrowLeft: '←',
  ArrowRight: '→',
  ArrowUp: '↑',
  ArrowDown: '↓',
};

/** How a binding's key is written for the user ('w' → 'W', 'ArrowLeft' → '←'). */
export function keyLabel(key: string): string {
  return KEY_NAMES[key] ?? (key.length === 1 ? key.toUpperCase() : key);
}

/** The event the timeline sends for 'showShortcuts' (the dialog listens; the canvas hook has no React state). */
export const SHOW_SHORTCUTS_EVENT = 'strata-show-shortcuts';

const byKey = new Map(KEYMAP.map((b) => [b.key, b]));

/** What the keymap needs of a KeyboardEvent (`typing`: the target is a text field). */
export interface KeyInput {
  key: string;
  repeat: boolean;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  typing: boolean;
}

/** The binding of a key press, or null (typing in a field, with a modifier, or an unbound key). */
export function keyBinding(e: KeyInput): KeyBinding | null {
  if (e.typing || e.altKey || e.ctrlKey || e.metaKey) return null;
  return byKey.get(e.key.length === 1 ? e.key.toLowerCase() : e.key) ?? null;
}

/**
 * Whether a press of a hold key starts a hold: not the OS's auto-repeats of a key already held (holding moves
 * smoothly; repeats must not add steps).
 */
export function startsHold(e: KeyInput, held: ReadonlySet<string>): boolean {
  return !e.repeat && !held.has(releasedKey(e.key));
}

/** The key a key-up releases (held keys are stored lower-case). */
export function releasedKey(key: string): string {
  return key.toLowerCase();
}

/** Zoom per second while W/S is held: 8x. Pan per second while A/D is held: one screen. */
export const ZOOM_PER_SEC = Math.log(8);
export const PAN_SCREENS_PER_SEC = 1;
/** One tap: zoom by 0.8 / 1.25, pan by a tenth of the screen. */
export const TAP_ZOOM = 0.8;
export const TAP_PAN_SCREENS = 0.1;

export interface Motion {
  /** Zoom factor around the anchor (1: none). */
  zoomFactor: number;
  /** Pan, in fractions of the visible span (positive: later times). */
  panScreens: number;
}

/** The first step of a tap on a hold key. */
export function tapMotion(key: HoldKey): Motion {
  if (key === 'w') return { zoomFactor: TAP_ZOOM, panScreens: 0 };
  if (key === 's') return { zoomFactor: 1 / TAP_ZOOM, panScreens: 0 };
  return { zoomFactor: 1, panScreens: key === 'a' ? -TAP_PAN_SCREENS : TAP_PAN_SCREENS };
}

/** Movement over `dtMs` of animation with `held` keys down (opposite keys cancel out). */
export function heldMotion(held: ReadonlySet<string>, dtMs: number): Motion {
  const sec = dtMs / 1000;
  let zoomLog = 0;
  let panScreens = 0;
  if (held.has('w')) zoomLog -= ZOOM_PER_SEC * sec;
  if (held.has('s')) zoomLog += ZOOM_PER_SEC * sec;
  if (held.has('a')) panScreens -= PAN_SCREENS_PER_SEC * sec;
  if (held.has('d')) panScreens += PAN_SCREENS_PER_SEC * sec;
  return { zoomFactor: Math.exp(zoomLog), panScreens };
}

/** What the keymap needs of a WheelEvent. */
export interface WheelInput {
  deltaX: number;
  deltaY: number;
  /** 0: pixels, 1: lines, 2: pages. */
  deltaMode: number;
  ctrlKey: boolean;
  metaKey: boolean;
}

/** Ctrl/Cmd+wheel zooms around the pointer; a horizontal wheel pans; a plain vertical wheel is the browser's (it scrolls the rows). */
export function wheelCommand(e: WheelInput, pagePx: number): Command | null {
  const unitPx = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? pagePx : 1;
  if (e.ctrlKey || e.metaKey) return { type: 'zoomAtPointer', factor: Math.exp(e.deltaY * unitPx * 0.002) };
  if (Math.abs(e.deltaX) > Math.abs(e.deltaY)) return { type: 'panPx', dxPx: e.deltaX * unitPx };
  return null;
}
