/** Human (localised) words for the core's vocabulary, shared by the tree, pickers and messages. */
import * as vscode from 'vscode';
import type { Reaction, ReactionKind, ServiceId, TargetType } from '../core/model';
import { serviceOfAccount, type GroupType } from '../core/store';
import { providers } from '../core/services/registry';

export function serviceLabel(id: ServiceId): string {
  return providers.find((p) => p.id === id)?.label ?? id;
}

/** "status", "discussion", "comment", ... (lower case, for sentences). */
export function targetTypeLabel(type: TargetType): string {
  const labels: Record<TargetType, () => string> = {
    status: () => vscode.l10n.t('status'),
    discussion: () => vscode.l10n.t('discussion'),
    post: () => vscode.l10n.t('post'),
    comment: () => vscode.l10n.t('comment'),
    case_comment: () => vscode.l10n.t('case comment'),
  };
  return labels[type]();
}

export function groupLabel(type: GroupType, title?: string): string {
  if (type === 'case') return title || vscode.l10n.t('Case');
  const labels: Record<Exclude<GroupType, 'case'>, () => string> = {
    status: () => vscode.l10n.t('Statuses'),
    discussion: () => vscode.l10n.t('Discussions'),
    post: () => vscode.l10n.t('Posts'),
    comment: () => vscode.l10n.t('Comments'),
  };
  return labels[type]();
}

const GROUP_ICONS: Record<GroupType, string> = {
  status: 'pulse',
  discussion: 'comment-discussion',
  post: 'note',
  comment: 'comment',
  case: 'briefcase',
};

export function groupIcon(type: GroupType): vscode.ThemeIcon {
  return new vscode.ThemeIcon(GROUP_ICONS[type]);
}

export function serviceIcon(id: ServiceId): vscode.ThemeIcon {
  return new vscode.ThemeIcon(id === 'tines' ? 'tasklist' : 'organization');
}

/** A codicon that shows the reaction at a glance (the description with the emoji may be cut off). */
const KIND_ICONS: Record<string, [string, string?]> = {
  '👍': ['thumbsup'],
  '👎': ['thumbsdown'],
  '❤️': ['heart-filled', 'charts.red'],
  '😂': ['smiley', 'charts.yellow'],
  '😮': ['zap', 'charts.yellow'],
  '😢': ['smiley', 'charts.blue'],
  '😡': ['flame', 'charts.orange'],
  '🎉': ['sparkle', 'charts.purple'],
  '🤗': ['heart'],
  '💡': ['lightbulb', 'charts.yellow'],
  '🤔': ['question'],
  '🙏': ['pass'],
  '👏': ['thumbsup'],
  '🔥': ['flame', 'charts.orange'],
  '👀': ['eye'],
  '✅': ['pass-filled', 'charts.green'],
};

/** Without variation selectors, so "❤" and "❤️" match. */
const bare = (emoji: string) => emoji.replace(/\uFE0F/g, '');
const ICONS_BY_EMOJI = new Map(Object.entries(KIND_ICONS).map(([k, v]) => [bare(k), v]));

export function kindIcon(kind: ReactionKind): vscode.ThemeIcon {
  const found = kind.emoji ? ICONS_BY_EMOJI.get(bare(kind.emoji)) : undefined;
  if (!found) return new vscode.ThemeIcon('reactions');
  return new vscode.ThemeIcon(found[0], found[1] ? new vscode.ThemeColor(found[1]) : undefined);
}

/** "❤️ Love" */
export function kindText(kind: ReactionKind): string {
  return kind.emoji ? `${kind.emoji} ${kind.label}` : kind.label;
}

/** "Love reaction on discussion: Welcome to the community" — what a screen reader says. */
export function spokenReaction(r: Reaction): string {
  return vscode.l10n.t('{0} reaction on {1}: {2}', r.kind.label, targetTypeLabel(r.target.type), r.target.excerpt);
}

/** A short quoted excerpt for messages. */
export function quote(text: string, max = 60): string {
  const t = text.length > max ? `${text.slice(0, max - 1).trimEnd()}…` : text;
  return `"${t}"`;
}

/**
 * The reaction kinds among `reactions`, one per name (case-insensitive), sorted, each saying which
 * services offer it ("❤️ Heart — Tines" next to "❤️ Love — SelfCommunity"): for the kind pickers.
 */
export function kindChoices(reactions: Iterable<Reaction>): Array<{ key: string; label: string; description: string }> {
  const kinds = new Map<string, { label: string; services: Set<string> }>();
  for (const r of reactions) {
    const key = r.kind.label.toLowerCase();
    const entry = kinds.get(key) ?? { label: kindText(r.kind), services: new Set<string>() };
    entry.services.add(serviceLabel(serviceOfAccount(r.accountId)));
    kinds.set(key, entry);
  }
  return [...kinds]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, k]) => ({ key, label: k.label, description: [...k.services].sort().join(', ') }));
}
