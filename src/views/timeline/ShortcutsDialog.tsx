/** The keyboard shortcuts, opened with `?`: the rows are the keymap table itself (keymap.ts), not a second list. */
import { useEffect, useRef, type JSX } from 'react';
import { KEYMAP, keyLabel, SHOW_SHORTCUTS_EVENT } from './keymap';

export function ShortcutsDialog(): JSX.Element {
  const dialog = useRef<HTMLDialogElement | null>(null);
  useEffect(() => {
    const open = () => {
      const d = dialog.current;
      if (d && !d.open) d.showModal();
    };
    window.addEventListener(SHOW_SHORTCUTS_EVENT, open);
    return () => window.removeEventListener(SHOW_SHORTCUTS_EVENT, open);
  }, []);
  return (
    <dialog ref={dialog} className="tl-shortcuts" aria-labelledby="tl-shortcuts-title" data-testid="shortcuts">
      <h2 id="tl-shortcuts-title">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {KEYMAP.map((b) => (
            <tr key={b.key}>
              <th scope="row">
                <kbd>{keyLabel(b.key)}</kbd>
              </th>
              <td>{b.help}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form method="dialog">
        <button type="submit">Close</button>
      </form>
    </dialog>
  );
}
