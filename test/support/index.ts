/**
 * The shared test helpers of every layer: unit (Node), host (bundled into the extension host by
 * scripts/host/build-tests.mjs, so nothing here needs more than Node's standard library, fetch and
 * mocha's globals) and E2E. Layer-specific helpers build on these: test/host/helpers.ts (the VS Code
 * API), test/e2e/harness.ts (the workbench).
 */
export * from './builders';
export * from './client';
export * from './emulator';
export * from './http';
export * from './oauth';
export * from './tokens';
export * from './truth';
/** The one sleep of the tests: core's (abortable). */
export { sleep } from '../../src/core/async';
