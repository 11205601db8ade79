import { useRef } from 'react';
import type { SourceFile } from '../../worker-api/protocol';
import { filesFromInput } from './collect-files';

/** Buttons that open the file dialog for files/archives or for a folder. */
export function OpenControls({ onFiles }: { onFiles: (files: SourceFile[]) => void }) {
  const filesInput = useRef<HTMLInputElement>(null);
  const dirInput = useRef<HTMLInputElement>(null);
  const take = (input: HTMLInputElement | null) => {
    if (!input) return;
    const files = filesFromInput(input.files);
    input.value = ''; // picking the same file again must fire change again
    if (files.length > 0) onFiles(files);
  };
  return (
    <span className="strata-open-controls">
      <button type="button" onClick={() => filesInput.current?.click()}>
        Choose trace files or archive…
      </button>
      <button type="button" onClick={() => dirInput.current?.click()}>
        Choose trace folder…
      </button>
      <input
        ref={filesInput}
        type="file"
        multiple
        hidden
        data-testid="file-input"
        aria-label="Trace files or archives"
        onChange={(e) => take(e.currentTarget)}
      />
      <input
        ref={(el) => {
          dirInput.current = el;
          // webkitdirectory is not in React's typings as a boolean attribute
          if (el) el.setAttribute('webkitdirectory', '');
        }}
        type="file"
        hidden
        data-testid="dir-input"
        aria-label="Trace folder"
        onChange={(e) => take(e.currentTarget)}
      />
    </span>
  );
}

export function Landing({ onFiles, onDemo }: { onFiles: (files: SourceFile[]) => void; onDemo: () => void }) {
  return (
    <section className="strata-landing" data-testid="drop-zone">
      <h2>Open an LTTng trace</h2>
      <p>
        Drop a trace folder (a session with <code>kernel/</code> and <code>ust/</code>, or a single trace), loose trace
        files, or a <code>.tar</code>, <code>.tar.gz</code> or <code>.zip</code> archive anywhere on this page. Several
        traces at once are shown on one timeline.
      </p>
      <p>
        <OpenControls onFiles={onFiles} />
        <button type="button" onClick={onDemo}>
          Open demo trace
        </button>
      </p>
      <p className="strata-hint">
        A hosted trace opens with <code>?trace=https://host/path/trace.tar.gz</code>; its server must send{' '}
        <code>Access-Control-Allow-Origin</code>. Locally: <code>npm run serve-trace -- PATH</code>.
      </p>
    </section>
  );
}
