/**
 * One account's kept reactions, found by id without a string per reaction. A reaction whose id is
 * derived (`makeReaction`) sits in the map of its slot — its target type, and for a Tines comment its
 * kind too, since one comment can carry several of the user's reactions — under its target's id, a
 * string the target keeps anyway. An id is looked up by reading those parts back out of it
 * (`accountId|type:targetId`, Tines `|kind` after). A reaction with any other id (made by hand, or a
 * kind id that holds a `|`) is kept by its id, in a map of its own.
 *
 * A map keyed by the reaction id kept a 64-byte string per reaction besides the map entry; measured in
 * `npm run bench -- --memory-only` (see the CHANGELOG).
 */
import { hasDerivedId, type Reaction } from '../model';

type Place = readonly [slot: string, targetId: string];

const TINES = 'case_comment';

export class ReactionIndex {
  private readonly slots = new Map<string, Map<string, Reaction>>();
  /** Reactions whose id is not derived from their fields. */
  private readonly byId = new Map<string, Reaction>();
  private total = 0;

  constructor(readonly accountId: string) {}

  get size(): number {
    return this.total;
  }

  get(id: string): Reaction | undefined {
    const place = this.placeOfId(id);
    // a reaction in that place has this id: its place is made of the parts the id is made of
    const r = place && this.slots.get(place[0])?.get(place[1]);
    return r || (this.byId.size ? this.byId.get(id) : undefined);
  }

  /** Whether a reaction of the same id is kept. */
  has(r: Reaction): boolean {
    const place = this.placeOf(r);
    if (place && this.slots.get(place[0])?.has(place[1])) return true;
    return this.byId.size > 0 && this.get(r.id) !== undefined;
  }

  /** Adds a reaction, or replaces the one of the same id; returns the one it replaced. */
  set(r: Reaction): Reaction | undefined {
    const place = this.placeOf(r);
    let old: Reaction | undefined;
    if (place) {
      let slot = this.slots.get(place[0]);
      if (!slot) this.slots.set(place[0], (slot = new Map()));
      old = slot.get(place[1]);
      slot.set(place[1], r);
      if (!old && this.byId.size) old = this.take(r.id, false);
    } else {
      const id = r.id;
      old = this.take(id, true);
      this.byId.set(id, r);
    }
    if (!old) this.total++;
    return old;
  }

  /** Removes the reaction of this id; returns it. */
  delete(id: string): Reaction | undefined {
    const r = this.take(id, true);
    if (r) this.total--;
    return r;
  }

  /** Takes the reaction of this id out of its place (`placed`: derived places too), not counting. */
  private take(id: string, placed: boolean): Reaction | undefined {
    const place = placed ? this.placeOfId(id) : undefined;
    const slot = place && this.slots.get(place[0]);
    const r = slot && slot.get(place[1]);
    if (r) {
      slot.delete(place[1]);
      return r;
    }
    const byId = this.byId.get(id);
    if (byId) this.byId.delete(id);
    return byId;
  }

  *values(): IterableIterator<Reaction> {
    for (const slot of this.slots.values()) yield* slot.values();
    yield* this.byId.values();
  }

  /** Where a reaction with a derived id of this account sits; undefined for any other. */
  private placeOf(r: Reaction): Place | undefined {
    if (r.accountId !== this.accountId || !hasDerivedId(r)) return undefined;
    const t = r.target;
    if (t.type !== TINES) return [t.type, t.id];
    // the kind is read back from after the id's last `|`: a kind holding one could not be
    return r.kind.id.includes('|') ? undefined : [`${TINES}|${r.kind.id}`, t.id];
  }

  /** Where the reaction of this id sits if its id is derived (see `reactionId`). */
  private placeOfId(id: string): Place | undefined {
    const a = this.accountId;
    if (id.length <= a.length + 1 || id.charCodeAt(a.length) !== 124 /* | */ || !id.startsWith(a)) return undefined;
    const colon = id.indexOf(':', a.length + 1);
    if (colon < 0) return undefined;
    const type = id.slice(a.length + 1, colon);
    if (type !== TINES) return [type, id.slice(colon + 1)];
    const bar = id.lastIndexOf('|');
    return bar > colon ? [`${TINES}|${id.slice(bar + 1)}`, id.slice(colon + 1, bar)] : undefined;
  }
}
