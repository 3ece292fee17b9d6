/**
 * SelfCommunity (API v2): sign-in with an access token (`/user/me`), and the per-account client —
 * listing in `listing.ts`, the safe toggle protocol for writes in `writes.ts`, the wire format in `items.ts`.
 */
import { ReactionsError } from '../../errors';
import { HttpClient, normalizeBaseUrl } from '../../http';
import { accountId, type Account } from '../../model';
import { accountService, connection } from '../common/account';
import { cleanToken, probeSignIn } from '../../auth/signIn';
import type { ClientOptions, ServiceProvider, SignInInput } from '../service';
import { webUrl, type ScUser } from './items';
import { SelfCommunityListing } from './listing';

export const selfCommunity: ServiceProvider = {
  id: 'selfcommunity',
  label: 'SelfCommunity',
  needsUserHint: false,
  tokenHelp: 'An OAuth access token for this community (from an OAuth app your community admin registered).',
  exampleUrl: 'https://community.example.com',

  async signIn(input: SignInInput, options?: ClientOptions): Promise<Account> {
    const baseUrl = normalizeBaseUrl(input.baseUrl);
    const token = cleanToken(input.token, 'access token');
    const http = new HttpClient(baseUrl, () => token, options);
    const me = await probeSignIn<ScUser>(http, '/api/v2/user/me/', {
      service: 'SelfCommunity',
      site: 'community',
      credential: 'the token',
      expected: 'a current access token',
    });
    if (!me || typeof me !== 'object' || me.id === undefined || me.id === null) {
      throw new ReactionsError(
        'bad-response',
        `${baseUrl} answered /api/v2/user/me/ without a user id: it does not look like a SelfCommunity community.`,
        { field: 'baseUrl' },
      );
    }
    const userId = String(me.id);
    const name = me.username || me.real_name || `user ${userId}`;
    return {
      id: accountId('selfcommunity', baseUrl, userId),
      service: 'selfcommunity',
      baseUrl,
      userId,
      label: `${name} @ ${new URL(baseUrl).host}`,
      email: me.email,
    };
  },

  connect(account, getToken, options) {
    const c = connection(account, getToken, options);
    const listing = new SelfCommunityListing(c);
    const votes = async () =>
      new (await import('./writes')).SelfCommunityWrites(c, (signal) => listing.reactionKinds(signal));
    return accountService(account, listing, votes, (t) => webUrl(account, t));
  },
};
