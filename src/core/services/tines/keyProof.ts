/**
 * Never write with a Tines key not proven to act as the account's user. Tines has no "who am I", and
 * sign-in only resolves the email typed in: a key of someone else passes it, and its writes change
 * THAT person's reactions. So, until a key is proven:
 *
 * - its first write is a harmless proof: a `remove_reaction` the user asked for, on a comment where the
 *   user has that reaction and nobody else has the same emoji — a key of someone else then changes
 *   nothing — and the comment afterwards shows whose reaction went (`KeyGate.prove`);
 * - every write of the account waits for it (one unproven write at a time in this window: nothing is in
 *   flight when the answer comes), and none is sent without the proof unless the person said so
 *   (`trustOnce`): then the first write runs alone and is checked the same way;
 * - a key that acted as someone else (or changed nothing) stops every further write of this client.
 *
 * A proven key is remembered by a fingerprint (a salted SHA-256 of account id and key, never the key)
 * in the KeyProofStore, so later sessions do not prove it again; a changed key needs a new proof.
 */
import { createHash } from 'crypto';
import { KeyedLock } from '../../async';
import { ReactionsError } from '../../errors';
import type { Account, Reaction } from '../../model';
import type { Connection } from '../common/account';
import type { KeyProof, KeyProofStore, RemoveResult } from '../service';
import { reactantsOf, type TinesComment } from './items';

export type { KeyProof } from '../service';

/** How many comments `prove` reads at most to find a harmless proof among the reactions to remove. */
export const MAX_PROOF_READS = 50;

export function keyFingerprint(accountId: string, key: string): string {
  return createHash('sha256').update(`reactions-vscode key proof\0${accountId}\0${key}`).digest('hex');
}

/** "alice@example.com", or "Tines user 17" when the account was added by id. */
export function whoIs(account: Account): string {
  return account.email || `Tines user ${account.userId}`;
}

export class KeyGate {
  /** One unproven write at a time. */
  private readonly alone = new KeyedLock();
  private provenPrint: string | undefined;
  /** Why this key may not write any more (it acted as someone else, or changed nothing). */
  private refused: ReactionsError | undefined;
  private trusted = false;

  constructor(
    private readonly c: Connection,
    private readonly store: KeyProofStore | undefined,
  ) {}

  /** Whether the key in use now was proven to act as the account's user (here, or in an earlier session). */
  async proven(): Promise<boolean> {
    const print = keyFingerprint(this.c.account.id, await this.c.token());
    if (this.provenPrint === print) return true;
    if (!(await this.store?.isProven(this.c.account.id, print))) return false;
    this.provenPrint = print;
    return true;
  }

  /** The person accepted writing before a proof: the next write runs alone and is checked (see `checked`). */
  trustOnce(): void {
    this.trusted = true;
  }

  /**
   * Runs a write. Proven key: at once. Else alone (no other write of this client in flight), and only
   * when trusted; `task(true)` must then check the write with `checked`.
   */
  async write<T>(what: 'removal' | 'reaction', task: (check: boolean) => Promise<T>): Promise<T> {
    if (await this.proven()) return task(false);
    this.refuse();
    return this.alone.run('key', async () => {
      if (await this.proven()) return task(false);
      this.refuse();
      if (!this.trusted) throw this.unproven(what);
      return task(true);
    });
  }

  /**
   * Proves the key with the first of `candidates` (reactions the person asked to remove) whose comment
   * shows the user's reaction and nobody else's with the same emoji: `attempt(r)` reads it, and when
   * `isHarmless`, removes it (under the target's lock) and checks it with `checked`; else undefined.
   */
  prove(
    candidates: readonly Reaction[],
    attempt: (r: Reaction) => Promise<RemoveResult | undefined>,
  ): Promise<KeyProof> {
    return this.alone.run('key', async () => {
      if (await this.proven()) return { state: 'proven' };
      this.refuse();
      for (const r of candidates.slice(0, MAX_PROOF_READS)) {
        let proof: RemoveResult | undefined;
        try {
          proof = await attempt(r);
        } catch (error) {
          return { state: 'failed', reaction: r, error };
        }
        if (proof) return { state: 'proven', proof };
      }
      return { state: 'no-candidate' };
    });
  }

  /** Whether the comment can prove the key: the user has `value` on it and nobody else has. */
  isHarmless(comment: TinesComment | undefined, value: string): boolean {
    const who = reactantsOf(comment, value);
    return who.size === 1 && who.has(this.c.account.userId);
  }

  /**
   * After an unproven write: who the reactants it added or removed are. The user: proven (remembered).
   * Someone else, or nobody: this key is not the user's; nothing more is written with it.
   */
  async checked(
    r: Reaction,
    before: TinesComment,
    after: TinesComment,
    what: 'removal' | 'reaction',
    named: (comment: TinesComment, userId: string) => string | undefined,
  ): Promise<void> {
    const value = r.kind.id;
    const was = reactantsOf(before, value);
    const now = reactantsOf(after, value);
    const changed = what === 'reaction' ? [...now].filter((u) => !was.has(u)) : [...was].filter((u) => !now.has(u));
    const me = this.c.account.userId;
    if (changed.includes(me)) {
      this.trusted = false;
      this.provenPrint = keyFingerprint(this.c.account.id, await this.c.token());
      await this.store?.remember(this.c.account.id, this.provenPrint);
      this.c.http.logger.info(`Tines key of ${this.c.account.id}: proven by its first ${what}`);
      return;
    }
    const other = changed[0];
    const account = this.c.account;
    const where = `"${r.target.excerpt}"`;
    const fix = 'Nothing more is written with it. Update Token with your own Personal API key.';
    if (other !== undefined) {
      const name = named(what === 'reaction' ? after : before, other) ?? `Tines user ${other}`;
      const done = what === 'reaction' ? 'added a reaction of theirs' : `removed ${name}'s ${r.kind.label} reaction`;
      this.refused = new ReactionsError(
        'forbidden',
        `The key belongs to ${name} (user ${other}), not ${whoIs(account)}: its first write ${done} on ${where} (undo that in Tines). ${fix}`,
      );
    } else {
      this.refused = new ReactionsError(
        'forbidden',
        `The key is not ${whoIs(account)}'s: ${what === 'removal' ? 'removing' : 'adding'} your ${r.kind.label} reaction on ${where} with it changed nothing (a key of another person only changes that person's reactions). ${fix}`,
      );
    }
    this.c.http.logger.warn(
      `Tines key of ${account.id}: acts as ${other ? `user ${other}` : 'another user'}; writes stopped`,
    );
    throw this.refused;
  }

  private refuse(): void {
    if (this.refused) throw this.refused;
  }

  private unproven(what: 'removal' | 'reaction'): ReactionsError {
    return new ReactionsError(
      'unproven-key',
      `Nothing was sent: this Tines key has not been shown to be ${whoIs(this.c.account)}'s yet. A key of another person would ${what === 'removal' ? "remove that person's reaction" : 'add a reaction in their name'}. Remove one of your reactions that nobody else made with the same emoji first, or confirm to write with it anyway.`,
    );
  }
}
