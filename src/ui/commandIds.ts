/**
 * Every command id of the extension, in one place, grouped by the module under src/ui/commands/ that
 * registers it (the key is the module's file name). `CommandId` is their union: `command(deps, id, …)`
 * and `executeCommand` of our own ids take only these, so a misspelt id fails the typecheck, and
 * test/unit/command-ids.test.ts checks this list against package.json's `contributes.commands` and
 * against what each module registers.
 */
export const COMMAND_FAMILIES = {
  view: [
    'reactions.refresh',
    'reactions.fullRescan',
    'reactions.cancelListing',
    'reactions.showLog',
    'reactions.showMore',
    'reactions.groupByWhen',
    'reactions.groupByWhere',
    'reactions.sortOldest',
    'reactions.sortNewest',
  ],
  accounts: [
    'reactions.addAccount',
    'reactions.signInSelfCommunity',
    'reactions.removeAccount',
    'reactions.updateToken',
  ],
  remove: ['reactions.removeReaction', 'reactions.removeAll', 'reactions.deleteSelected'],
  undo: ['reactions.undo'],
  change: ['reactions.changeReaction'],
  open: ['reactions.openInBrowser', 'reactions.copyLink'],
  filter: ['reactions.filter', 'reactions.clearFilter'],
  export: ['reactions.export'],
  keep: ['reactions.keep', 'reactions.unkeep'],
  cleanUp: ['reactions.cleanUp', 'reactions.cleanUpAgain'],
  showRemoved: ['reactions.showRemoved', 'reactions.restoreRemoved'],
  verify: ['reactions.verifyRemovals', 'reactions.removeAgain'],
  receipt: ['reactions.openReceipt', 'reactions.exportReceipt'],
  viewOptions: ['reactions.viewOptions'],
} as const;

export type CommandFamilyName = keyof typeof COMMAND_FAMILIES;

export type CommandId = (typeof COMMAND_FAMILIES)[CommandFamilyName][number];

/** Every command id, each once. */
export const COMMAND_IDS: readonly CommandId[] = Object.values(COMMAND_FAMILIES).flat();
