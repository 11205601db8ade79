import { describe, expect, it } from 'vitest';
import {
  heldMotion,
  KEYMAP,
  keyBinding,
  keyLabel,
  releasedKey,
  startsHold,
  tapMotion,
  wheelCommand,
  type KeyInput,
} from './keymap';

const key = (k: string, more: Partial<KeyInput> = {}): KeyInput => ({
  key: k,
  repeat: false,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  typing: false,
  ...more,
});

describe('keymap', () => {
  it('? (Shift+/ on most layouts) opens the shortcuts; keys are written as the user reads them', () => {
    expect(keyBinding(key('?'))?.command).toEqual({ type: 'showShortcuts' });
    expect(keyBinding(key('?', { typing: true }))).toBeNull();
    expect(KEYMAP.map((b) => keyLabel(b.key))).toEqual(['W', 'S', 'A', 'D', '0', 'Z', 'Esc', '←', '→', '↑', '↓', '?']);
  });

  it('binds each key once', () => {
    const keys = KEYMAP.map((b) => b.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('maps W/A/S/D (either case) to holds the browser never sees, and 0, Z, Escape, arrows to their commands', () => {
    expect(keyBinding(key('w'))).toMatchObject({ command: { type: 'hold', key: 'w' }, preventDefault: 'always' });
    expect(keyBinding(key('D'))).toMatchObject({ command: { type: 'hold', key: 'd' } });
    expect(keyBinding(key('0'))?.command).toEqual({ type: 'showAll' });
    expect(keyBinding(key('Z'))?.command).toEqual({ type: 'zoomToSelection' });
    expect(keyBinding(key('Escape'))?.command).toEqual({ type: 'clearSelection' });
    // Arrows scroll the page unless they walked a selection.
    expect(keyBinding(key('ArrowUp'))).toMatchObject({
      command: { type: 'walk', direction: 'up' },
      preventDefault: 'ifHandled',
    });
    expect(keyBinding(key('ArrowLeft'))?.command).toEqual({ type: 'walk', direction: 'left' });
  });

  it('leaves keys alone while typing in a field, with a modifier, or unbound', () => {
    expect(keyBinding(key('w', { typing: true }))).toBeNull();
    expect(keyBinding(key('w', { ctrlKey: true }))).toBeNull();
    expect(keyBinding(key('z', { metaKey: true }))).toBeNull();
    expect(keyBinding(key('0', { altKey: true }))).toBeNull();
    expect(keyBinding(key('q'))).toBeNull();
    expect(keyBinding(key('ArrowLeft', { typing: true }))).toBeNull();
  });

  it('starts a hold once: auto-repeats and a second press of a held key add no step', () => {
    expect(startsHold(key('w'), new Set())).toBe(true);
    expect(startsHold(key('w', { repeat: true }), new Set())).toBe(false);
    expect(startsHold(key('W'), new Set(['w']))).toBe(false);
    expect(releasedKey('W')).toBe('w');
  });

  it('moves one step per tap and smoothly while held; opposite keys cancel', () => {
    expect(tapMotion('w').zoomFactor).toBeLessThan(1);
    expect(tapMotion('s').zoomFactor).toBeGreaterThan(1);
    expect(tapMotion('a')).toEqual({ zoomFactor: 1, panScreens: -0.1 });
    expect(tapMotion('d')).toEqual({ zoomFactor: 1, panScreens: 0.1 });
    // W held for one second zooms in 8x; D held pans one screen.
    expect(heldMotion(new Set(['w']), 1000).zoomFactor).toBeCloseTo(1 / 8, 10);
    expect(heldMotion(new Set(['d']), 500).panScreens).toBeCloseTo(0.5, 10);
    expect(heldMotion(new Set(['w', 's', 'a', 'd']), 100)).toEqual({ zoomFactor: 1, panScreens: 0 });
  });

  it('turns Ctrl/Cmd+wheel into a zoom at the pointer, a horizontal wheel into a pan, and leaves the vertical wheel to scrolling', () => {
    const wheel = { deltaX: 0, deltaY: 100, deltaMode: 0, ctrlKey: true, metaKey: false };
    const zoomOut = wheelCommand(wheel, 600);
    expect(zoomOut?.type).toBe('zoomAtPointer');
    expect(zoomOut?.type === 'zoomAtPointer' && zoomOut.factor).toBeGreaterThan(1);
    const zoomIn = wheelCommand({ ...wheel, deltaY: -100, ctrlKey: false, metaKey: true }, 600);
    expect(zoomIn?.type === 'zoomAtPointer' && zoomIn.factor).toBeLessThan(1);
    // Line mode: 3 lines are 48 px.
    expect(wheelCommand({ deltaX: 3, deltaY: 0, deltaMode: 1, ctrlKey: false, metaKey: false }, 600)).toEqual({
      type: 'panPx',
      dxPx: 48,
    });
    expect(wheelCommand({ deltaX: 1, deltaY: 40, deltaMode: 0, ctrlKey: false, metaKey: false }, 600)).toBeNull();
  });
});
