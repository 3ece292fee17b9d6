// Types for browser.mjs.
import type { BrowserContext, Page } from 'playwright-core';

export declare const CHROMIUM_ARGS: string[];
export declare function launchBrowser(o?: {
  viewport?: { width: number; height: number };
  timeoutMs?: number;
}): Promise<{ context: BrowserContext; page: Page; close: () => Promise<void> }>;
export declare function openWorkbench(
  page: Page,
  url: string,
  o?: { readyFile?: string; timeoutMs?: number },
): Promise<void>;
