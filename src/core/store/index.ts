/** The in-memory index of reactions (`reactionStore.ts`), its filter and grouping (`queries.ts`), its events. */
export * from './emitter';
export * from './queries';
export * from './reactionStore';
