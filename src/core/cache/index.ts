/** The persisted cache: its file format, the files of one directory, and keeping them in step with the store. */
export { CACHE_VERSION, cacheFileName, plainReaction, type CacheEntry } from './format';
export { ReactionCache, type ReactionCacheOptions } from './files';
export { CacheSync, type CacheSyncOptions } from './sync';
