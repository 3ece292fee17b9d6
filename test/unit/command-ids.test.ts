/**
 * Command ids: src/ui/commandIds.ts is the one list. Every id there is contributed by package.json and
 * registered by the module its family names; nothing is contributed or registered outside it.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { COMMAND_FAMILIES, COMMAND_IDS } from '../../src/ui/commandIds';

const root = path.join(__dirname, '..', '..');
const read = (rel: string) => fs.readFileSync(path.join(root, rel), 'utf8');
const manifest = JSON.parse(read('package.json')) as {
  contributes: {
    commands: Array<{ command: string }>;
    menus: Record<string, Array<{ command?: string }>>;
    keybindings?: Array<{ command: string }>;
  };
};

/** The ids a module registers through the one wrapper, `command(deps, 'id', …)`. */
function registeredBy(file: string): string[] {
  return [...read(file).matchAll(/\bcommand\(\s*deps,\s*'([^']+)'/g)].map((m) => m[1]);
}

const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

describe('command ids', () => {
  it('each id is listed once', () => {
    assert.deepStrictEqual(COMMAND_IDS.length, new Set(COMMAND_IDS).size);
  });

  it('package.json contributes exactly the listed commands (none missing from the palette, none dead)', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command);
    const listed = new Set<string>(COMMAND_IDS);
    const notListed = contributed.filter((id) => !listed.has(id));
    const notContributed = COMMAND_IDS.filter((id) => !contributed.includes(id));
    assert.deepStrictEqual(notListed, [], 'contributed in package.json but not registered by any module');
    assert.deepStrictEqual(notContributed, [], 'registered but not contributed in package.json');
  });

  for (const [family, ids] of Object.entries(COMMAND_FAMILIES)) {
    it(`src/ui/commands/${family}.ts registers exactly its family's ids`, () => {
      assert.deepStrictEqual(sorted(registeredBy(`src/ui/commands/${family}.ts`)), sorted(ids));
    });
  }

  it('no other file registers a command', () => {
    const families = new Set(Object.keys(COMMAND_FAMILIES).map((f) => `${f}.ts`));
    const files = fs.readdirSync(path.join(root, 'src', 'ui', 'commands')).filter((f) => !families.has(f));
    for (const f of files) assert.deepStrictEqual(registeredBy(`src/ui/commands/${f}`), [], f);
    assert.doesNotMatch(read('src/extension.ts'), /registerCommand\(/);
  });

  it('activation registers every family: view at once, the others on first use', () => {
    const ext = read('src/extension.ts');
    assert.match(ext, /viewCommands\.register\(context, deps\)/);
    for (const family of Object.keys(COMMAND_FAMILIES).filter((f) => f !== 'view'))
      assert.match(
        ext,
        new RegExp(`lazily\\('${family}', \\(\\) => import\\('\\./ui/commands/${family}'\\)\\)`),
        family,
      );
  });

  it('menus and keybindings name only listed commands', () => {
    const listed = new Set<string>(COMMAND_IDS);
    const named = [
      ...Object.values(manifest.contributes.menus).flatMap((items) => items.map((i) => i.command)),
      ...(manifest.contributes.keybindings ?? []).map((k) => k.command),
    ].filter((id): id is string => !!id);
    assert.deepStrictEqual(
      named.filter((id) => !listed.has(id)),
      [],
    );
  });
});
