/** `?trace=` links: only http(s), without embedded credentials; anything else is refused before any request. */
import { describe, expect, it } from 'vitest';
import { fetchBytes } from './unpack-service';

describe('trace URLs', () => {
  for (const url of [
    'javascript:alert(1)',
    'data:application/gzip;base64,AAAA',
    'file:///etc/passwd',
    'ftp://example.org/t.tar.gz',
    'blob:https://example.org/x',
  ]) {
    it(`refuses ${url.split(':')[0]}:`, async () => {
      const r = await fetchBytes(url, () => {});
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.failure.kind).toBe('bad-url');
      expect(r.failure.message).toContain(`only http and https trace URLs can be opened, not ${url.split(':')[0]}`);
    });
  }

  it('refuses credentials in the URL, without repeating them', async () => {
    const r = await fetchBytes('https://alice:s3cret@example.org/t.tar.gz', () => {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.failure.kind).toBe('bad-url');
    expect(r.failure.message).toMatch(
      /^trace URLs with a user name or password are refused \(nothing was requested\): https:\/\/\*\*\*@example\.org\/t\.tar\.gz/,
    );
    expect(JSON.stringify(r.failure)).not.toContain('s3cret');
  });
});
