/**
 * A stand-in for the person at the browser: opens the emulator's OAuth consent page (as a browser
 * would), submits Authorize or Deny, and returns where the community sends the browser back. Used by
 * the Node and host tests; the E2E tests click the real page instead.
 */

export interface ConsentOptions {
  /** 'Authorize' (default) or 'Deny'. */
  decision?: 'Authorize' | 'Deny';
  /** Who is "signed in to the community in this browser": alice, bob or carol. */
  user?: string;
}

/** Follows an authorize URL through the consent page; resolves with the redirect (Location) it ends on. */
export async function consent(authorizeUrl: string, options: ConsentOptions = {}): Promise<URL> {
  const page = await fetch(authorizeUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) {
    const location = page.headers.get('location');
    if (location) return new URL(location);
    throw new Error(`consent page answered ${page.status}: ${html.slice(0, 200)}`);
  }
  if (!/id="approve"/.test(html)) throw new Error('the consent page has no Authorize button');
  const url = new URL(authorizeUrl);
  // The page carries every parameter as a hidden field: send them back as the form does.
  const form = new URLSearchParams(url.searchParams);
  form.set('allow', options.decision ?? 'Authorize');
  if (options.user) form.set('user', options.user);
  const res = await fetch(url.origin + url.pathname, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  });
  await res.text();
  const location = res.headers.get('location');
  if (res.status !== 302 || !location) throw new Error(`consent answered ${res.status} without a redirect`);
  return new URL(location);
}
