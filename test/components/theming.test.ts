/**
 * Theming promises: every custom property the README documents feeds the widget's styles,
 * and setting one from the page changes what visitors see.
 */
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, executeServerCommand } from '@web/test-runner-commands';
import type { ColloquyComments } from '../../src/components/comments/colloquy-comments.js';
import { FakeEndpoint, fixtureThread, makeComment } from './fake-endpoint.js';
import { $, $$, fillValid, renderWidget, settle, showForm, submit } from './helpers.js';

// Taken before any test replaces fetch with the endpoint double.
const realFetch = window.fetch.bind(window);

async function documentedTokens(): Promise<string[]> {
  const readme = await (await realFetch('/README.md')).text();
  const section = readme.split('\n### Custom properties\n')[1].split(/\n#{2,3} /)[0];
  return [...section.matchAll(/^\| `(--colloquy-[a-z-]+)`/gm)].map((m) => m[1]);
}

async function documentedParts(): Promise<string[]> {
  const readme = await (await realFetch('/README.md')).text();
  const section = readme.split('\n### CSS parts\n')[1].split(/\n#{2,3} /)[0];
  return [...section.matchAll(/^\| (`[a-z-]+`(?:, `[a-z-]+`)*) \|/gm)].flatMap((m) => m[1].split(', ').map((p) => p.slice(1, -1)));
}

describe('<colloquy-comments> parts', () => {
  it('renders every part the README documents, across the states that show them', async () => {
    const parts = await documentedParts();
    expect(parts.length).to.be.greaterThan(30);
    const seen = new Set<string>();
    const collect = (el: Element) =>
      el.shadowRoot!.querySelectorAll('[part]').forEach((n) => n.getAttribute('part')!.split(/\s+/).forEach((p) => seen.add(p)));
    const audio = Object.assign(document.createElement('audio'), { id: 'player' });
    document.body.append(audio);
    const fake = new FakeEndpoint([
      ...fixtureThread(),
      makeComment({ id: '20', body: 'Listen from 12:34.', role: 'host', pinned: true, likes: 3 }),
      makeComment({ id: '21', status: 'deleted', body: '', author: { name: '', url: null, avatar: '' } }),
      makeComment({ id: '22', parentId: '21', body: 'A reply to a deleted comment.' }),
      ...Array.from({ length: 3 }, (_, i) => makeComment({ id: String(30 + i) })),
    ]);
    try {
      // Loading, then a load failure and its Retry.
      fake.getReplies = ['hold', { status: 500, body: {} }];
      const failing = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
      await failing.updateComplete;
      collect(failing);
      fake.release();
      await waitUntil(() => $(failing, '[part~="retry-button"]'));
      collect(failing);

      // A loaded thread with more pages, a timestamp, a placeholder, held-back replies, the player's "Add current time".
      fake.newStatus = 'pending';
      fake.repliesPerRoot = 3;
      const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager" page-size="5"></colloquy-comments>`);
      await waitUntil(() => $(el, '[part~="load-more"]'));
      await el.load();
      collect(el);
      await showForm(el);
      // Errors, then a reply, a pending post with saved details, and the tools on one's own comment.
      await submit(el);
      collect(el);
      $<HTMLButtonElement>(el, '[data-reply-to="1"]').click();
      await settle(el);
      collect(el);
      await fillValid(el);
      $<HTMLInputElement>(el, '#remember').click();
      await submit(el);
      const id = fake.comments.at(-1)!.id;
      await waitUntil(() => $(el, '[part~="identity"]') && $(el, `[data-edit="${id}"]`));
      collect(el);
      $<HTMLButtonElement>(el, `[data-delete="${id}"]`).click();
      await settle(el);
      collect(el);
      // Cancel the deletion, then edit instead.
      $$<HTMLButtonElement>(el, '[part~="confirm-delete"] button').at(-1)!.click();
      await settle(el);
      $<HTMLButtonElement>(el, `[data-edit="${id}"]`).click();
      await settle(el);
      collect(el);
      // "Manage my comments by email": the note that a link is on its way.
      fake.postReplies = [{ status: 202, body: { accepted: true } }];
      $<HTMLButtonElement>(el, '[part~="manage"]').click();
      await waitUntil(() => $(el, '[part~="form-notice"]'), 'the manage note');
      collect(el);
      // A closed thread: "Comments are closed." in the form's place.
      fake.closed = true;
      const closed = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
      await waitUntil(() => $(closed, '[part~="closed"]'), 'the closed note');
      collect(closed);
      fake.closed = false;
      // Live: a comment announced by the "1 new comment" button.
      const live = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager" live></colloquy-comments>`);
      await waitUntil(() => fake.stream?.readyState === 1, 'no stream opened');
      fake.send('comment', makeComment({ id: '90', body: 'Just in.' }));
      await waitUntil(() => $(live, '[part~="new-comments"]'), 'the new comments button');
      collect(live);
    } finally {
      fake.restore();
      audio.remove();
    }
    for (const part of parts) expect(seen.has(part), `part "${part}" never rendered`).to.be.true;
  });
});

describe('<colloquy-comments> theming', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint([makeComment({ id: '1', author: { name: 'Ada', url: 'https://ada.example', avatar: 'a' } })]);
  });
  afterEach(() => fake.restore());

  it('reads every documented --colloquy-* token in its styles', async () => {
    const el = await renderWidget(fake);
    const css = el.shadowRoot!.adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules].map((r) => r.cssText)).join('\n');
    const tokens = await documentedTokens();
    expect(tokens.length).to.be.greaterThan(5);
    for (const token of tokens) expect(css, token).to.contain(`var(${token}`);
  });

  it('changes what visitors see when the page sets a token', async () => {
    const el = await renderWidget(fake);
    el.style.setProperty('--colloquy-accent', 'rgb(10, 20, 30)');
    el.style.setProperty('--colloquy-text', 'rgb(40, 50, 60)');
    el.style.setProperty('--colloquy-bg', 'rgb(250, 240, 230)');
    el.style.setProperty('--colloquy-font', 'monospace');
    expect(getComputedStyle($(el, '[part~="submit"]')).backgroundColor).to.equal('rgb(10, 20, 30)');
    expect(getComputedStyle($(el, '[part~="comment-author"]')).color).to.equal('rgb(10, 20, 30)');
    expect(getComputedStyle($(el, '[part~="comment-body"]')).color).to.equal('rgb(40, 50, 60)');
    expect(getComputedStyle(el).backgroundColor).to.equal('rgb(250, 240, 230)');
    expect(getComputedStyle($(el, '[part~="comment-body"]')).fontFamily).to.equal('monospace');
  });

  it('lets the page style any part with ::part()', async () => {
    const style = document.createElement('style');
    style.textContent = 'colloquy-comments::part(heading) { letter-spacing: 7px; } colloquy-comments::part(comment-avatar) { border-radius: 0px; }';
    document.head.append(style);
    try {
      const el = await renderWidget(fake);
      expect(getComputedStyle($(el, '[part~="heading"]')).letterSpacing).to.equal('7px');
      expect(getComputedStyle($(el, '[part~="comment-avatar"]')).borderRadius).to.equal('0px');
    } finally {
      style.remove();
    }
  });
});

describe('<colloquy-comments> light, dark and auto themes', () => {
  let fake: FakeEndpoint;
  beforeEach(() => {
    fake = new FakeEndpoint(fixtureThread());
  });
  afterEach(async () => {
    fake.restore();
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  });

  const LIGHT_BG = 'rgb(255, 255, 255)';
  const DARK_BG = 'rgb(13, 17, 23)';
  // The fields' background: the widget itself is transparent in the light theme (see below).
  const colours = (el: ColloquyComments) => ({
    bg: getComputedStyle($(el, '#body')).backgroundColor,
    text: getComputedStyle($(el, '[part~="comment-body"]')).color,
    scheme: getComputedStyle(el).colorScheme,
  });

  async function themed(theme: string | undefined) {
    const el = await renderWidget(fake);
    if (theme) el.setAttribute('theme', theme);
    return el;
  }

  it('should pass accessibility tests in the dark theme, loaded, with errors and while replying', async () => {
    const el = await themed('dark');
    expect(colours(el).bg).to.equal(DARK_BG);
    await expect(el).to.be.accessible();
    await submit(el);
    expect($$(el, '[part~="error"]').length).to.be.greaterThan(0);
    await expect(el).to.be.accessible();
    $<HTMLButtonElement>(el, '[data-reply-to="2"]').click();
    await settle(el);
    await expect(el).to.be.accessible();
  });

  it('is light by default, dark with theme="dark" (also set as a property), whatever the system says', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    const el = await themed(undefined);
    expect(colours(el)).to.deep.equal({ bg: LIGHT_BG, text: 'rgb(31, 35, 40)', scheme: 'light' });
    el.theme = 'dark';
    expect(el.getAttribute('theme')).to.equal('dark');
    expect(colours(el)).to.deep.equal({ bg: DARK_BG, text: 'rgb(230, 237, 243)', scheme: 'dark' });
  });

  it('sits on the page’s own background in the light theme (fields keep theirs), and keeps its own in the dark theme', async () => {
    const el = await themed(undefined);
    expect(getComputedStyle(el).backgroundColor, 'no white slab on a cream page').to.equal('rgba(0, 0, 0, 0)');
    expect(getComputedStyle($(el, '#name')).backgroundColor).to.equal(LIGHT_BG);
    await expect(el).to.be.accessible();
    el.theme = 'dark';
    expect(getComputedStyle(el).backgroundColor, 'light text stays readable on any page').to.equal(DARK_BG);
  });

  it('follows prefers-color-scheme with theme="auto"', async () => {
    const el = await themed('auto');
    await emulateMedia({ colorScheme: 'light' });
    expect(colours(el).bg).to.equal(LIGHT_BG);
    await emulateMedia({ colorScheme: 'dark' });
    expect(colours(el).bg).to.equal(DARK_BG);
    expect(getComputedStyle($(el, '[part~="submit"]')).color, 'button text flips with its background').to.equal(DARK_BG);
  });

  it('lets the site’s tokens win over either theme', async () => {
    const el = await themed('dark');
    el.style.setProperty('--colloquy-bg', 'rgb(1, 2, 3)');
    expect(colours(el).bg).to.equal('rgb(1, 2, 3)');
  });

  it('moves nothing when the visitor asks for reduced motion', async () => {
    fake.getReplies = ['hold'];
    await emulateMedia({ reducedMotion: 'no-preference' });
    const el = await fixture<ColloquyComments>(html`<colloquy-comments endpoint=${fake.base} thread="t" loading="eager"></colloquy-comments>`);
    await el.updateComplete;
    const placeholder = () => getComputedStyle($(el, '[part~="skeleton"] li'));
    expect(placeholder().animationName, 'the loading placeholder pulses').to.equal('pulse');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(placeholder().animationName).to.equal('none');
    fake.release();
  });
});

describe('<colloquy-comments> in forced colors (Windows high contrast)', () => {
  let fake: FakeEndpoint;
  beforeEach(async () => {
    fake = new FakeEndpoint(fixtureThread());
    await executeServerCommand('emulate-forced-colors', { active: true });
  });
  afterEach(async () => {
    fake.restore();
    await executeServerCommand('emulate-forced-colors', { active: false });
  });

  it('keeps the edges of buttons and fields and the highlighted comment visible, and stays accessible', async () => {
    expect(matchMedia('(forced-colors: active)').matches).to.be.true;
    location.hash = '#comment-2';
    try {
      const el = await renderWidget(fake);
      await waitUntil(() => $(el, '#comment-2.highlight'));
      const visibleEdge = (style: CSSStyleDeclaration, edge: 'border-top' | 'outline') =>
        style.getPropertyValue(`${edge}-style`) !== 'none' &&
        parseFloat(style.getPropertyValue(`${edge}-width`)) >= 1 &&
        style.getPropertyValue(`${edge}-color`) !== 'rgba(0, 0, 0, 0)';
      expect(visibleEdge(getComputedStyle($(el, '[part~="submit"]')), 'border-top'), 'the Post Comment button has an edge').to.be.true;
      expect(visibleEdge(getComputedStyle($(el, '#body')), 'border-top'), 'the comment box has an edge').to.be.true;
      expect(visibleEdge(getComputedStyle($(el, '#comment-2')), 'outline'), 'the highlighted comment is outlined').to.be.true;
      await expect(el).to.be.accessible();
    } finally {
      history.replaceState(null, '', location.pathname + location.search);
    }
  });
});
