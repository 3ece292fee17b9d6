/**
 * Italian next to English: every `vscode.l10n.t` string in src/ has a translation in
 * l10n/bundle.l10n.it.json, every package.nls.json key one in package.nls.it.json, with the same
 * placeholders — and neither file keeps a translation of a string that no longer exists.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const root = path.resolve(__dirname, '../..');
const read = (file: string) => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as Record<string, string>;

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sources(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

/** The message of every `l10n.t(...)` call (first argument), parsed with the TypeScript compiler. */
function l10nStrings(): { messages: Set<string>; dynamic: string[] } {
  const messages = new Set<string>();
  const dynamic: string[] = [];
  for (const file of sources(path.join(root, 'src'))) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 't' &&
        /\bl10n$/.test(node.expression.expression.getText(sf))
      ) {
        const arg = node.arguments[0];
        if (arg && (ts.isStringLiteral(arg) || ts.isNoSubstitutionTemplateLiteral(arg))) messages.add(arg.text);
        else dynamic.push(`${path.relative(root, file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return { messages, dynamic };
}

const placeholders = (s: string) => (s.match(/\{\d+\}/g) ?? []).sort().join(',');

/** The placeholders of a message other than `{n}`. */
const othersThan = (s: string, n: string) =>
  (s.match(/\{\d+\}/g) ?? [])
    .filter((p) => p !== `{${n}}`)
    .sort()
    .join(',');

/** English plural words that follow a count, and their singular. */
const SINGULAR: Record<string, string> = {
  reactions: 'reaction',
  Reactions: 'Reaction',
  accounts: 'account',
  days: 'day',
  minutes: 'minute',
  reasons: 'reason',
  were: 'was',
  are: 'is',
};

/**
 * Messages that put a count before a plural word ("{0} reactions", "{1} kept reactions", "{0} were")
 * without a singular form beside them: another message that starts the same up to the count and goes
 * on with the singular word ("{0} reaction" or "1 reaction"). `vscode.l10n` has no plural rules, so a
 * count message is two messages chosen by the count.
 */
export function pluralsWithoutSingular(messages: ReadonlySet<string>): string[] {
  const missing: string[] = [];
  // with and without one word between the count and the plural ("{1} kept reactions")
  const counts = [/\{(\d+)\}((?: of \{\d+\})?) ([A-Za-z]+)\b/g, /\{(\d+)\}((?: of \{\d+\})? [a-z]+) ([A-Za-z]+)\b/g];
  for (const m of messages) {
    for (const match of counts.flatMap((c) => [...m.matchAll(c)])) {
      const [whole, , between, word] = match;
      const singular = SINGULAR[word];
      if (!singular) continue;
      const before = m.slice(0, match.index);
      const withCount = `${before}${whole.slice(0, whole.length - word.length)}${singular}`;
      const withOne = `${before}${whole.slice(0, whole.indexOf('}') + 1).replace(/\{\d+\}$/, '1')}${between} ${singular}`;
      const found = [...messages].some(
        (other) =>
          other !== m &&
          // the same other placeholders: "{0} reaction on {1}: {2}" is not the singular of "{0} reactions match"
          othersThan(other, match[1]) === othersThan(m, match[1]) &&
          [withCount, withOne].some((p) => other.startsWith(p) && !/^[A-Za-z]/.test(other.slice(p.length))),
      );
      if (!found) missing.push(m);
    }
  }
  return missing;
}

describe('l10n: plurals', () => {
  it('every message with a count before a plural word has a singular form beside it', () => {
    assert.deepStrictEqual(pluralsWithoutSingular(l10nStrings().messages), []);
  });

  it('the check itself: catches a lone plural, accepts "{0} reaction" or "1 reaction" beside it', () => {
    assert.deepStrictEqual(pluralsWithoutSingular(new Set(['Remove {0} reactions?'])), ['Remove {0} reactions?']);
    assert.deepStrictEqual(pluralsWithoutSingular(new Set(['{0} were gone', '{0} reactions'])), [
      '{0} were gone',
      '{0} reactions',
    ]);
    assert.deepStrictEqual(
      pluralsWithoutSingular(new Set(['Remove {0} reactions?', 'Remove {0} reaction?', '{0} reactions', '1 reaction'])),
      [],
    );
    assert.deepStrictEqual(
      pluralsWithoutSingular(new Set(['Removed {0} of {1} reactions.', 'Removed {0} of {1} reaction.'])),
      [],
    );
    assert.deepStrictEqual(pluralsWithoutSingular(new Set(['{0} kept reactions left', '{0} kept reaction left'])), []);
    assert.deepStrictEqual(
      pluralsWithoutSingular(new Set(['{0} reactions match', '{0} reaction on {1}: {2}'])),
      ['{0} reactions match'],
      'a message with other placeholders is not the singular',
    );
    assert.deepStrictEqual(
      pluralsWithoutSingular(new Set(['Removed {0} of {1} reactions.', 'Removed {0} of {1} reactionsX'])),
      ['Removed {0} of {1} reactions.'],
    );
  });
});

describe('l10n: Italian', () => {
  it('every vscode.l10n.t string has an Italian translation with the same placeholders', () => {
    const { messages, dynamic } = l10nStrings();
    assert.deepStrictEqual(dynamic, [], 'l10n.t takes a literal message (else it cannot be translated)');
    assert.ok(messages.size > 200, `found ${messages.size} messages`);
    const it = read('l10n/bundle.l10n.it.json');
    const missing = [...messages].filter((m) => !it[m]);
    assert.deepStrictEqual(missing, [], 'messages without an Italian translation');
    for (const m of messages) assert.strictEqual(placeholders(it[m]), placeholders(m), `placeholders of "${m}"`);
    const stale = Object.keys(it).filter((k) => !messages.has(k));
    assert.deepStrictEqual(stale, [], 'translations of messages no longer in the sources');
  });

  it('every package.nls.json key has an Italian text, and the manifest points at the bundle', () => {
    const en = read('package.nls.json');
    const it = read('package.nls.it.json');
    assert.deepStrictEqual(Object.keys(it).sort(), Object.keys(en).sort());
    for (const [k, v] of Object.entries(en)) {
      assert.ok(it[k].trim(), k);
      const commands = (s: string) => (s.match(/\(command:[\w.]+\)/g) ?? []).join();
      assert.strictEqual(commands(it[k]), commands(v), `${k}: the same command links`);
    }
    assert.strictEqual(read('package.json').l10n, './l10n');
  });
});
