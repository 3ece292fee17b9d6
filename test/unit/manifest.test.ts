/** The manifest is part of the product: what VS Code shows and what a workspace may change. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nls = JSON.parse(fs.readFileSync(path.join(root, 'package.nls.json'), 'utf8'));

describe('manifest', () => {
  it('activates only through its views and commands, on a VS Code at least as new as its types', () => {
    assert.deepStrictEqual(pkg.activationEvents, []);
    const types = pkg.devDependencies['@types/vscode'].replace(/^[\^~]/, '');
    assert.strictEqual(pkg.engines.vscode.replace(/^[\^~]/, ''), types);
  });

  it('every setting is application-scoped: a workspace cannot redirect requests or change limits', () => {
    const props = pkg.contributes.configuration.properties as Record<string, { scope?: string }>;
    assert.ok(Object.keys(props).length > 0);
    for (const [key, p] of Object.entries(props)) assert.strictEqual(p.scope, 'application', key);
    assert.ok(!Object.keys(props).some((k) => /url|host|token|key/i.test(k)), 'no setting carries a host or a token');
  });

  it('declares untrusted and virtual workspace support (it reads nothing from the workspace)', () => {
    assert.strictEqual(pkg.capabilities.untrustedWorkspaces.supported, true);
    assert.strictEqual(pkg.capabilities.virtualWorkspaces, true);
  });

  it('every command has the Reactions category, a codicon and a localised title', () => {
    for (const c of pkg.contributes.commands as Array<{
      command: string;
      title: string;
      category: string;
      icon?: string;
    }>) {
      assert.strictEqual(c.category, '%category%', c.command);
      assert.match(c.icon ?? '', /^\$\([a-z-~]+\)$/, c.command);
      const key = c.title.replace(/^%|%$/g, '');
      assert.ok(nls[key], `${c.command}: title ${c.title} is in package.nls.json`);
    }
    assert.strictEqual(nls.category, 'Reactions');
  });

  it('the view container has its icon in media/ and the view a contextual title', () => {
    const container = pkg.contributes.viewsContainers.activitybar[0];
    assert.ok(fs.existsSync(path.join(root, container.icon)), container.icon);
    assert.ok(pkg.contributes.views.reactions[0].contextualTitle);
  });

  it('Delete removes the selection only when the Reactions tree has focus', () => {
    const kb = (pkg.contributes.keybindings as Array<{ command: string; key: string; when: string }>).find(
      (k) => k.key === 'delete',
    );
    assert.ok(kb, 'a Delete keybinding');
    assert.strictEqual(kb.command, 'reactions.deleteSelected');
    assert.match(kb.when, /focusedView == reactions\.tree/);
    assert.match(kb.when, /!inputFocus/, 'not while typing in an input');
  });

  it('the walkthrough has an image, alt text and a command button for each step', () => {
    const [w] = pkg.contributes.walkthroughs as Array<{
      steps: Array<{ id: string; description: string; media: { image: string; altText: string } }>;
    }>;
    assert.strictEqual(w.steps.length, 4);
    for (const step of w.steps) {
      assert.ok(fs.existsSync(path.join(root, step.media.image)), step.media.image);
      const text = (v: string) => nls[v.replace(/^%|%$/g, '')] as string;
      assert.match(text(step.description), /\(command:reactions\.[A-Za-z.]+\)/, step.id);
      assert.ok(text(step.media.altText), `${step.id}: alt text`);
    }
  });

  it('every %key% of the manifest has an English text', () => {
    const keys = [...JSON.stringify(pkg.contributes).matchAll(/"%([\w.]+)%"/g)].map((m) => m[1]);
    assert.ok(keys.length > 40);
    for (const key of keys) assert.ok(nls[key], key);
  });
});
