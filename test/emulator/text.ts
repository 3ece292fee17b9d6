/**
 * Plausible generated text: community posts and comments (HTML, sometimes with entities and emoji),
 * discussion titles, Tines case names and markdown comments. Everything is drawn from a seeded Rng.
 */
import type { Rng } from './seed';

const PRODUCTS = [
  'the mobile app',
  'the dashboard',
  'the new editor',
  'the API',
  'the onboarding flow',
  'the calendar',
  'the search page',
  'notifications',
  'the billing page',
  'the export tool',
  'dark mode',
  'the iOS widget',
];
const TOPICS = [
  'release notes',
  'the roadmap',
  'our meetup',
  'the beta program',
  'accessibility',
  'keyboard shortcuts',
  'the community guidelines',
  'single sign-on',
  'the spring update',
  'webhooks',
  'offline mode',
  'the Q&A session',
];
const THINGS = [
  'a CSV export',
  'two-factor login',
  'a shared calendar',
  'custom fields',
  'a weekly digest',
  'bulk editing',
  'tags on comments',
  'a public profile',
  'an RSS feed',
  'saved searches',
  'emoji reactions',
  'a markdown preview',
];
const FEELINGS = [
  'love',
  'really like',
  'am not sure about',
  'keep coming back to',
  'was surprised by',
  'finally tried',
  'still struggle with',
  'enjoy',
];
const TIMES = [
  'this morning',
  'yesterday',
  'last week',
  'since the update',
  'after the migration',
  'on Monday',
  'during the webinar',
  'for a while now',
];
const VERBS = ['export', 'share', 'archive', 'translate', 'schedule', 'import', 'pin', 'moderate', 'embed', 'sync'];
const EMOJI = ['🎉', '👍', '🚀', '😅', '❤️', '🙏', '🤔', '✨', '🔥', '👀'];
const ABBREVIATIONS = ['R&D', 'Q&A', 'T&Cs', 'UX & design', 'docs & tutorials'];

const SENTENCES: ReadonlyArray<(r: Rng) => string> = [
  (r) => `I ${r.pick(FEELINGS)} ${r.pick(PRODUCTS)}.`,
  (r) => `Has anyone managed to ${r.pick(VERBS)} ${r.pick(THINGS)} from ${r.pick(PRODUCTS)}?`,
  (r) => `Since ${r.pick(TIMES).replace(/^(since|for|on|during|after) /, '')} ${r.pick(PRODUCTS)} feels a lot faster.`,
  (r) => `Quick tip: you can ${r.pick(VERBS)} ${r.pick(THINGS)} with two clicks.`,
  (r) => `It would be great to have ${r.pick(THINGS)} in ${r.pick(PRODUCTS)}.`,
  (r) => `Thanks to everyone who joined ${r.pick(TOPICS)} ${r.pick(TIMES)}.`,
  (r) => `We are collecting feedback on ${r.pick(TOPICS)} until Friday.`,
  (r) => `I tried to ${r.pick(VERBS)} ${r.pick(THINGS)} ${r.pick(TIMES)} and it just worked.`,
  (r) => `Does ${r.pick(PRODUCTS)} support ${r.pick(THINGS)} yet?`,
  (r) => `Our team uses ${r.pick(THINGS)} every day for ${r.pick(ABBREVIATIONS)}.`,
  (r) => `The docs about ${r.pick(TOPICS)} could use a few more examples.`,
  (r) => `Same here, ${r.pick(PRODUCTS)} broke for me ${r.pick(TIMES)}.`,
  (r) => `Good point, I had not thought about ${r.pick(TOPICS)}.`,
  (r) => `+1 for ${r.pick(THINGS)}, that would save us hours.`,
];

const TITLES: ReadonlyArray<(r: Rng) => string> = [
  (r) => `How do I ${r.pick(VERBS)} ${r.pick(THINGS)}?`,
  (r) => `Feature request: ${r.pick(THINGS)} in ${r.pick(PRODUCTS)}`,
  (r) => `Feedback on ${r.pick(TOPICS)}`,
  (r) => `${cap(r.pick(PRODUCTS))} is slow ${r.pick(TIMES)}`,
  (r) => `Best practices for ${r.pick(TOPICS)}`,
  (r) => `What do you think about ${r.pick(THINGS)}?`,
  (r) => `Problem with ${r.pick(PRODUCTS)} after the update`,
  (r) => `Share your setup: ${r.pick(THINGS)} & ${r.pick(THINGS)}`,
];

export function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Plain text of an HTML fragment (tags removed, entities decoded, whitespace collapsed). */
export function plainText(html: string): string {
  return (
    html
      // [^<>]: each attempt stops at the next `<`, so a run of `<` costs linear time, not quadratic
      .replace(/<\/?(strong|em|b|i|a|span|code)\b[^<>]*>/g, '')
      .replace(/<[^<>]*>/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&nbsp;/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

export function summarize(html: string, max = 200): string {
  const text = plainText(html);
  return text.length > max ? text.slice(0, max - 1).trimEnd() + '…' : text;
}

function sentences(r: Rng, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.pick(SENTENCES)(r));
  if (r.chance(0.25)) out.push(r.pick(EMOJI));
  return out.join(' ');
}

/** HTML body of a status, post, discussion or comment; length varies from one line to paragraphs. */
export function communityHtml(r: Rng, kind: 'status' | 'discussion' | 'post' | 'comment'): string {
  const long = kind === 'post' || kind === 'discussion';
  const paragraphs = long ? r.int(1, 4) : r.chance(0.15) ? 2 : 1;
  const parts: string[] = [];
  for (let i = 0; i < paragraphs; i++) {
    let p = escapeHtml(sentences(r, r.int(1, long ? 5 : 3)));
    if (r.chance(0.2)) p = p.replace(/(\w+ \w+)([.?!])/, '<strong>$1</strong>$2');
    parts.push(`<p>${p}</p>`);
  }
  return parts.join('');
}

export function discussionTitle(r: Rng): string {
  return r.pick(TITLES)(r);
}

export function slugify(title: string): string {
  return (
    title
      .toLowerCase()
      .replace(/&/g, ' and ')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'discussion'
  );
}

// ---- people --------------------------------------------------------------------------------------

export const FIRST_NAMES = [
  'Nora',
  'Liam',
  'Priya',
  'Mateo',
  'Yuki',
  'Ola',
  'Hannah',
  'Kwame',
  'Sofia',
  'Diego',
  'Ines',
  'Tomasz',
  'Amara',
  'Jonas',
  'Mei',
  'Rafael',
  'Zoe',
  'Arjun',
  'Lena',
  'Omar',
  'Elif',
  'Noah',
  'Chloé',
  'Sipho',
];
export const LAST_NAMES = [
  'Lindqvist',
  'Okafor',
  'Nakamura',
  'Ferreira',
  'Novak',
  'Haddad',
  'Brennan',
  'Moreau',
  'Kowalski',
  'Mensah',
  'Rossi',
  'Ivanova',
  'Schmidt',
  'Tanaka',
  'García',
  'Nguyen',
  "O'Neill",
  'Costa',
  'Bauer',
  'Silva',
];

// ---- Tines ---------------------------------------------------------------------------------------

const COUNTRIES = ['Brazil', 'Vietnam', 'Romania', 'Nigeria', 'the Netherlands', 'Singapore', 'Canada', 'Kazakhstan'];
const HOSTS = [
  'LAPTOP-7Q2K',
  'web-prod-03',
  'build-agent-12',
  'MAC-FIN-044',
  'db-replica-2',
  'vpn-gw-01',
  'jump-host-eu',
  'kiosk-lobby',
];
const MALWARE = [
  'Emotet',
  'QakBot',
  'AgentTesla',
  'a suspicious PowerShell script',
  'an unsigned macro',
  'Cobalt Strike beacon',
];
const SENDER_DOMAINS = [
  'paypa1-billing.com',
  'micros0ft-support.net',
  'docu-sign-secure.io',
  'hr-benefits-update.org',
  'invoice-center.biz',
];
const MAILBOXES = ['j.doe', 'finance', 'm.rossi', 'ceo-office', 'payroll', 's.tanaka', 'helpdesk', 'a.okafor'];

export function caseName(r: Rng): string {
  const person = `${r.pick(FIRST_NAMES)} ${r.pick(LAST_NAMES)}`;
  const templates: ReadonlyArray<() => string> = [
    () => `Phishing report from ${r.pick(MAILBOXES)}@example.com`,
    () => `Suspicious login for ${person} from ${r.pick(COUNTRIES)}`,
    () => `Malware alert on ${r.pick(HOSTS)}: ${r.pick(MALWARE)}`,
    () => `Impossible travel: ${person}`,
    () => `Repeated MFA failures for ${person}`,
    () => `CVE-${r.int(2021, 2025)}-${r.int(1000, 49999)} on ${r.pick(HOSTS)}`,
    () => `Lost laptop – ${person}`,
    () => `Unusual data transfer from ${r.pick(HOSTS)}`,
    () => `Vendor invoice fraud attempt (${r.pick(SENDER_DOMAINS)})`,
  ];
  return r.pick(templates)();
}

export function caseDescription(r: Rng): string {
  const lines = [
    `Opened automatically by the **${r.pick(['Email triage', 'EDR alerts', 'Identity monitoring', 'Vulnerability scan'])}** story.`,
    `Source: \`${r.pick(HOSTS)}\` · severity ${r.pick(['low', 'medium', 'high'])}`,
  ];
  if (r.chance(0.5))
    lines.push(
      `See the runbook section "${r.pick(['Containment', 'Triage & scoping', 'Eradication', 'User comms'])}".`,
    );
  return lines.join('\n\n');
}

const COMMENT_LINES: ReadonlyArray<(r: Rng) => string> = [
  (r) => `Checked the headers: the sender domain \`${r.pick(SENDER_DOMAINS)}\` is **not** ours.`,
  (r) => `Blocked the sender and purged ${r.int(2, 40)} copies from mailboxes.`,
  (r) => `Isolated \`${r.pick(HOSTS)}\` from the network while we investigate.`,
  (r) => `User confirmed they did not enter credentials ${r.pick(['🙏', '👍', ''])}`.trim(),
  () => `Reset the password and revoked all active sessions.`,
  (r) => `VirusTotal: ${r.int(0, 12)}/72 engines flag the attachment.`,
  (r) =>
    `Looks like a false positive: the login came from our ${r.pick(['VPN exit', 'office in Lisbon', 'CI runner'])}.`,
  () => `Escalating to the IR on-call, this one needs a second pair of eyes 👀`,
  (r) => `Patched in the ${r.pick(['Tuesday', 'emergency', 'weekend'])} maintenance window; rescan is clean.`,
  () => `Closing: no further action needed.`,
  (r) =>
    `Added IOCs to the blocklist:\n\n- \`${r.int(10, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}\`\n- \`${r.pick(SENDER_DOMAINS)}\``,
  () => `Thanks @team, great catch & fast turnaround!`,
];

/** A markdown comment on a case: one to four lines, sometimes a list or emoji. */
export function caseComment(r: Rng): string {
  const n = r.weighted([5, 3, 1.5, 0.5]) + 1;
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(r.pick(COMMENT_LINES)(r));
  return out.join('\n\n');
}
