/**
 * Tines (cases → comments → reactions). There is no "who am I" endpoint: sign-in checks the key with
 * /api/v1/info and resolves the user's numeric id from their email through teams → members (or takes
 * the id as given). Listing is in `listing.ts`, writes in `writes.ts`, the wire format in
 * `items.ts`.
 */
import { ReactionsError, isReactionsError } from '../../errors';
import { HttpClient, normalizeBaseUrl } from '../../http';
import { accountId, type Account } from '../../model';
import { accountService, connection } from '../common/account';
import { readPages } from '../common/pager';
import { cleanToken, probeSignIn } from '../../auth/signIn';
import type { ClientOptions, ServiceProvider, SignInInput } from '../service';
import { pagedList, webUrl } from './items';
import { TinesListing } from './listing';

export { TINES_KINDS, tinesKind } from './items';

interface TinesMember {
  id: number | string;
  email?: string;
  first_name?: string;
  last_name?: string;
}

async function resolveUserId(http: HttpClient, email: string): Promise<{ id: string; name?: string } | undefined> {
  const wanted = email.trim().toLowerCase();
  const teams: Array<{ id: number | string }> = [];
  await readPages(pagedList<{ id: number | string }>(http, '/api/v1/teams', 'teams'), (t) => teams.push(...t));
  for (const team of teams) {
    let found: TinesMember | undefined;
    const members = pagedList<TinesMember>(
      http,
      `/api/v1/teams/${encodeURIComponent(String(team.id))}/members`,
      'members',
    );
    await readPages(members, (page) => {
      found ??= page.find((m) => (m.email ?? '').toLowerCase() === wanted);
    });
    if (found)
      return { id: String(found.id), name: [found.first_name, found.last_name].filter(Boolean).join(' ') || undefined };
  }
  return undefined;
}

export const tines: ServiceProvider = {
  id: 'tines',
  label: 'Tines',
  needsUserHint: true,
  tokenHelp:
    'A Personal API key (Tines → your avatar → API keys). Team, tenant-owner and service keys act as a service account and cannot list your reactions.',
  exampleUrl: 'https://your-tenant-1234.tines.com',

  async signIn(input: SignInInput, options?: ClientOptions): Promise<Account> {
    const baseUrl = normalizeBaseUrl(input.baseUrl);
    const host = new URL(baseUrl).host;
    const token = cleanToken(input.token, 'API key');
    const email = input.email?.trim();
    const givenId = input.userId?.trim();
    if (!email && !givenId)
      throw new ReactionsError(
        'invalid-input',
        "Enter the email address of the key's owner (or your numeric Tines user id).",
        { field: 'email' },
      );
    if (givenId && !/^\d+$/.test(givenId))
      throw new ReactionsError('invalid-input', `"${givenId.slice(0, 40)}" is not a Tines user id (a number).`, {
        field: 'userId',
      });
    if (!givenId && email && !/^[^\s@]+@[^\s@]+$/.test(email))
      throw new ReactionsError('invalid-input', `"${email.slice(0, 80)}" is not an email address.`, {
        field: 'email',
      });

    const http = new HttpClient(baseUrl, () => token, options);
    const info = await probeSignIn<{ stack?: unknown }>(http, '/api/v1/info', {
      service: 'Tines',
      site: 'tenant',
      credential: 'the API key',
      expected: 'a current Personal API key',
    });
    if (!info || typeof info !== 'object' || !('stack' in info)) {
      throw new ReactionsError(
        'bad-response',
        `${baseUrl} answered /api/v1/info without a "stack": it does not look like a Tines tenant.`,
        { field: 'baseUrl' },
      );
    }
    let userId = givenId;
    let name: string | undefined;
    if (!userId && email) {
      let found: { id: string; name?: string } | undefined;
      try {
        found = await resolveUserId(http, email);
      } catch (e) {
        if (!isReactionsError(e, 'forbidden') && !isReactionsError(e, 'not-found')) throw e;
      }
      if (!found) {
        throw new ReactionsError(
          'invalid-input',
          `No member with the email ${email} was found in the teams this key can see. Listing your reactions needs a Personal API key (team and service keys act as a service account), or enter your numeric Tines user id instead.`,
          { field: 'email' },
        );
      }
      userId = found.id;
      name = found.name;
    }
    return {
      id: accountId('tines', baseUrl, userId!),
      service: 'tines',
      baseUrl,
      userId: userId!,
      label: `${name || email || `user ${userId}`} @ ${host}`,
      email,
    };
  },

  connect(account, getToken, options) {
    const c = connection(account, getToken, options);
    const writes = async () => new (await import('./writes')).TinesWrites(c);
    return accountService(account, new TinesListing(c), writes, (t) => webUrl(account, t));
  },
};
