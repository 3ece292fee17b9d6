/**
 * A token typed into the URL box by mistake (issue 17): it appears in no error message the flow shows
 * and in no log line. What runs here is what the Add Account / Sign In flows run below `vscode`: the
 * URL box's validation (normalizeBaseUrl), the sign-in against the emulator, the redaction every typed
 * value and every logged line go through (RedactingLogger, which backs the output channel), and the
 * choice of the step a failed sign-in returns to (blamedInput, from the error's `field`).
 */
import * as assert from 'assert';
import { ReactionsError, isReactionsError } from '../../src/core/errors';
import { normalizeBaseUrl } from '../../src/core/http';
import { MemoryLogger } from '../../src/core/log';
import { cleanClientId } from '../../src/core/auth/oauth';
import { RedactingLogger, tokenShaped } from '../../src/core/auth/redaction';
import { selfCommunity } from '../../src/core/services/selfcommunity';
import { tines } from '../../src/core/services/tines';
import { blamedInput } from '../../src/ui/auth/flows/retry';
import { errorMessage, messageOf } from '../../src/ui/errorMessage';
import { fastOptions, useEmulator } from '../support';

describe('a token typed into the URL box', () => {
  const emu = useEmulator({ seed: 3 });

  /** Every way a token can land in the URL box. */
  function typedValues(token: string): string[] {
    return [
      token,
      `${token} `,
      `https://${token}`,
      `https://exa mple.com/${token}`,
      `https://${token}@community.example.com`,
      `https://user:${token}@community.example.com`,
      `http://${token}.example.com`,
      `https://community.example.com/?access_token=${token}`,
      `ftp://${token}`,
      `${emu().selfcommunityUrl}/${token}`,
      `${emu().tinesUrl}/${token}`,
    ];
  }

  it('is in no validation message, no sign-in error shown, and no log line', async () => {
    const tokens = [emu().users[0].scToken, emu().users[1].tinesToken, 'gho_16C7e42F292c6912E7710c838347Ae178B4a'];
    for (const token of tokens) {
      for (const typed of typedValues(token)) {
        const memory = new MemoryLogger();
        const log = new RedactingLogger(memory);
        log.redactor.addTyped(typed); // what every input box does with what was typed
        const shown: string[] = [];
        const validation = messageOf(() => normalizeBaseUrl(typed));
        if (validation) shown.push(validation);
        else {
          // The URL passed: the flow goes on to the sign-in; its error is shown in the box, redacted.
          for (const service of [selfCommunity, tines]) {
            const e = await service
              .signIn(
                { baseUrl: typed, token: 'not-the-token-9', email: 'alice@example.com' },
                fastOptions(undefined, { logger: log, retries: 0, timeoutMs: 1500 }),
              )
              .then(
                () => undefined,
                (x: unknown) => x,
              );
            if (e) {
              log.warn(`sign-in failed: ${errorMessage(e)}`);
              shown.push(log.redactor.redact(errorMessage(e)));
            }
          }
        }
        for (const text of [...shown, ...memory.lines]) {
          for (const secret of [token, token.toLowerCase()])
            assert.ok(!text.includes(secret), `"${typed}" leaked into: ${text}`);
        }
      }
    }
  });

  it('a URL that does not parse is refused with what is wrong with it, not what it was', () => {
    const token = 'sc-demo-alice-Q7x2';
    for (const typed of [`https://exa mple.com/${token}`, `${token} x`, `http://[::1/${token}`]) {
      assert.throws(
        () => normalizeBaseUrl(typed),
        (e: unknown) =>
          isReactionsError(e, 'invalid-input') &&
          e.field === 'baseUrl' &&
          /not a valid URL|contains a space/.test(e.message) &&
          !e.message.includes(token),
      );
    }
  });

  it('host names and site addresses are not token-shaped; pasted tokens and keys are', () => {
    for (const text of [
      'https://community.example.com',
      'https://your-tenant-1234.tines.com',
      'http://127.0.0.1:8080/portal',
      'you@example.com',
      '4711',
    ])
      assert.deepStrictEqual(tokenShaped(text), [], text);
    assert.deepStrictEqual(tokenShaped('sc-demo-alice-Q7x2'), ['sc-demo-alice-Q7x2']);
    assert.deepStrictEqual(tokenShaped('https://x.com/0123456789abcdef0123456789abcdef'), [
      '0123456789abcdef0123456789abcdef',
    ]);
  });
});

describe('the step a failed sign-in returns to (ReactionsError.field)', () => {
  const emu = useEmulator({ seed: 3 });

  it('names the wrong input wherever a sign-in error is made', async () => {
    const alice = emu().users[0];
    const fail = (p: Promise<unknown>) =>
      p.then(
        () => assert.fail('expected a failure'),
        (e: unknown) => e,
      );
    const opts = () => fastOptions(undefined, { retries: 0 });
    const cases: Array<[string, Promise<unknown> | unknown, string | undefined]> = [
      ['empty URL', messageOfError(() => normalizeBaseUrl('')), 'baseUrl'],
      ['http to a remote host', messageOfError(() => normalizeBaseUrl('http://example.com')), 'baseUrl'],
      ['empty client id', messageOfError(() => cleanClientId(' ')), 'clientId'],
      [
        'no SelfCommunity API there',
        fail(selfCommunity.signIn({ baseUrl: `${emu().selfcommunityUrl}/nope`, token: alice.scToken }, opts())),
        'baseUrl',
      ],
      [
        'a rejected access token',
        fail(selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: 'wrong-token-123' }, opts())),
        'token',
      ],
      [
        'a token with spaces',
        fail(selfCommunity.signIn({ baseUrl: emu().selfcommunityUrl, token: 'a b' }, opts())),
        'token',
      ],
      [
        'a rejected API key',
        fail(tines.signIn({ baseUrl: emu().tinesUrl, token: 'wrong-key-123', email: alice.email }, opts())),
        'token',
      ],
      [
        'not an email',
        fail(tines.signIn({ baseUrl: emu().tinesUrl, token: alice.tinesToken, email: 'alice' }, opts())),
        'email',
      ],
      [
        'not a user id',
        fail(tines.signIn({ baseUrl: emu().tinesUrl, token: alice.tinesToken, userId: 'x1' }, opts())),
        'userId',
      ],
      [
        'no member with that email',
        fail(tines.signIn({ baseUrl: emu().tinesUrl, token: alice.tinesToken, email: 'nobody@example.com' }, opts())),
        'email',
      ],
      ['an unreachable site (kind only)', new ReactionsError('network', 'could not connect'), 'baseUrl'],
      [
        'a forged sign-in answer (nothing typed was wrong)',
        new ReactionsError('unsafe', 'state did not match'),
        undefined,
      ],
    ];
    for (const [what, error, field] of cases) assert.strictEqual(blamedInput(await error), field, what);
  });
});

function messageOfError(check: () => unknown): unknown {
  try {
    check();
  } catch (e) {
    return e;
  }
  return undefined;
}
