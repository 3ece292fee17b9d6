/**
 * The people of the emulated world: the three users who have tokens (fixed, whatever the seed), the
 * Tines service account behind the non-personal key, and the other members who author content and
 * react, derived from their id.
 */
import { FIRST_NAMES, LAST_NAMES } from './text';
import type { EmulatorUser, UserName } from './types';

export const USERS: readonly EmulatorUser[] = [
  {
    name: 'alice',
    displayName: 'Alice Martin',
    email: 'alice@example.com',
    scToken: 'sc-demo-alice-Q7x2',
    tinesToken: 'tines-demo-alice-R5v1',
    scUserId: 7,
    tinesUserId: 17,
  },
  {
    name: 'bob',
    displayName: 'Bob Keller',
    email: 'bob@example.com',
    scToken: 'sc-demo-bob-K4m9',
    tinesToken: 'tines-demo-bob-J2n6',
    scUserId: 12,
    tinesUserId: 23,
  },
  {
    name: 'carol',
    displayName: 'Carol Diaz',
    email: 'carol@example.com',
    scToken: 'sc-demo-carol-W8p3',
    tinesToken: 'tines-demo-carol-H9c4',
    scUserId: 23,
    tinesUserId: 31,
  },
];

export const USER_NAMES: readonly UserName[] = USERS.map((u) => u.name);

/** The Tines non-personal key: valid, but its owner is a service account in no team. */
export const TINES_SERVICE = {
  key: 'tines-demo-service-Z3k8',
  name: 'service',
  userId: 90,
  firstName: 'Automation',
  lastName: 'Service Account',
  email: 'automation-service@tines.invalid',
} as const;

export function userIndex(name: string): number {
  const i = USER_NAMES.indexOf(name as UserName);
  if (i < 0) throw new Error(`unknown emulator user "${name}" (use alice, bob or carol)`);
  return i;
}

export interface Person {
  id: number;
  firstName: string;
  lastName: string;
  username: string;
  email: string;
}

function fromUser(u: EmulatorUser, id: number): Person {
  const [firstName, lastName] = u.displayName.split(' ');
  return { id, firstName, lastName, username: u.name, email: u.email };
}

function generated(id: number, salt: number): Person {
  const firstName = FIRST_NAMES[(id * 7 + salt) % FIRST_NAMES.length];
  const lastName = LAST_NAMES[(id * 11 + salt * 3) % LAST_NAMES.length];
  const handle = `${firstName.charAt(0)}${lastName}`
    .toLowerCase()
    .normalize('NFD')
    .replace(/[^a-z]/g, '');
  return { id, firstName, lastName, username: `${handle}${id}`, email: `${handle}${id}@example.org` };
}

/** SelfCommunity members: ids 1..SC_MEMBERS; alice, bob and carol among them. */
export const SC_MEMBERS = 40;

export function scPerson(id: number): Person {
  const u = USERS.find((x) => x.scUserId === id);
  return u ? fromUser(u, id) : generated(id, 1);
}

/** Tines members: ids TINES_FIRST..TINES_LAST; alice, bob and carol among them. */
export const TINES_FIRST = 11;
export const TINES_LAST = 48;

export function tinesPerson(id: number): Person {
  if (id === TINES_SERVICE.userId) {
    return {
      id,
      firstName: TINES_SERVICE.firstName,
      lastName: TINES_SERVICE.lastName,
      username: 'automation',
      email: TINES_SERVICE.email,
    };
  }
  const u = USERS.find((x) => x.tinesUserId === id);
  return u ? fromUser(u, id) : generated(id, 5);
}

/** Tines member ids that are not one of the three users (for authors and other reactants). */
export const TINES_OTHERS: readonly number[] = Array.from(
  { length: TINES_LAST - TINES_FIRST + 1 },
  (_, i) => i + TINES_FIRST,
).filter((id) => !USERS.some((u) => u.tinesUserId === id));
export const SC_OTHERS: readonly number[] = Array.from({ length: SC_MEMBERS }, (_, i) => i + 1).filter(
  (id) => !USERS.some((u) => u.scUserId === id),
);
