/** The in-memory index of reactions (`reactionStore.ts`), its filter and grouping (`queries.ts`). */
export * from './queries';
export * from './reactionStore';
