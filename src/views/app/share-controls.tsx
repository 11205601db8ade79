import { useState } from 'react';
import { useTraceStore } from '../../store/trace-store';
import { currentLink } from '../../store/url-sync';

/** "Copy link" for hosted traces; for traces from disk, says why not and offers the .tar.gz bundle instead. */
export function ShareControls() {
  const origin = useTraceStore((s) => s.origin);
  const label = useTraceStore((s) => s.label);
  const [copied, setCopied] = useState<string | null>(null);
  const [explain, setExplain] = useState(false);
  const [bundling, setBundling] = useState(false);
  const [bundleError, setBundleError] = useState<string | null>(null);
  const fromDisk = origin?.kind === 'files';

  const copy = async () => {
    if (fromDisk) {
      setExplain((e) => !e);
      return;
    }
    const link = currentLink();
    if (!link) return;
    setCopied(link);
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // No clipboard permission: the link stays shown, selected, for a manual copy.
    }
  };

  const download = async () => {
    setBundling(true);
    setBundleError(null);
    try {
      const bundle = await useTraceStore.getState().bundle();
      if (!bundle) throw new Error('no trace is loaded');
      const url = URL.createObjectURL(bundle);
      const a = document.createElement('a');
      a.href = url;
      a.download = `${label.replace(/[^A-Za-z0-9._-]+/g, '_') || 'trace'}.tar.gz`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (err) {
      setBundleError(err instanceof Error ? err.message : String(err));
    } finally {
      setBundling(false);
    }
  };

  return (
    <span className="strata-share">
      <button
        type="button"
        onClick={() => void copy()}
        title={fromDisk ? 'Opened from disk: cannot be linked' : 'Copy a link to this view'}
      >
        {fromDisk ? 'Copy link (unavailable: trace from disk)' : 'Copy link'}
      </button>
      {copied && !fromDisk && (
        <span className="strata-share-note" role="status">
          Link copied:{' '}
          <input readOnly value={copied} data-testid="share-link" size={40} onFocus={(e) => e.currentTarget.select()} />
        </span>
      )}
      {fromDisk && explain && (
        <span className="strata-share-note" role="status" data-testid="share-unavailable">
          This trace was opened from disk, so a link cannot reach it. Download it as one bundle, host it (with{' '}
          <code>Access-Control-Allow-Origin</code>), and share <code>?trace=</code> its URL.
        </span>
      )}
      {fromDisk && (
        <button type="button" onClick={() => void download()} disabled={bundling}>
          {bundling ? 'Packing…' : 'Download as .tar.gz'}
        </button>
      )}
      {bundleError && <span role="alert">Could not pack the trace: {bundleError}</span>}
    </span>
  );
}
